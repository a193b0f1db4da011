#pragma once

#include <httplib.h>

#include <string>
#include <string_view>

#include "http/front/connection.hpp"

namespace boxoffice::http::front {

// httplib's view of one request: reads come from the request's buffered bytes (the end of
// them is end of stream), writes are gathered into `answer` and sent in one go afterwards.
// httplib reads the head one byte per call; this costs a copy, not a system call.
class BufferedStream final : public httplib::Stream {
 public:
  BufferedStream(std::string_view request, const PeerAddress& peer, std::string& answer)
      : request_(request), peer_(peer), answer_(answer) {}

  bool is_readable() const override { return !request_.empty(); }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  // httplib only compares this with FD_SETSIZE (its select() build answers 500 above it);
  // no socket is ever used through this stream, so there is none to give.
  socket_t socket() const override { return INVALID_SOCKET; }

 private:
  std::string_view request_;
  const PeerAddress& peer_;
  std::string& answer_;
};

}  // namespace boxoffice::http::front

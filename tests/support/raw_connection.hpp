#pragma once

#include <chrono>
#include <string>

namespace boxoffice::testing {

// What a raw exchange got back: the status line's code, the head and the body.
struct RawAnswer {
  int status = 0;  // 0: no parsable answer (nothing came, or the connection ended)
  std::string headers;
  std::string body;
  // The value of the first header of that name (any letter case), "" when none.
  std::string header(const std::string& name) const;
};

// One TCP connection to 127.0.0.1:port on which exact bytes are written and answers read
// back, for what an HTTP client library would not send (pipelining, bad framing, half
// requests). Every read gives up after `wait`.
class RawConnection {
 public:
  explicit RawConnection(int port, std::chrono::milliseconds wait = std::chrono::seconds(10));
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  void write(const std::string& bytes);
  // GET `path` and its answer.
  RawAnswer get(const std::string& path);
  // Reads one answer: its head, then Content-Length bytes of body (none for HEAD), or up to
  // the close when there is no Content-Length.
  RawAnswer read_answer(bool head_request = false);
  // True when bytes (or the close) are there to read within `timeout`.
  bool readable_within(std::chrono::milliseconds timeout);
  // True when the server ends the connection within `timeout` (bytes before it are dropped).
  bool closed_within(std::chrono::milliseconds timeout);

 private:
  bool fill();

  int fd_;
  std::chrono::milliseconds wait_;
  std::string pending_;
};

// Sends these bytes on a new connection and reads the first answer.
RawAnswer raw_exchange(int port, const std::string& request);

}  // namespace boxoffice::testing

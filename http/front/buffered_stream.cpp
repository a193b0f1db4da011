#include "http/front/buffered_stream.hpp"

#include <algorithm>
#include <cstring>

namespace boxoffice::http::front {

ssize_t BufferedStream::read(char* ptr, size_t size) {
  const auto n = std::min(size, request_.size());
  std::memcpy(ptr, request_.data(), n);
  request_.remove_prefix(n);
  return static_cast<ssize_t>(n);
}

ssize_t BufferedStream::write(const char* ptr, size_t size) {
  answer_.append(ptr, size);
  return static_cast<ssize_t>(size);
}

void BufferedStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  ip = peer_.remote_ip;
  port = peer_.remote_port;
}

void BufferedStream::get_local_ip_and_port(std::string& ip, int& port) const {
  ip = peer_.local_ip;
  port = peer_.local_port;
}

}  // namespace boxoffice::http::front

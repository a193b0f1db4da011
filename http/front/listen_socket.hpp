#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace boxoffice::http::front {

struct ListenSocket {
  int fd = -1;
  int port = 0;  // the bound port (the chosen one when 0 was asked for)
};

// A non-blocking listening TCP socket on host:port with a deep accept backlog. Unlike
// httplib's listener it does not set SO_REUSEPORT: a second server on the same port is an
// error, not a silent sharing. Throws std::runtime_error naming the address.
ListenSocket open_listen_socket(const std::string& host, std::uint16_t port);

// Raises this process's open-file limit to its hard limit; returns the limit now in force.
std::size_t raise_open_file_limit();

}  // namespace boxoffice::http::front

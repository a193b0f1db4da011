#include "chaos/stable_ports.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <random>
#include <stdexcept>

namespace boxoffice::chaos {
namespace {

// The lowest port the OS gives to outgoing connections and to bind(0).
int ephemeral_floor() {
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  int low = 32768;
  range >> low;
  return low;
}

bool bindable(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket() for a free port failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return bound;
}

}  // namespace

std::vector<int> pick_stable_ports(int count) {
  const int high = ephemeral_floor();
  const int low = std::max(1024, high - 20000);
  std::mt19937 generator{std::random_device{}()};
  std::uniform_int_distribution<int> pick(low, high - 1);
  std::vector<int> ports;
  for (int attempt = 0; attempt < 1000 && static_cast<int>(ports.size()) < count; ++attempt) {
    const int port = pick(generator);
    if (std::find(ports.begin(), ports.end(), port) == ports.end() && bindable(port))
      ports.push_back(port);
  }
  if (static_cast<int>(ports.size()) < count)
    throw std::runtime_error("cannot find free ports below the ephemeral range");
  return ports;
}

}  // namespace boxoffice::chaos

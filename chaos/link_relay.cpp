#include "chaos/link_relay.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace boxoffice::chaos {
namespace {

constexpr int kPollMs = 50;

int listen_loopback(int& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("relay: socket() failed");
  const int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(fd, 64) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    throw std::runtime_error("relay: cannot listen on loopback");
  }
  port = ntohs(address.sin_port);
  return fd;
}

// A send into a node that stopped reading (frozen) gives up, as a broken link would.
void bound_sends(int fd) {
  timeval limit{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
}

int connect_loopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return -1;
  }
  const int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
  bound_sends(fd);
  return fd;
}

// Copies what `from` has to `to`; false when either side ended.
bool forward(int from, int to) {
  char buffer[16384];
  const auto got = ::recv(from, buffer, sizeof(buffer), 0);
  if (got <= 0) return false;
  ssize_t sent = 0;
  while (sent < got) {
    const auto n = ::send(to, buffer + sent, static_cast<std::size_t>(got - sent), MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += n;
  }
  return true;
}

}  // namespace

LinkRelays::LinkRelays(std::vector<int> cluster_ports) : cluster_ports_(std::move(cluster_ports)) {
  const int n = size();
  for (int from = 1; from <= n; ++from)
    for (int to = 1; to <= n; ++to) {
      auto relay = std::make_unique<Link>();
      relay->from = from;
      relay->to = to;
      if (from != to) relay->listen_fd = listen_loopback(relay->port);
      links_.push_back(std::move(relay));
    }
  for (auto& relay : links_)
    if (relay->listen_fd >= 0)
      threads_.emplace_back([this, &relay = *relay] { accept_loop(relay); });
}

LinkRelays::~LinkRelays() {
  stopping_ = true;
  for (;;) {
    std::thread thread;
    {
      std::lock_guard lock(threads_mutex_);
      if (threads_.empty()) break;
      thread = std::move(threads_.back());
      threads_.pop_back();
    }
    thread.join();
  }
  for (auto& relay : links_)
    if (relay->listen_fd >= 0) ::close(relay->listen_fd);
}

LinkRelays::Link& LinkRelays::link(int from, int to) {
  return *links_.at(static_cast<std::size_t>((from - 1) * size() + (to - 1)));
}

const LinkRelays::Link& LinkRelays::link(int from, int to) const {
  return *links_.at(static_cast<std::size_t>((from - 1) * size() + (to - 1)));
}

std::string LinkRelays::address(int from, int to) const {
  return "127.0.0.1:" + std::to_string(link(from, to).port);
}

std::string LinkRelays::peers_of(int node) const {
  std::string out;
  for (int other = 1; other <= size(); ++other)
    if (other != node) out += (out.empty() ? "" : ",") + address(node, other);
  return out;
}

void LinkRelays::set(const std::vector<int>& side, bool cut) {
  const auto inside = [&side](int node) {
    return std::find(side.begin(), side.end(), node) != side.end();
  };
  for (int a = 1; a <= size(); ++a)
    for (int b = 1; b <= size(); ++b) {
      if (a == b || !inside(a) || inside(b)) continue;
      set_between(a, b, cut);
    }
}

void LinkRelays::cut(const std::vector<int>& side) {
  set(side, true);
}

void LinkRelays::heal(const std::vector<int>& side) {
  set(side, false);
}

void LinkRelays::set_between(int a, int b, bool cut) {
  for (auto* relay : {&link(a, b), &link(b, a)}) {
    if (cut && !relay->cut) ++relay->cuts;
    relay->cut = cut;
  }
}

void LinkRelays::heal_all() {
  for (auto& relay : links_) relay->cut = false;
}

bool LinkRelays::cut_between(int a, int b) const {
  return link(a, b).cut;
}

void LinkRelays::accept_loop(Link& relay) {
  while (!stopping_) {
    pollfd watch{relay.listen_fd, POLLIN, 0};
    if (::poll(&watch, 1, kPollMs) <= 0) continue;
    const int client = ::accept(relay.listen_fd, nullptr, nullptr);
    if (client < 0) continue;
    const int on = 1;
    ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    bound_sends(client);
    std::lock_guard lock(threads_mutex_);
    threads_.emplace_back([this, &relay, client] { pump(relay, client); });
  }
}

void LinkRelays::pump(Link& relay, int client) {
  const int generation = relay.cut ? -1 : relay.cuts.load();
  const int server = generation < 0 ? -1 : connect_loopback(cluster_ports_.at(relay.to - 1));
  if (generation >= 0 && server < 0) {
    ::close(client);
    return;
  }
  bool open = true;
  while (open && !stopping_) {
    if (generation < 0 || relay.cuts != generation) {
      // Cut: hold the connection silently until the link heals, then drop it.
      if (!relay.cut) break;
      ::usleep(kPollMs * 1000);
      continue;
    }
    pollfd watch[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
    if (::poll(watch, 2, kPollMs) <= 0) continue;
    if (relay.cuts != generation) continue;  // cut while waiting: forward nothing more
    if (watch[0].revents & (POLLIN | POLLHUP | POLLERR)) open = forward(client, server);
    if (open && (watch[1].revents & (POLLIN | POLLHUP | POLLERR))) open = forward(server, client);
  }
  ::close(client);
  if (server >= 0) ::close(server);
}

}  // namespace boxoffice::chaos

// A connection's life at both ends: accepted (or refused over the cap), and closed: lingered
// after a last answer, expired by its timers, freed after the batch of events that closed it.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "http/front/connection_loop.hpp"

namespace boxoffice::http::front {
namespace {

using domain::ErrorCode;

constexpr int kMaxAcceptsPerWake = 512;
constexpr std::size_t kMaxLingering = 1024;

void address_of(const sockaddr_storage& address, std::string& ip, int& port) {
  char text[INET6_ADDRSTRLEN] = {0};
  if (address.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(address);
    ::inet_ntop(AF_INET, &in.sin_addr, text, sizeof text);
    port = ntohs(in.sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(address);
    ::inet_ntop(AF_INET6, &in6.sin6_addr, text, sizeof text);
    port = ntohs(in6.sin6_port);
  }
  ip = text;
}

std::string seconds_text(std::chrono::milliseconds duration) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", static_cast<double>(duration.count()) / 1000.0);
  return text;
}

}  // namespace

void ConnectionLoop::accept_all(SteadyClock::time_point now) {
  for (int i = 0; i < kMaxAcceptsPerWake; ++i) {
    sockaddr_storage remote{};
    socklen_t length = sizeof remote;
    const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&remote), &length,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if ((errno == EMFILE || errno == ENFILE) && spare_fd_ >= 0) {
        // Out of descriptors: take the connection with the spare one and end it, or the
        // listening socket would stay readable and the loop would spin on it.
        ::close(spare_fd_);
        const int refused = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (refused >= 0) ::close(refused);
        spare_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        gauges_.connections_refused.fetch_add(1, std::memory_order_relaxed);
        spdlog::warn("http: out of file descriptors; a connection was refused");
      }
      return;
    }
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    if (static_cast<std::size_t>(connections_) >= config_.max_connections) {
      refuse_over_cap(fd);
      continue;
    }
    auto* connection = new Connection(fd);
    address_of(remote, connection->peer.remote_ip, connection->peer.remote_port);
    sockaddr_storage local{};
    socklen_t local_length = sizeof local;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_length) == 0)
      address_of(local, connection->peer.local_ip, connection->peer.local_port);
    epoll_event interest{};
    interest.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    interest.data.ptr = connection;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &interest) != 0) {
      ::close(fd);
      delete connection;
      continue;
    }
    ++connections_;
    // A connection that sends nothing is held for the header timeout, not the keep-alive one.
    reading_.push(*connection, now);
  }
}

void ConnectionLoop::refuse_over_cap(int fd) {
  gauges_.connections_refused.fetch_add(1, std::memory_order_relaxed);
  const auto answer = refusal_(ErrorCode::unavailable,
                               "the server has too many open connections; retry shortly", {}, true);
  [[maybe_unused]] const auto sent =
      ::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  if (lingering_.size() >= kMaxLingering) {
    ::close(fd);
    return;
  }
  auto* connection = new Connection(fd);
  epoll_event interest{};
  interest.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
  interest.data.ptr = connection;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &interest) != 0) {
    ::close(fd);
    delete connection;
    return;
  }
  ::shutdown(fd, SHUT_WR);
  connection->state = Connection::State::lingering;
  lingering_.push(*connection, SteadyClock::now());
}

// Ends a connection after its last answer without losing that answer: the write side is
// closed (FIN after the answer), and late bytes from the client are read and dropped until
// it closes too, so that closing with unread bytes does not send a reset that could
// overtake the answer.
void ConnectionLoop::linger_close(Connection& connection, SteadyClock::time_point now) {
  if (stop_begun_ || lingering_.size() >= kMaxLingering) return close(connection);
  ::shutdown(connection.fd, SHUT_WR);
  --connections_;
  connection.state = Connection::State::lingering;
  connection.input.clear();
  release_if_large(connection.input);
  lingering_.push(connection, now);
  drain(connection);
}

void ConnectionLoop::drain(Connection& connection) {
  char sink[4096];
  while (true) {
    const auto n = ::recv(connection.fd, sink, sizeof sink, 0);
    if (n > 0) continue;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    return close(connection);
  }
}

// The Connection itself is freed after the current batch of events: a later event of the
// same batch may still name it (and its descriptor number may already be reused).
void ConnectionLoop::close(Connection& connection) {
  if (connection.closed) return;
  if (connection.state != Connection::State::lingering) --connections_;
  TimerList::remove(connection);
  ::close(connection.fd);  // also leaves the epoll set
  connection.closed = true;
  closed_.push_back(&connection);
}

void ConnectionLoop::free_closed() {
  for (auto* connection : closed_) delete connection;
  closed_.clear();
}

void ConnectionLoop::expire(SteadyClock::time_point now) {
  while (auto* first = idle_.expired(now)) close(*static_cast<Connection*>(first));
  while (auto* first = reading_.expired(now)) {
    auto& connection = *static_cast<Connection*>(first);
    if (connection.input.empty()) {
      close(connection);
      continue;
    }
    const auto detail =
        std::string(connection.body_phase ? "the request body" : "the request head") +
        " did not arrive within " + seconds_text(config_.header_timeout);
    connection.input.clear();
    answer_and_close(connection, refusal_(ErrorCode::request_timeout, detail, {}, true), now);
  }
  while (auto* first = writing_.expired(now)) close(*static_cast<Connection*>(first));
  while (auto* first = lingering_.expired(now)) close(*static_cast<Connection*>(first));
}

}  // namespace boxoffice::http::front

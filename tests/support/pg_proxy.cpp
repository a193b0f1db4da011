#include "support/pg_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace boxoffice::testing {
namespace {

constexpr std::uint32_t kSslRequest = 80877103;
constexpr std::uint32_t kGssEncRequest = 80877104;

std::uint32_t read_u32(const std::string& buffer, std::size_t at) {
  std::uint32_t value = 0;
  std::memcpy(&value, buffer.data() + at, 4);
  return ntohl(value);
}

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// The SQL text of a client message: 'Q' (query string) or 'P' (statement name, then query).
std::string statement_of(char type, const std::string& body) {
  if (type == 'Q') return std::string(body.c_str());
  if (type == 'P') {
    const auto name_end = body.find('\0');
    if (name_end == std::string::npos) return "";
    return std::string(body.c_str() + name_end + 1);
  }
  return "";
}

}  // namespace

PgProxy::PgProxy(int server_port) : server_port_(server_port) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = 0;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listen_fd_, 64) != 0)
    throw std::runtime_error("PgProxy: cannot listen");
  socklen_t length = sizeof address;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

PgProxy::~PgProxy() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  ::close(listen_fd_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& pump : pumps_) pump.join();
}

void PgProxy::arm(const std::string& statement_text, Break how) {
  std::lock_guard<std::mutex> lock(mutex_);
  arm_ = Arm{true, false, statement_text, how};
}

bool PgProxy::wait_fired(int timeout_ms) {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                           [this] { return arm_.fired; });
}

bool PgProxy::fired() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return arm_.fired;
}

void PgProxy::cut_stalled() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const int fd : stalled_fds_) ::shutdown(fd, SHUT_RDWR);
  stalled_fds_.clear();
}

void PgProxy::accept_loop() {
  while (!stopping_) {
    const int client = ::accept(listen_fd_, nullptr, nullptr);
    if (client < 0) {
      if (stopping_) return;
      continue;
    }
    const int server = connect_to(server_port_);
    if (server < 0) {
      ::close(client);
      continue;
    }
    const int one = 1;
    ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::lock_guard<std::mutex> lock(mutex_);
    open_fds_.push_back(client);
    open_fds_.push_back(server);
    pumps_.emplace_back([this, client, server] { pump(client, server); });
  }
}

// Copies bytes both ways; parses the client's messages to find the armed transaction's COMMIT.
void PgProxy::pump(int client, int server) {
  std::string from_client;      // bytes not yet forwarded, cut at message boundaries
  bool startup = true;          // untyped messages first (SSL/GSS requests, then the startup)
  bool picked = false;          // this connection runs the armed transaction
  bool committing = false;      // its COMMIT is being passed to the server
  bool in_transaction = false;  // between BEGIN and COMMIT/ROLLBACK (else: autocommit)
  bool muted = false;           // the server's verdict is withheld: nothing goes to the client
  bool swallowing = false;      // the COMMIT was swallowed: nothing goes to the server any more
  Break how = Break::before_commit;
  char buffer[16384];
  const auto close_both = [&] {
    ::shutdown(client, SHUT_RDWR);
    ::shutdown(server, SHUT_RDWR);
  };
  const auto stall = [&](int a, int b) {
    std::lock_guard<std::mutex> lock(mutex_);
    stalled_fds_.push_back(a);
    stalled_fds_.push_back(b);
  };
  const auto fire = [&] {
    std::lock_guard<std::mutex> lock(mutex_);
    arm_.armed = false;
    arm_.fired = true;
    changed_.notify_all();
  };
  while (!stopping_) {
    pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
    if (::poll(fds, 2, 200) < 0) break;
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t n = ::recv(server, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      if (!muted && !write_all(client, buffer, static_cast<std::size_t>(n))) break;
    }
    if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    const ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    if (swallowing) continue;
    from_client.append(buffer, static_cast<std::size_t>(n));
    bool broken = false;
    while (!broken) {
      std::size_t size = 0;
      char type = 0;
      if (startup) {
        if (from_client.size() < 8) break;
        size = read_u32(from_client, 0);
        const auto code = read_u32(from_client, 4);
        if (from_client.size() < size) break;
        startup = code == kSslRequest || code == kGssEncRequest;
      } else {
        if (from_client.size() < 5) break;
        type = from_client[0];
        size = 1 + read_u32(from_client, 1);
        if (from_client.size() < size) break;
        const auto sql = statement_of(type, from_client.substr(5, size - 5));
        // The armed statement outside a transaction is a transaction of its own: its COMMIT.
        bool own_commit = false;
        if (!sql.empty()) {
          std::lock_guard<std::mutex> lock(mutex_);
          if (!picked && arm_.armed && sql.find(arm_.text) != std::string::npos) {
            picked = true;
            how = arm_.how;
            own_commit = !in_transaction;
          }
          if (sql.rfind("BEGIN", 0) == 0) in_transaction = true;
          if (sql == "COMMIT" || sql == "ROLLBACK") in_transaction = false;
        }
        // COMMIT comes as a simple query, or as Parse .. Sync of the extended protocol.
        if (picked && !committing && (sql == "COMMIT" || own_commit)) {
          if (how == Break::before_commit) {  // the server never sees it
            close_both();
            fire();
            broken = true;
            break;
          }
          if (how == Break::swallow_commit) {  // nor does it, and the client waits
            fire();
            stall(client, server);
            swallowing = true;
            picked = false;
            from_client.clear();
            break;
          }
          committing = true;
        }
        if (committing && (type == 'Q' || type == 'S')) {
          // Let the COMMIT through, swallow the verdict up to ReadyForQuery, then cut.
          write_all(server, from_client.data(), size);
          std::string verdict;
          while (verdict.find('Z') == std::string::npos) {
            const ssize_t got = ::recv(server, buffer, sizeof buffer, 0);
            if (got <= 0) break;
            verdict.append(buffer, static_cast<std::size_t>(got));
          }
          fire();
          if (how == Break::withhold_verdict) {
            stall(client, server);
            from_client.erase(0, size);
            muted = true;  // the client waits for a verdict that never comes
            picked = committing = false;
            continue;
          }
          close_both();
          broken = true;
          break;
        }
      }
      if (!write_all(server, from_client.data(), size)) {
        broken = true;
        break;
      }
      from_client.erase(0, size);
    }
    if (broken) break;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const int fd : {client, server})
      stalled_fds_.erase(std::remove(stalled_fds_.begin(), stalled_fds_.end(), fd),
                         stalled_fds_.end());
    open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), client), open_fds_.end());
    open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), server), open_fds_.end());
  }
  ::close(client);
  ::close(server);
}

}  // namespace boxoffice::testing

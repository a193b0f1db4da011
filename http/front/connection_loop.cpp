#include "http/front/connection_loop.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "http/front/request_framing.hpp"

namespace boxoffice::http::front {
namespace {

using domain::ErrorCode;

constexpr int kMaxEvents = 256;
constexpr int kMaxAcceptsPerWake = 512;
constexpr std::size_t kReadChunk = std::size_t{64} * 1024;
constexpr std::size_t kMaxLingering = 1024;
constexpr std::size_t kKeptCapacity =
    std::size_t{16} * 1024;  // buffers above this are freed when empty
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// Tags told apart from connections in epoll's user data.
char listen_tag;
char wake_tag;

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

void release_if_large(std::string& buffer) {
  if (buffer.empty() && buffer.capacity() > kKeptCapacity) std::string().swap(buffer);
}

std::string seconds_text(std::chrono::milliseconds duration) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", static_cast<double>(duration.count()) / 1000.0);
  return text;
}

}  // namespace

ConnectionLoop::ConnectionLoop(const FrontConfig& config, Processor processor, Refusal refusal)
    : config_(config),
      processor_(std::move(processor)),
      refusal_(std::move(refusal)),
      idle_(config.keep_alive_timeout),
      reading_(config.header_timeout),
      writing_(config.write_timeout),
      lingering_(config.linger) {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  spare_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0)
    throw std::runtime_error(std::string("cannot create the HTTP event loop: ") +
                             std::strerror(errno));
  epoll_event wake{};
  wake.events = EPOLLIN;
  wake.data.ptr = &wake_tag;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &wake);
}

ConnectionLoop::~ConnectionLoop() {
  for (const int fd : {epoll_fd_, wake_fd_, listen_fd_, spare_fd_})
    if (fd >= 0) ::close(fd);
}

void ConnectionLoop::stop() {
  stopping_.store(true);
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof one);
}

void ConnectionLoop::run(int listen_fd) {
  listen_fd_ = listen_fd;
  epoll_event listening{};
  listening.events = EPOLLIN;
  listening.data.ptr = &listen_tag;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &listening);

  const auto runner = [this](Connection& connection, bool expired) {
    run_on_worker(connection, expired);
  };
  requests_ = std::make_unique<RequestQueue>(config_.workers, config_.max_queue_wait, runner);
  operations_ = std::make_unique<RequestQueue>(1, config_.max_queue_wait * 4, runner);

  epoll_event events[kMaxEvents];
  while (true) {
    auto now = SteadyClock::now();
    if (stopping_.load() && !stop_begun_) begin_stop();
    free_closed();
    if (stop_begun_ && connections_ == 0 && lingering_.size() == 0) break;
    sleeping_.store(true);
    if (take_completions(now)) {
      sleeping_.store(false);
      continue;
    }
    const int ready = ::epoll_wait(epoll_fd_, events, kMaxEvents, next_timeout_ms(now));
    sleeping_.store(false);
    if (ready < 0 && errno != EINTR) {
      spdlog::error("http: epoll_wait failed: {}", std::strerror(errno));
      break;
    }
    now = SteadyClock::now();
    for (int i = 0; i < std::max(ready, 0); ++i) {
      void* tag = events[i].data.ptr;
      if (tag == &listen_tag) {
        if (!stop_begun_) accept_all(now);
      } else if (tag == &wake_tag) {
        std::uint64_t count = 0;
        [[maybe_unused]] const auto n = ::read(wake_fd_, &count, sizeof count);
        wake_pending_.store(false);
      } else {
        on_event(*static_cast<Connection*>(tag), events[i].events, now);
      }
    }
    take_completions(now);
    expire(now);
    free_closed();
    gauges_.open_connections.store(connections_, std::memory_order_relaxed);
    gauges_.idle_connections.store(static_cast<std::int64_t>(idle_.size()),
                                   std::memory_order_relaxed);
  }
  requests_->stop();
  operations_->stop();
  gauges_.open_connections.store(0);
  gauges_.idle_connections.store(0);
}

int ConnectionLoop::next_timeout_ms(SteadyClock::time_point now) const {
  auto wait = std::chrono::milliseconds(1000);
  for (const auto* list : {&idle_, &reading_, &writing_, &lingering_}) {
    if (const auto* first = list->front()) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(first->deadline - now);
      wait = std::min(wait, std::max(left, std::chrono::milliseconds(0)));
    }
  }
  return static_cast<int>(wait.count());
}

void ConnectionLoop::begin_stop() {
  stop_begun_ = true;
  if (listen_fd_ >= 0) {
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
    ::close(listen_fd_);
    listen_fd_ = -1;
  }
  // Nothing is owed on these: no request of theirs is being run.
  for (auto* list : {&idle_, &reading_, &lingering_})
    while (auto* first = list->front()) close(*static_cast<Connection*>(first));
}

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

void ConnectionLoop::on_event(Connection& connection, std::uint32_t events,
                              SteadyClock::time_point now) {
  if (connection.closed) return;
  const bool input = (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0;
  switch (connection.state) {
    case Connection::State::dispatched:
      connection.unread_bytes = connection.unread_bytes || input;
      return;
    case Connection::State::writing:
      if (events & EPOLLERR) return close(connection);
      connection.unread_bytes = connection.unread_bytes || input;
      if (events & (EPOLLOUT | EPOLLHUP)) flush(connection, now);
      return;
    case Connection::State::lingering: drain(connection); return;
    case Connection::State::reading:
      if (!input) return;
      if (events & EPOLLERR) return close(connection);
      read_into(connection, (events & (EPOLLRDHUP | EPOLLHUP)) != 0);
      advance(connection, now);
      return;
  }
}

// Reads what the socket holds. A short read means the socket was emptied (edge-triggered:
// bytes arriving later raise a new event) unless the peer's close was signalled, which is
// only seen as a zero read.
void ConnectionLoop::read_into(Connection& connection, bool until_drained) {
  const auto cap = config_.framing.max_head_bytes + config_.framing.max_body_bytes + kReadChunk;
  while (true) {
    if (connection.input.size() >= cap) {
      connection.unread_bytes = true;
      return;
    }
    const auto n = ::recv(connection.fd, scratch_.data(), scratch_.size(), 0);
    if (n > 0) {
      connection.input.append(scratch_.data(), static_cast<std::size_t>(n));
      if (static_cast<std::size_t>(n) < scratch_.size() && !until_drained) {
        connection.unread_bytes = false;
        return;
      }
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    connection.unread_bytes = false;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    connection.peer_closed = true;  // EOF or a reset
    return;
  }
}

void ConnectionLoop::advance(Connection& connection, SteadyClock::time_point now) {
  while (connection.state == Connection::State::reading) {
    if (connection.input.empty()) {
      release_if_large(connection.input);
      if (connection.peer_closed || stop_begun_) return close(connection);
      connection.body_phase = false;
      connection.continue_sent = false;
      idle_.push(connection, now);
      return;
    }
    auto framed = frame_request(connection.input, config_.framing);
    switch (framed.verdict) {
      case FrameVerdict::incomplete:
        if (connection.peer_closed) return close(connection);
        if (connection.list != &reading_ || (framed.head_complete && !connection.body_phase)) {
          connection.body_phase = framed.head_complete;
          reading_.push(connection, now);  // the head, then the body, each get the timeout
        }
        if (framed.expect_continue && !connection.continue_sent) {
          connection.continue_sent = true;
          [[maybe_unused]] const auto sent =
              ::send(connection.fd, kContinue.data(), kContinue.size(), MSG_NOSIGNAL);
        }
        return;
      case FrameVerdict::rejected:
        connection.input.clear();
        return answer_and_close(connection,
                                refusal_(framed.code, framed.detail, framed.request_id, true), now);
      case FrameVerdict::complete:
        if (dispatch(connection, framed, now)) return;
        // Shed: answered at once. A pipelined request may follow once the answer is out.
        if (connection.state != Connection::State::reading) return;
        break;
    }
  }
}

bool ConnectionLoop::dispatch(Connection& connection, FramedRequest& framed,
                              SteadyClock::time_point now) {
  TimerList::remove(connection);
  connection.request_bytes = framed.message_bytes;
  connection.normalized = std::move(framed.normalized);
  connection.state = Connection::State::dispatched;
  auto& queue = is_operations_target(framed.method, framed.target) ? *operations_ : *requests_;
  if (queue.push(connection, now)) {
    gauges_.requests_in_flight.fetch_add(1, std::memory_order_relaxed);
    return true;
  }
  gauges_.requests_shed.fetch_add(1, std::memory_order_relaxed);
  auto answer = refusal_(ErrorCode::unavailable, "the server is busy; retry shortly",
                         framed.request_id, false);
  connection.state = Connection::State::reading;
  connection.input.erase(0, connection.request_bytes);  // `framed` points into it
  connection.normalized.clear();
  connection.continue_sent = false;
  // False when the answer is still being written (or the connection is gone).
  return !send_answer(connection, std::move(answer), now);
}

void ConnectionLoop::run_on_worker(Connection& connection, bool expired) {
  thread_local std::string answer;
  answer.clear();
  bool close = false;
  if (expired) {
    gauges_.requests_shed.fetch_add(1, std::memory_order_relaxed);
    answer = refusal_(ErrorCode::unavailable, "the server is busy; retry shortly", {}, false);
  } else {
    const std::string_view request =
        connection.normalized.empty()
            ? std::string_view(connection.input).substr(0, connection.request_bytes)
            : std::string_view(connection.normalized);
    try {
      close =
          processor_(request, connection.peer, stopping_.load(std::memory_order_relaxed), answer);
    } catch (const std::exception& error) {
      spdlog::error("http: a request failed outside its handler: {}", error.what());
      answer = refusal_(ErrorCode::internal, "internal error", {}, true);
      close = true;
    }
  }
  std::size_t sent = 0;
  bool failed = false;
  while (sent < answer.size()) {
    const auto n = ::send(connection.fd, answer.data() + sent, answer.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      failed = !(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
      break;
    }
  }
  if (!failed && sent < answer.size()) connection.output.assign(answer, sent);
  if (answer.capacity() > 4 * kKeptCapacity) std::string().swap(answer);
  connection.close_requested = close;
  connection.write_failed = failed;
  post_completion(connection);
}

// The loop is only woken (eventfd) when it sleeps in epoll_wait: an awake loop takes the
// completions before it sleeps again. `sleeping_` is stored before the loop's last look at
// the queue and loaded after the worker's push, both under the queue's mutex, so one of the
// two always sees the other.
void ConnectionLoop::post_completion(Connection& connection) {
  {
    std::lock_guard<std::mutex> lock(completions_mutex_);
    completions_.push_back(&connection);
  }
  if (sleeping_.load() && !wake_pending_.exchange(true)) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof one);
  }
}

bool ConnectionLoop::take_completions(SteadyClock::time_point now) {
  taken_.clear();
  {
    std::lock_guard<std::mutex> lock(completions_mutex_);
    taken_.swap(completions_);
  }
  for (auto* connection : taken_) complete(*connection, now);
  return !taken_.empty();
}

void ConnectionLoop::complete(Connection& connection, SteadyClock::time_point now) {
  gauges_.requests_in_flight.fetch_sub(1, std::memory_order_relaxed);
  connection.state = Connection::State::reading;
  if (connection.write_failed) return close(connection);
  connection.input.erase(0, connection.request_bytes);
  connection.request_bytes = 0;
  connection.normalized.clear();
  connection.body_phase = false;
  connection.continue_sent = false;
  connection.close_after_write =
      connection.close_after_write || connection.close_requested || stop_begun_;
  if (!connection.output.empty()) {
    connection.state = Connection::State::writing;
    writing_.push(connection, now);
    return flush(connection, now);
  }
  after_answer(connection, now);
}

void ConnectionLoop::after_answer(Connection& connection, SteadyClock::time_point now) {
  if (connection.close_after_write) return linger_close(connection, now);
  if (connection.unread_bytes) read_into(connection, true);
  advance(connection, now);
}

bool ConnectionLoop::send_answer(Connection& connection, std::string bytes,
                                 SteadyClock::time_point now) {
  connection.output = std::move(bytes);
  connection.output_sent = 0;
  switch (write_out(connection)) {
    case WriteOutcome::sent: return true;
    case WriteOutcome::pending:
      connection.state = Connection::State::writing;
      writing_.push(connection, now);
      return false;
    case WriteOutcome::failed: close(connection); return false;
  }
  return false;
}

void ConnectionLoop::answer_and_close(Connection& connection, std::string bytes,
                                      SteadyClock::time_point now) {
  connection.close_after_write = true;
  if (send_answer(connection, std::move(bytes), now)) linger_close(connection, now);
}

void ConnectionLoop::flush(Connection& connection, SteadyClock::time_point now) {
  switch (write_out(connection)) {
    case WriteOutcome::pending: return;  // EPOLLOUT comes when the client has read some
    case WriteOutcome::failed: return close(connection);
    case WriteOutcome::sent: break;
  }
  connection.state = Connection::State::reading;
  TimerList::remove(connection);
  after_answer(connection, now);
}

ConnectionLoop::WriteOutcome ConnectionLoop::write_out(Connection& connection) {
  auto& output = connection.output;
  while (connection.output_sent < output.size()) {
    const auto n = ::send(connection.fd, output.data() + connection.output_sent,
                          output.size() - connection.output_sent, MSG_NOSIGNAL);
    if (n > 0) {
      connection.output_sent += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return WriteOutcome::pending;
    } else {
      return WriteOutcome::failed;
    }
  }
  output.clear();
  release_if_large(output);
  connection.output_sent = 0;
  return WriteOutcome::sent;
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

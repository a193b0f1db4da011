#include "http/front/connection_loop.hpp"

#include <fcntl.h>
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

// The loop itself: waiting for events, reading requests in and handing them to workers.
// Answers are in connection_answers.cpp, accepting and closing in connection_lifetime.cpp.
namespace boxoffice::http::front {
namespace {

using domain::ErrorCode;

constexpr int kMaxEvents = 256;
constexpr std::size_t kReadChunk = std::size_t{64} * 1024;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// Tags told apart from connections in epoll's user data.
char listen_tag;
char wake_tag;

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
  const bool operations = is_operations_target(framed.method, framed.target);
  if (!operations && connection.request_bytes <= config_.max_loop_request_bytes &&
      config_.runs_on_loop && config_.runs_on_loop(framed.method, framed.target)) {
    gauges_.requests_in_flight.fetch_add(1, std::memory_order_relaxed);
    if (run_on_loop(connection)) return true;
    gauges_.requests_in_flight.fetch_sub(1, std::memory_order_relaxed);  // queued below
  }
  auto& queue = operations ? *operations_ : *requests_;
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

}  // namespace boxoffice::http::front

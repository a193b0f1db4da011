// Answers: running a request on a worker, handing it back to the loop, sending what is left.
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "http/front/connection_loop.hpp"
#include "http/front/deferred_answer.hpp"

namespace boxoffice::http::front {

using domain::ErrorCode;

void ConnectionLoop::run_on_worker(Connection& connection, bool expired) {
  Deferral deferral(*this, connection);
  run(connection, deferral, expired);
}

bool ConnectionLoop::run_on_loop(Connection& connection) {
  Deferral deferral(*this, connection, true);
  return run(connection, deferral, false);
}

bool ConnectionLoop::run(Connection& connection, Deferral& deferral, bool expired) {
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
      close = processor_(request, connection.peer, stopping_.load(std::memory_order_relaxed),
                         answer, deferral);
    } catch (const std::exception& error) {
      spdlog::error("http: a request failed outside its handler: {}", error.what());
      answer = refusal_(ErrorCode::internal, "internal error", {}, true);
      close = true;
      if (deferral.taken()) {  // whatever its handler answers later comes too late
        deferral.answer()->send(answer, true);
        deferral.answer()->release_worker();
        return true;
      }
    }
  }
  if (deferral.handed_to_worker()) return false;
  if (deferral.taken()) {  // answered (maybe already) by whoever holds the handle
    deferral.answer()->release_worker();
    return true;
  }
  deliver(connection, answer, close);
  if (answer.capacity() > 4 * kKeptCapacity) std::string().swap(answer);
  return true;
}

// Sends what fits the socket now; the loop sends the rest (it owns the connection again once
// the completion is posted).
void ConnectionLoop::deliver(Connection& connection, const std::string& answer, bool close) {
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
  connection.close_requested = close;
  connection.write_failed = failed;
  post_completion(connection);
}

// The loop is only woken (eventfd) when it sleeps in epoll_wait: an awake loop takes the
// completions before it sleeps again. `sleeping_` is stored before the loop's last look at
// the queue and loaded after the worker's push, both under the queue's mutex, so one of the
// two always sees the other. Nothing of the loop is touched once the mutex is released: the
// completion may be the last one of a stop, after which the loop ends and may be destroyed.
void ConnectionLoop::post_completion(Connection& connection) {
  std::lock_guard<std::mutex> lock(completions_mutex_);
  completions_.push_back(&connection);
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

}  // namespace boxoffice::http::front

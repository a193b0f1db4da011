#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "domain/error.hpp"
#include "http/front/connection.hpp"
#include "http/front/deferred_answer.hpp"
#include "http/front/front_config.hpp"
#include "http/front/front_gauges.hpp"
#include "http/front/request_framing.hpp"
#include "http/front/request_queue.hpp"
#include "http/front/timer_list.hpp"

namespace boxoffice::http::front {

// Owns every client connection of the HTTP front (docs/http-front.md). One thread runs an
// epoll loop that accepts, reads, frames requests and keeps the timers; a request goes to a
// worker only when it is complete, so an open connection costs memory, never a thread.
class ConnectionLoop {
 public:
  // Runs one complete request (its bytes as framed) on a worker and appends the whole answer
  // to `answer`; returns true when the connection must end after it. `closing` asks for a
  // `Connection: close` answer (the server is stopping).
  // The processor may instead take the answer's handle from `deferral` and answer later from
  // any thread (its return value and `answer` are ignored then).
  using Processor = std::function<bool(std::string_view request, const PeerAddress& peer,
                                       bool closing, std::string& answer, Deferral& deferral)>;
  // The bytes of a whole problem+json answer the loop gives without running a request;
  // `request_id` is the request's X-Request-Id when its head was read (else empty).
  using Refusal = std::function<std::string(domain::ErrorCode code, const std::string& detail,
                                            std::string_view request_id, bool closing)>;

  ConnectionLoop(const FrontConfig& config, Processor processor, Refusal refusal);
  ~ConnectionLoop();
  ConnectionLoop(const ConnectionLoop&) = delete;
  ConnectionLoop& operator=(const ConnectionLoop&) = delete;

  // Serves the listening socket (bound, listening, owned from now on) until stop(), then
  // returns once the requests in flight are answered and every connection is closed.
  void run(int listen_fd);
  // From any thread: stop accepting, close idle connections, finish requests in flight.
  void stop();
  const FrontGauges& gauges() const { return gauges_; }

 private:
  void accept_all(SteadyClock::time_point now);
  void refuse_over_cap(int fd);
  void on_event(Connection& connection, std::uint32_t events, SteadyClock::time_point now);
  void read_into(Connection& connection, bool until_drained);
  void advance(Connection& connection, SteadyClock::time_point now);
  bool dispatch(Connection& connection, FramedRequest& framed, SteadyClock::time_point now);
  void run_on_worker(Connection& connection, bool expired);
  // Runs a request the config says never waits on the loop's thread; false when its processor
  // handed it to a worker instead (nothing of it was answered).
  bool run_on_loop(Connection& connection);
  bool run(Connection& connection, Deferral& deferral, bool expired);
  friend class DeferredAnswer;
  // Sends `answer` (what does not fit: by the loop) and hands the connection back to the loop.
  void deliver(Connection& connection, const std::string& answer, bool close);
  void post_completion(Connection& connection);
  bool take_completions(SteadyClock::time_point now);  // true when there were some
  void complete(Connection& connection, SteadyClock::time_point now);
  void after_answer(Connection& connection, SteadyClock::time_point now);
  enum class WriteOutcome { sent, pending, failed };
  // Sends `bytes` now; true when all went out. Else the loop finishes it (or it failed and the
  // connection is closed): the caller must not touch the connection's state any more.
  bool send_answer(Connection& connection, std::string bytes, SteadyClock::time_point now);
  void answer_and_close(Connection& connection, std::string bytes, SteadyClock::time_point now);
  void flush(Connection& connection, SteadyClock::time_point now);
  WriteOutcome write_out(Connection& connection);
  void linger_close(Connection& connection, SteadyClock::time_point now);
  void drain(Connection& connection);
  void close(Connection& connection);
  void free_closed();
  void expire(SteadyClock::time_point now);
  void begin_stop();
  int next_timeout_ms(SteadyClock::time_point now) const;

  const FrontConfig config_;
  const Processor processor_;
  const Refusal refusal_;
  FrontGauges gauges_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  int listen_fd_ = -1;
  int spare_fd_ = -1;  // given up to accept-and-refuse when the process is out of descriptors
  std::atomic<bool> stopping_{false};
  std::atomic<bool> sleeping_{false};      // the loop is in (or about to enter) epoll_wait
  std::atomic<bool> wake_pending_{false};  // an eventfd write not read yet
  bool stop_begun_ = false;
  std::int64_t connections_ = 0;  // open, not lingering
  TimerList idle_;                // keep-alive connections between requests
  TimerList reading_;             // a request head or body is arriving
  TimerList writing_;             // an answer waits for the client to read
  TimerList lingering_;           // answered and half-closed
  std::mutex completions_mutex_;
  std::vector<Connection*> completions_;
  std::vector<Connection*> taken_;
  std::vector<Connection*> closed_;  // freed once the current batch of events is handled
  std::unique_ptr<RequestQueue> requests_;
  std::unique_ptr<RequestQueue> operations_;                  // /healthz, /readyz, /metrics
  std::vector<char> scratch_ = std::vector<char>(64 * 1024);  // the loop's read buffer
};

}  // namespace boxoffice::http::front

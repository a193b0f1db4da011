#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace boxoffice::http::front {

class ConnectionLoop;
struct Connection;

// An answer its request's handler gives later, from any thread (an actor's reply), after the
// worker that ran the handler went back to the pool: a request waiting for the database holds
// no thread. The connection stays with the request (the loop does not touch it) until the
// answer is out, as with a worker. Given at most once; the first answer counts.
class DeferredAnswer {
 public:
  DeferredAnswer(ConnectionLoop& loop, Connection& connection)
      : loop_(loop), connection_(connection) {}
  DeferredAnswer(const DeferredAnswer&) = delete;
  DeferredAnswer& operator=(const DeferredAnswer&) = delete;

  // The whole answer (head and body); `close` ends the connection after it. Sent at once, or
  // when the worker has left the request if it has not yet (it may still read its bytes).
  void send(std::string bytes, bool close);
  // The worker is done with the request: an answer given meanwhile goes out now.
  void release_worker();

 private:
  ConnectionLoop& loop_;
  Connection& connection_;
  std::mutex mutex_;
  bool worker_done_ = false;
  bool sent_ = false;
  std::optional<std::pair<std::string, bool>> waiting_;  // given before the worker was done
};

// Handed to the processor with each request: it takes the answer's handle when it will answer
// later (then it leaves the synchronous answer empty). On the loop's own thread, a processor
// that finds it would have to wait hands the request to a worker instead, before it has done
// anything of it: the request then runs again there, from its bytes.
class Deferral {
 public:
  Deferral(ConnectionLoop& loop, Connection& connection, bool on_loop = false)
      : loop_(loop), connection_(connection), on_loop_(on_loop) {}
  std::shared_ptr<DeferredAnswer> take();
  bool taken() const { return answer_ != nullptr; }
  const std::shared_ptr<DeferredAnswer>& answer() const { return answer_; }
  bool on_loop() const { return on_loop_; }
  void hand_to_worker() { handed_to_worker_ = on_loop_ && !answer_; }
  bool handed_to_worker() const { return handed_to_worker_; }

 private:
  ConnectionLoop& loop_;
  Connection& connection_;
  const bool on_loop_;
  bool handed_to_worker_ = false;
  std::shared_ptr<DeferredAnswer> answer_;
};

}  // namespace boxoffice::http::front

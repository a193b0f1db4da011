#pragma once

#include <atomic>
#include <cstdint>

#include "domain/clock.hpp"

namespace boxoffice::storage {

// The one place that decides, for a deadline-bound storage job, who answers its caller and
// with what: the worker (the job's result, or its failure), or the pool's watchdog (503 when
// the deadline passed first, 504 when COMMIT was sent and no verdict came in time). Exactly
// one of them wins; the loser stays silent. Thread-safe (one atomic).
//
//   queued --start()--> running --begin_commit()--> committing
//      |                   |                            |
//      +-- lapse() past the deadline --+                +-- lapse() past the verdict deadline
//      |                   |           v                v
//      +-------------------+--------> answered <--- claim() (the worker delivers)
class CommitGate {
 public:
  // `deadline`: COMMIT is never sent at or after it. `verdict_deadline`: once COMMIT was
  // sent, the caller waits for the verdict until then (wall-clock ms).
  CommitGate(domain::TimeMs deadline, domain::TimeMs verdict_deadline)
      : deadline_(deadline), verdict_deadline_(verdict_deadline) {}

  domain::TimeMs deadline() const { return deadline_; }
  domain::TimeMs verdict_deadline() const { return verdict_deadline_; }

  // A worker picks the job up: false if its caller was answered already (skip it).
  bool start();
  // Right before COMMIT is sent: true if still before the deadline and nobody answered the
  // caller. false: roll back and throw DeadlinePassed (claim() then tells who answers).
  bool begin_commit(domain::TimeMs now);
  // The worker is about to deliver the job's outcome: true if it may (it won).
  bool claim();

  enum class Lapse { none, expired, unknown };
  // The watchdog at `now`: `expired` (answer 503) if the job was still queued or running at
  // its deadline, `unknown` (answer 504) if COMMIT was sent and `now` is past the verdict
  // deadline; either way the watchdog won and answers. `none`: nothing to do now.
  Lapse lapse(domain::TimeMs now);

  bool answered() const { return state_.load() == kAnswered; }
  bool committing() const { return state_.load() == kCommitting; }

  // The gate of the job this storage worker thread runs (null: none, or not a worker).
  static CommitGate* current();
  // Makes `gate` current on this thread while alive.
  class Scope {
   public:
    explicit Scope(CommitGate* gate);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    CommitGate* previous_;
  };

 private:
  static constexpr int kQueued = 0, kRunning = 1, kCommitting = 2, kAnswered = 3;

  const domain::TimeMs deadline_;
  const domain::TimeMs verdict_deadline_;
  std::atomic<int> state_{kQueued};
};

}  // namespace boxoffice::storage

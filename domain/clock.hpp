#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace boxoffice::domain {

// Wall-clock time in milliseconds since the Unix epoch: how every time is stored.
using TimeMs = std::int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimeMs now_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimeMs now_ms() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// A clock tests move by hand.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimeMs start) : now_(start) {}
  TimeMs now_ms() const override { return now_.load(); }
  void advance(TimeMs delta_ms) { now_ += delta_ms; }
  void set(TimeMs now) { now_ = now; }

 private:
  std::atomic<TimeMs> now_;
};

}  // namespace boxoffice::domain

#include "actors/stall_watch.hpp"

namespace boxoffice::actors {
namespace {

constexpr std::chrono::milliseconds kBeat{100};

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

StallWatch::StallWatch(std::chrono::milliseconds limit)
    : limit_(limit), last_beat_ms_(steady_ms()), thread_([this] { run(); }) {}

StallWatch::~StallWatch() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

bool StallWatch::stalled() const {
  return stalled_.load() || steady_ms() - last_beat_ms_.load() > limit_.count();
}

void StallWatch::run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, kBeat, [this] { return stopping_; })) {
    const auto now = steady_ms();
    if (now - last_beat_ms_.load() > limit_.count()) {
      // Flag first, then beat: a reader sees either the old beat or the flag.
      stalled_ = true;
      ++stalls_;
    }
    last_beat_ms_ = now;
  }
}

}  // namespace boxoffice::actors

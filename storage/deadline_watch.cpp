#include "storage/deadline_watch.hpp"

#include <chrono>
#include <vector>

#include "domain/write_tag.hpp"
#include "storage/write_outcome.hpp"

namespace boxoffice::storage {

DeadlineWatch::DeadlineWatch() : thread_([this] { run(); }) {}

DeadlineWatch::~DeadlineWatch() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::uint64_t DeadlineWatch::watch(std::shared_ptr<CommitGate> gate, Fail fail) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto id = ++next_id_;
  const Key key{gate->deadline(), id};
  const bool earliest = entries_.empty() || key < entries_.begin()->first;
  entries_.emplace(key, Entry{std::move(gate), std::move(fail)});
  if (earliest) wake_.notify_one();
  return id;
}

void DeadlineWatch::forget(std::uint64_t id, const CommitGate& gate) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (entries_.erase(Key{gate.deadline(), id}) == 0)
    entries_.erase(Key{gate.verdict_deadline(), id});
}

std::size_t DeadlineWatch::watched() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

void DeadlineWatch::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    if (entries_.empty()) {
      wake_.wait(lock);
      continue;
    }
    const auto due = entries_.begin()->first.first;
    const auto now = domain::wall_clock_ms();
    if (now < due) {
      wake_.wait_until(lock, std::chrono::system_clock::time_point(std::chrono::milliseconds(due)));
      continue;
    }
    // Everything due now: decide under the lock, answer outside it (callbacks send messages).
    std::vector<std::pair<Fail, std::exception_ptr>> answers;
    while (!entries_.empty() && entries_.begin()->first.first <= now) {
      auto node = entries_.extract(entries_.begin());
      auto& entry = node.mapped();
      switch (entry.gate->lapse(now)) {
        case CommitGate::Lapse::expired:
          answers.emplace_back(std::move(entry.fail), std::make_exception_ptr(DeadlinePassed()));
          break;
        case CommitGate::Lapse::unknown:
          answers.emplace_back(std::move(entry.fail), std::make_exception_ptr(OutcomeUnknown()));
          break;
        case CommitGate::Lapse::none:
          // COMMIT was sent before the deadline: watch on until the verdict deadline.
          if (entry.gate->committing()) {
            node.key() = Key{entry.gate->verdict_deadline(), node.key().second};
            entries_.insert(std::move(node));
          }
          break;
      }
    }
    lock.unlock();
    for (auto& [fail, error] : answers) fail(error);
    lock.lock();
  }
}

}  // namespace boxoffice::storage

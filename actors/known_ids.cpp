#include "actors/known_ids.hpp"

#include <algorithm>

namespace boxoffice::actors {

domain::Result<bool> KnownIds::exists(domain::Id id) {
  {
    std::shared_lock<std::shared_mutex> shared(mutex_);
    if (ids_.contains(id)) return true;
    if (known_absent(id)) return false;
  }
  std::unique_lock<std::shared_mutex> lock(mutex_);
  if (ids_.contains(id)) return true;  // read meanwhile
  if (known_absent(id)) return false;
  // A read that starts after this request arrived: one already running may have missed an
  // id created just before the request.
  const auto needed = reads_started_ + 1;
  while (reads_done_ < needed) {
    if (reading_) {
      read_done_.wait(lock);
      continue;
    }
    const auto next_allowed = last_read_start_ + options_.min_read_gap;
    if (std::chrono::steady_clock::now() < next_allowed) {
      read_done_.wait_until(lock, next_allowed);
      continue;
    }
    read(lock);
  }
  if (ids_.contains(id)) return true;
  if (last_failure_) return *last_failure_;
  return false;
}

std::optional<bool> KnownIds::exists_now(domain::Id id) const {
  std::shared_lock<std::shared_mutex> shared(mutex_);
  if (ids_.contains(id)) return true;
  if (known_absent(id)) return false;
  return std::nullopt;
}

void KnownIds::add(domain::Id id) {
  std::unique_lock<std::shared_mutex> lock(mutex_);
  ids_.insert(id);
  pending_gaps_.erase(id);
}

std::uint64_t KnownIds::reads() const {
  std::shared_lock<std::shared_mutex> lock(mutex_);
  return reads_started_;
}

bool KnownIds::known_absent(domain::Id id) const {
  if (id < 1) return true;
  return id < next_unseen_ && pending_gaps_.count(id) == 0;
}

void KnownIds::read(std::unique_lock<std::shared_mutex>& lock) {
  reading_ = true;
  const auto generation = ++reads_started_;
  const auto started = std::chrono::steady_clock::now();
  last_read_start_ = started;
  settle_gaps(started);
  const auto from =
      pending_gaps_.empty() ? next_unseen_ : std::min(pending_gaps_.begin()->first, next_unseen_);
  lock.unlock();
  auto loaded = loader_(from);
  lock.lock();
  if (loaded.ok()) {
    apply(loaded.value(), started);
    last_failure_.reset();
  } else {
    last_failure_ = loaded.error();
  }
  reads_done_ = generation;
  reading_ = false;
  read_done_.notify_all();
}

void KnownIds::apply(const std::vector<domain::Id>& ids, Time now) {
  for (const auto id : ids) {
    ids_.insert(id);
    pending_gaps_.erase(id);
  }
  if (ids.empty() || ids.back() < next_unseen_) return;
  const auto next = ids.back() + 1;
  for (auto id = std::max(next_unseen_, next - options_.pending_span); id < next; ++id)
    if (!ids_.contains(id)) pending_gaps_.emplace(id, now);
  next_unseen_ = next;
}

void KnownIds::settle_gaps(Time now) {
  for (auto it = pending_gaps_.begin(); it != pending_gaps_.end();) {
    const bool old = now - it->second >= options_.gap_settle;
    const bool far_below = it->first < next_unseen_ - options_.pending_span;
    it = old || far_below ? pending_gaps_.erase(it) : std::next(it);
  }
}

}  // namespace boxoffice::actors

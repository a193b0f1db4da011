#include "actors/queue_read_side.hpp"

#include <functional>

namespace boxoffice::actors {

void QueueReadSide::publish(std::shared_ptr<const domain::QueueReadModel> model,
                            std::uint64_t owner) {
  std::lock_guard<std::mutex> lock(model_mutex_);
  model_ = std::move(model);
  owner_ = owner;
}

void QueueReadSide::retire(std::uint64_t owner) {
  std::shared_ptr<const domain::QueueReadModel> old;  // freed outside the lock
  std::lock_guard<std::mutex> lock(model_mutex_);
  if (owner_ != owner) return;
  old = std::move(model_);
  model_ = nullptr;
  owner_ = 0;
}

std::shared_ptr<const domain::QueueReadModel> QueueReadSide::model() const {
  std::lock_guard<std::mutex> lock(model_mutex_);
  return model_;
}

void QueueReadSide::looked_at(const std::string& token, domain::TimeMs at) {
  auto& shard = shards_[std::hash<std::string>{}(token) % shards_.size()];
  std::lock_guard<std::mutex> lock(shard.mutex);
  auto& last = shard.looks[token];
  if (at > last) last = at;
}

std::vector<std::pair<std::string, domain::TimeMs>> QueueReadSide::take_looks() {
  std::vector<std::pair<std::string, domain::TimeMs>> looks;
  for (auto& shard : shards_) {
    std::unordered_map<std::string, domain::TimeMs> taken;
    {
      std::lock_guard<std::mutex> lock(shard.mutex);
      taken.swap(shard.looks);
    }
    for (auto& entry : taken) looks.emplace_back(entry.first, entry.second);
  }
  return looks;
}

}  // namespace boxoffice::actors

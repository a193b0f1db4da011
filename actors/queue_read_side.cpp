#include "actors/queue_read_side.hpp"

#include <functional>

namespace boxoffice::actors {

void QueueReadSide::publish(std::shared_ptr<const domain::QueueReadModel> model,
                            std::uint64_t owner) {
  std::lock_guard<std::mutex> lock(model_mutex_);
  if (owner != owner_) loaded_at_ = std::chrono::steady_clock::now();
  model_ = std::move(model);
  owner_ = owner;
}

bool QueueReadSide::follow(std::shared_ptr<const domain::QueueReadModel> model,
                           const ReplicaSource& source) {
  std::shared_ptr<const domain::QueueReadModel> old;  // freed outside the lock
  std::lock_guard<std::mutex> lock(model_mutex_);
  if (owner_ != 0) return false;
  old = std::move(model_);
  model_ = std::move(model);
  source_ = source;
  heard_at_ = std::chrono::steady_clock::now();
  return true;
}

void QueueReadSide::heard(const ReplicaSource& source) {
  std::lock_guard<std::mutex> lock(model_mutex_);
  if (owner_ == 0 && model_ && source_ == source) heard_at_ = std::chrono::steady_clock::now();
}

QueueReadSide::Following QueueReadSide::following() const {
  std::lock_guard<std::mutex> lock(model_mutex_);
  if (owner_ != 0) return Following{true, nullptr, {}};
  return Following{false, model_, source_};
}

QueueReadSide::Reading QueueReadSide::reading() const {
  std::lock_guard<std::mutex> lock(model_mutex_);
  return Reading{model_, owner_ == 0 && model_ != nullptr, heard_at_};
}

std::chrono::steady_clock::time_point QueueReadSide::loaded_at() const {
  std::lock_guard<std::mutex> lock(model_mutex_);
  return loaded_at_;
}

void QueueReadSide::retire(std::uint64_t owner) {
  std::shared_ptr<const domain::QueueReadModel> old;  // freed outside the lock
  std::lock_guard<std::mutex> lock(model_mutex_);
  if (owner_ != owner) return;
  old = std::move(model_);
  model_ = nullptr;
  owner_ = 0;
  source_ = ReplicaSource{};
}

std::shared_ptr<const domain::QueueReadModel> QueueReadSide::model() const {
  std::lock_guard<std::mutex> lock(model_mutex_);
  return model_;
}

void QueueReadSide::reset_forgotten(std::vector<std::uint64_t> fingerprints) {
  std::unordered_set<std::uint64_t> fresh(fingerprints.begin(), fingerprints.end());
  std::unique_lock<std::shared_mutex> lock(forgotten_mutex_);
  forgotten_.swap(fresh);
}

void QueueReadSide::forgotten(const std::vector<std::uint64_t>& fingerprints) {
  if (fingerprints.empty()) return;
  std::unique_lock<std::shared_mutex> lock(forgotten_mutex_);
  forgotten_.insert(fingerprints.begin(), fingerprints.end());
}

bool QueueReadSide::maybe_forgotten(const std::string& token) const {
  const auto fingerprint = domain::token_fingerprint(token);
  std::shared_lock<std::shared_mutex> lock(forgotten_mutex_);
  return forgotten_.count(fingerprint) > 0;
}

bool QueueReadSide::surely_unknown(const std::string& token,
                                   std::chrono::steady_clock::duration settle) const {
  if (std::chrono::steady_clock::now() - loaded_at() < settle) return false;
  return !maybe_forgotten(token);
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

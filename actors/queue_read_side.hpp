#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "domain/queue_read_model.hpp"

namespace boxoffice::actors {

// Where the queue actor publishes its read model after each commit and where HTTP workers
// read it without a message (GET me, the token gate). Polls leave their "looked at" time
// here; the queue actor takes them in batches (idle expiry), not one message per poll.
class QueueReadSide {
 public:
  // `owner` is the publishing actor; another actor's retire() leaves this one's model alone.
  void publish(std::shared_ptr<const domain::QueueReadModel> model, std::uint64_t owner);
  void retire(std::uint64_t owner);
  // The last published model (null: none, ask the queue actor).
  std::shared_ptr<const domain::QueueReadModel> model() const;
  // When the publishing actor loaded its line (writes another node's actor still had in
  // flight then may be missing from it for a moment: unknown tokens ask the actor until
  // they cannot be).
  std::chrono::steady_clock::time_point loaded_at() const;

  // Tokens ended long ago (not in the model any more, but stored): their fingerprints, so
  // that only those, not any unknown text, are looked up in the database.
  void reset_forgotten(std::vector<std::uint64_t> fingerprints);
  void forgotten(const std::vector<std::uint64_t>& fingerprints);
  bool maybe_forgotten(const std::string& token) const;

  // A client looked at a WAITING token at `at` (keeps the latest look per token).
  void looked_at(const std::string& token, domain::TimeMs at);
  std::vector<std::pair<std::string, domain::TimeMs>> take_looks();

 private:
  struct LookShard {
    std::mutex mutex;
    std::unordered_map<std::string, domain::TimeMs> looks;
  };

  mutable std::mutex model_mutex_;
  std::shared_ptr<const domain::QueueReadModel> model_;
  std::uint64_t owner_ = 0;
  std::chrono::steady_clock::time_point loaded_at_{};
  std::array<LookShard, 16> shards_;
  mutable std::shared_mutex forgotten_mutex_;
  std::unordered_set<std::uint64_t> forgotten_;
};

}  // namespace boxoffice::actors

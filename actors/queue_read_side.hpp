#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
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
  std::array<LookShard, 16> shards_;
};

}  // namespace boxoffice::actors

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

#include "actors/replica_source.hpp"
#include "domain/queue_read_model.hpp"

namespace boxoffice::actors {

// Where the queue actor publishes its read model after each commit and where HTTP workers
// read it without a message (GET me, the token gate). On the other nodes of a cluster the
// replica follower (queue_replica.hpp) keeps a copy of the host's model here instead. Polls
// leave their "looked at" time here; the queue actor (or, on a replica node, the follower,
// for the host) takes them in batches (idle expiry), not one message per poll.
class QueueReadSide {
 public:
  // `owner` is the publishing actor; another actor's retire() leaves this one's model alone.
  void publish(std::shared_ptr<const domain::QueueReadModel> model, std::uint64_t owner);
  void retire(std::uint64_t owner);
  // The last published model (null: none, ask the queue actor).
  std::shared_ptr<const domain::QueueReadModel> model() const;

  // A replica of the host's model from `source`, heard from now. Refused (false) while this
  // node's own queue actor publishes.
  bool follow(std::shared_ptr<const domain::QueueReadModel> model, const ReplicaSource& source);
  // The replica's source was heard from now (a heartbeat at the replica's version).
  void heard(const ReplicaSource& source);
  // What the follower decides from: whether this node's actor publishes, else the replica's
  // source and version (no model: none).
  struct Following {
    bool hosting = false;
    std::shared_ptr<const domain::QueueReadModel> model;
    ReplicaSource source;
  };
  Following following() const;
  // What a reader answers from: the model, and for a replica when its host was last heard.
  struct Reading {
    std::shared_ptr<const domain::QueueReadModel> model;
    bool replica = false;
    std::chrono::steady_clock::time_point heard_at{};
  };
  Reading reading() const;
  // When the publishing actor loaded its line (writes another node's actor still had in
  // flight then may be missing from it for a moment: unknown tokens ask the actor until
  // they cannot be).
  std::chrono::steady_clock::time_point loaded_at() const;

  // Tokens ended long ago (not in the model any more, but stored): their fingerprints, so
  // that only those, not any unknown text, are looked up in the database.
  void reset_forgotten(std::vector<std::uint64_t> fingerprints);
  void forgotten(const std::vector<std::uint64_t>& fingerprints);
  bool maybe_forgotten(const std::string& token) const;
  // A token this node's own model does not hold is unknown for sure (401 from memory, no
  // database): not among the forgotten ones, and the model loaded `settle` ago or more.
  bool surely_unknown(const std::string& token, std::chrono::steady_clock::duration settle) const;

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
  std::uint64_t owner_ = 0;  // the local publishing actor (0: none; a replica, if a model)
  ReplicaSource source_;     // a replica's
  std::chrono::steady_clock::time_point heard_at_{};
  std::chrono::steady_clock::time_point loaded_at_{};
  std::array<LookShard, 16> shards_;
  mutable std::shared_mutex forgotten_mutex_;
  std::unordered_set<std::uint64_t> forgotten_;
};

}  // namespace boxoffice::actors

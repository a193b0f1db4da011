#pragma once

#include <chrono>
#include <memory>

#include "actors/cluster_view.hpp"
#include "actors/entity_context.hpp"

namespace caf {
class actor_system;
class actor;
}  // namespace caf

namespace boxoffice::actors {

// The CAF actor system of this process with its router. Entity actors never block the
// scheduler threads: storage runs on the storage::WorkerPool. Clustered (--cluster-listen),
// the router is published there and connects to --peers.
class Runtime {
 public:
  // Throws std::runtime_error naming the address when the cluster address cannot be bound.
  Runtime(const config::Config& config, storage::WorkerPool& storage, const domain::Clock& clock);
  ~Runtime();  // stops every actor
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Waits (at most `limit`) until every configured peer was tried once.
  void await_peers(std::chrono::milliseconds limit);
  // Hands this node's entities over to the other nodes and waits until they took over
  // (bounded); afterwards every request this node still gets is forwarded. No-op alone.
  void leave();

  caf::actor_system& system();
  const caf::actor& router() const;
  EntityContext& context();
  ActorStats& stats();
  SnapshotBoard& board();
  const ClusterBoard& cluster() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace boxoffice::actors

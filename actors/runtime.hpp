#pragma once

#include <memory>

#include "actors/entity_context.hpp"

namespace caf {
class actor_system;
class actor;
}  // namespace caf

namespace boxoffice::actors {

// The CAF actor system of this process with its router. Entity actors never block the
// scheduler threads: storage runs on the storage::WorkerPool.
class Runtime {
 public:
  Runtime(const config::Config& config, storage::WorkerPool& storage, const domain::Clock& clock);
  ~Runtime();  // stops every actor
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  caf::actor_system& system();
  const caf::actor& router() const;
  EntityContext& context();
  ActorStats& stats();
  SnapshotBoard& board();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace boxoffice::actors

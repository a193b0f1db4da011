#pragma once

#include <memory>

namespace caf {
class actor_system;
}

namespace boxoffice::actors {

// The CAF actor system of this process, configured for a small machine: a fixed number of
// scheduler threads. Entity actors never block these threads (storage runs on the
// storage::WorkerPool).
class Runtime {
 public:
  Runtime();
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  caf::actor_system& system();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace boxoffice::actors

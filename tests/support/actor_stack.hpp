#pragma once

#include <memory>
#include <string>
#include <vector>

#include "actors/gateway.hpp"
#include "actors/runtime.hpp"
#include "config/config.hpp"
#include "domain/clock.hpp"
#include "storage/worker_pool.hpp"

namespace boxoffice::testing {

// Storage and actors without HTTP, on a fresh migrated database: the gateway as the HTTP
// front would call it. restart() drops every actor (their state reloads from the database).
class ActorStack {
 public:
  explicit ActorStack(const std::string& label, std::vector<std::string> flags = {});
  ~ActorStack();
  ActorStack(const ActorStack&) = delete;
  ActorStack& operator=(const ActorStack&) = delete;

  void restart();
  actors::Gateway& gateway() { return *gateway_; }
  // The counters of the running actors (entities alive, spawned, passivated, ...).
  const actors::ActorStats& stats() { return runtime_->stats(); }
  const config::DatabaseTarget& database() const { return database_; }
  // Runs one SQL statement on its own connection and returns its single integer.
  long long scalar(const std::string& sql) const;
  // Runs one SQL statement that returns nothing, on its own connection.
  void execute(const std::string& sql) const;

 private:
  void start();

  config::DatabaseTarget database_;
  config::Config config_;
  domain::SystemClock clock_;
  std::unique_ptr<storage::WorkerPool> pool_;
  std::unique_ptr<actors::Runtime> runtime_;
  std::unique_ptr<actors::Gateway> gateway_;
};

}  // namespace boxoffice::testing

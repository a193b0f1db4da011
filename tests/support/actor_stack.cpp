#include "support/actor_stack.hpp"

#include <soci/soci.h>

#include "storage/migrations.hpp"
#include "storage/session_factory.hpp"
#include "support/test_database.hpp"
#include "support/test_node.hpp"

namespace boxoffice::testing {

ActorStack::ActorStack(const std::string& label, std::vector<std::string> flags)
    : database_(fresh_database(label)), config_(serve_config(database_, flags)) {
  auto session = storage::open_session(database_);
  storage::migrate(*session, database_.kind);
  start();
}

ActorStack::~ActorStack() {
  gateway_.reset();
  if (pool_) pool_->stop();
  runtime_.reset();
}

void ActorStack::start() {
  pool_ = std::make_unique<storage::WorkerPool>(database_, 8);
  runtime_ = std::make_unique<actors::Runtime>(config_, *pool_, clock_);
  gateway_ = std::make_unique<actors::Gateway>(*runtime_);
}

void ActorStack::restart() {
  gateway_.reset();
  pool_->stop();
  runtime_.reset();
  pool_.reset();
  start();
}

long long ActorStack::scalar(const std::string& sql) const {
  auto session = storage::open_session(database_);
  long long value = 0;
  *session << sql, soci::into(value);
  return value;
}

void ActorStack::execute(const std::string& sql) const {
  auto session = storage::open_session(database_);
  *session << sql;
}

}  // namespace boxoffice::testing

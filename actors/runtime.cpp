#include "actors/runtime.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "actors/messages.hpp"
#include "actors/queue_actor.hpp"
#include "actors/router.hpp"
#include "actors/schedule_actor.hpp"
#include "actors/wallet_actor.hpp"

namespace boxoffice::actors {
namespace {

caf::actor spawn_entity(caf::event_based_actor* router, EntityContext* context,
                        const std::string& key) {
  const auto colon = key.find(':');
  const auto kind = key.substr(0, colon);
  const auto id = key.substr(colon + 1);
  if (kind == "wallet") return router->spawn(wallet_actor, context, std::stoll(id));
  if (kind == "schedule") return router->spawn(schedule_actor, context, std::stoll(id));
  if (key == kQueueKey) return router->spawn(queue_actor, context);
  return caf::actor{};
}

}  // namespace

struct Runtime::Impl {
  static caf::actor_system_config& configure(caf::actor_system_config& config) {
    register_message_types(config);
    config.load<caf::io::middleman>();
    config.set("scheduler.max-threads", 2);
    config.set("logger.console", caf::atom("none"));
    return config;
  }

  Impl(const config::Config& configuration, storage::WorkerPool& storage,
       const domain::Clock& clock)
      : context{configuration, storage, clock, stats, *board, board, caf::actor{}} {
    context.router = system.spawn(router_actor, &context,
                                  [this](caf::event_based_actor* router, const std::string& key) {
                                    return spawn_entity(router, &context, key);
                                  });
  }

  ~Impl() {
    caf::anon_send_exit(context.router, caf::exit_reason::user_shutdown);
    context.router = caf::actor{};
    // Dying actors still touch the board and the stats: let them finish before those go.
    system.await_all_actors_done();
  }

  caf::actor_system_config config;
  caf::actor_system system{configure(config)};
  ActorStats stats;
  std::shared_ptr<SnapshotBoard> board = std::make_shared<SnapshotBoard>();
  EntityContext context;
};

Runtime::Runtime(const config::Config& config, storage::WorkerPool& storage,
                 const domain::Clock& clock)
    : impl_(std::make_unique<Impl>(config, storage, clock)) {}

Runtime::~Runtime() = default;

caf::actor_system& Runtime::system() {
  return impl_->system;
}
const caf::actor& Runtime::router() const {
  return impl_->context.router;
}
EntityContext& Runtime::context() {
  return impl_->context;
}
ActorStats& Runtime::stats() {
  return impl_->stats;
}
SnapshotBoard& Runtime::board() {
  return *impl_->board;
}

}  // namespace boxoffice::actors

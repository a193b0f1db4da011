#include "actors/runtime.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <future>
#include <stdexcept>

#include "actors/messages.hpp"
#include "actors/payment_writer.hpp"
#include "actors/queue_actor.hpp"
#include "actors/read_batcher.hpp"
#include "actors/router.hpp"
#include "actors/schedule_actor.hpp"
#include "actors/wallet_actor.hpp"
#include "storage/wallet_reads.hpp"

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

std::shared_ptr<const ClusterView> initial_view(const config::Config& config) {
  auto view = std::make_shared<ClusterView>();
  view->self = config.node_id;
  view->self_address = config.advertised_address();
  view->refresh_live();
  return view;
}

}  // namespace

struct Runtime::Impl {
  static caf::actor_system_config& configure(caf::actor_system_config& config,
                                             const config::Config& configuration) {
    register_message_types(config);
    config.load<caf::io::middleman>();
    config.set("scheduler.max-threads", 2);
    // An idle worker spins briefly (aggressive polling), polls 50 times 50 us apart, then sleeps
    // on its condition variable until the next enqueue wakes it. CAF's default polls 500 times
    // (25 ms of wake-ups every 50 us for nothing on a 2-core machine); not polling at all made
    // the writes faster but the reads slower: a polling worker keeps a vCPU from halting, and
    // a halted one is slow to wake (A/B in docs/benchmarks.md, session 9).
    config.set("work-stealing.moderate-poll-attempts", std::size_t{50});
    config.set("logger.console", caf::atom("none"));
    // A frozen peer is noticed only through heartbeats, and only when both sides send them.
    const auto timeout = configuration.peer_timeout;
    config.set("middleman.heartbeat-interval", caf::timespan{timeout / 5});
    config.set("middleman.connection-timeout", caf::timespan{timeout});
    return config;
  }

  Impl(const config::Config& configuration, storage::WorkerPool& storage,
       const domain::Clock& clock)
      : system{configure(caf_config, configuration)},
        context{configuration, storage, clock, stats, *board, board, caf::actor{}},
        cluster{initial_view(configuration)} {
    context.payments = std::make_shared<PaymentWriter>(storage, configuration.database.kind, clock,
                                                       configuration.commit_wait, stats);
    context.wallet_loads = std::make_shared<ReadBatcher<domain::Id, domain::Wallet>>(
        storage, configuration.request_timeout,
        [kind = configuration.database.kind](soci::session& session,
                                             const std::vector<domain::Id>& ids) {
          return storage::load_wallets(session, kind, ids);
        });
    RouterSetup setup;
    setup.context = &context;
    setup.factory = [this](caf::event_based_actor* router, const std::string& key) {
      return spawn_entity(router, &context, key);
    };
    setup.cluster = &cluster;
    setup.first_round = first_round;
    if (configuration.cluster_listen) {
      // Half the time the peers wait before declaring this node dead.
      stall_watch = std::make_unique<StallWatch>(configuration.peer_timeout / 2);
      setup.stall_watch = stall_watch.get();
      context.stall_watch = stall_watch.get();
    }
    context.router = system.spawn(router_actor, std::move(setup));
    if (const auto& listen = configuration.cluster_listen) {
      auto port = system.middleman().publish(
          context.router, static_cast<std::uint16_t>(listen->port), listen->host.c_str(), true);
      if (!port) {
        stop_actors();
        throw std::runtime_error("cannot listen on cluster address " + listen->to_string() + ": " +
                                 system.render(port.error()));
      }
    }
  }

  ~Impl() { stop_actors(); }

  void stop_actors() {
    if (context.router) {
      caf::anon_send_exit(context.router, caf::exit_reason::user_shutdown);
      context.router = caf::actor{};
    }
    // Dying actors still touch the board and the stats: let them finish before those go.
    system.await_all_actors_done();
  }

  std::unique_ptr<StallWatch> stall_watch;  // outlives every actor (destroyed last)
  caf::actor_system_config caf_config;
  caf::actor_system system;
  ActorStats stats;
  std::shared_ptr<SnapshotBoard> board = std::make_shared<SnapshotBoard>();
  EntityContext context;
  ClusterBoard cluster;
  std::shared_ptr<std::promise<void>> first_round = std::make_shared<std::promise<void>>();
  std::future<void> first_round_done = first_round->get_future();
};

Runtime::Runtime(const config::Config& config, storage::WorkerPool& storage,
                 const domain::Clock& clock)
    : impl_(std::make_unique<Impl>(config, storage, clock)) {}

Runtime::~Runtime() = default;

void Runtime::await_peers(std::chrono::milliseconds limit) {
  impl_->first_round_done.wait_for(limit);
}

void Runtime::leave() {
  if (!impl_->context.config.clustered() || !impl_->context.router) return;
  caf::scoped_actor self{impl_->system};
  self->request(impl_->context.router, std::chrono::seconds(10), leave_atom::value)
      .receive([](bool) {}, [](caf::error&) {});
}

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
const ClusterBoard& Runtime::cluster() const {
  return impl_->cluster;
}

}  // namespace boxoffice::actors

#include "actors/queue_lease.hpp"

#include <spdlog/spdlog.h>

#include "actors/entity_key.hpp"
#include "actors/storage_bridge.hpp"
#include "actors/write_failure.hpp"

namespace boxoffice::actors {
namespace {

// How long requests wait for a hand-over (the old host finishing its last writes) before a
// node that cannot get the lease answers 503.
constexpr std::chrono::milliseconds kWaitForHandover{1000};
constexpr std::chrono::milliseconds kRetryWhileWaiting{50};

using Self = caf::event_based_actor;

caf::error not_the_host() {
  return to_caf_error(domain::make_error(
      domain::ErrorCode::unavailable,
      "another node hosts the waiting room and this node cannot reach it; retry"));
}

caf::behavior waiting() {
  return {[](continue_atom, const Continuation& next) { next.run(); }};
}

bool is_handover(caf::message_view& view) {
  return view.content().match_elements<handover_atom>();
}

void after(Self* self, std::chrono::milliseconds delay, std::function<void()> run) {
  self->delayed_send(caf::actor_cast<caf::actor>(self), delay, continue_atom::value,
                     Continuation{std::move(run)});
}

void renew(Self* self, EntityContext* context, QueueLeaseState& lease) {
  const auto kind = context->config.database.kind;
  const auto node = context->config.node_id;
  const auto epoch = lease.epoch;
  const auto ttl = queue_lease_ttl(context->config).count();
  run_storage<bool>(
      self, context->storage,
      [kind, node, epoch, ttl](soci::session& session) {
        return storage::LeaseRepository(session, kind).renew(node, epoch, ttl);
      },
      [self, context, &lease](StorageOutcome<bool> outcome) {
        if (outcome.value && !*outcome.value) {
          spdlog::warn("queue: node {} lost the queue lease (epoch {}); handing the line over",
                       context->config.node_id, lease.epoch);
          lease.lost = true;
          caf::anon_send(caf::actor_cast<caf::actor>(self), handover_atom::value);
          return;
        }
        if (!outcome.value) log_storage_failure(outcome.error, "queue lease renewal");
        after(self, queue_lease_ttl(context->config) / 3,
              [self, context, &lease] { renew(self, context, lease); });
      },
      read_gate(context));
}

// What still reaches an actor that stops without serving (and what waited for it) goes back
// to the router, which sends it to whoever hosts the queue now: a hand-over fails nothing.
void pass_on(Self* self, EntityContext* context) {
  auto router = context->router;
  self->set_default_handler(
      [self, router](caf::scheduled_actor*, caf::message_view& view) -> caf::result<caf::message> {
        if (is_handover(view)) return caf::message{};
        self->delegate(router, forward_atom::value, kQueueKey, view.move_content_to_message());
        return caf::delegated<caf::message>{};
      });
  self->become(waiting());  // what waited meanwhile goes too
}

// Stops once what waited was passed on (the quit is queued behind it).
void pass_on_and_quit(Self* self, EntityContext* context) {
  pass_on(self, context);
  caf::anon_send(caf::actor_cast<caf::actor>(self), continue_atom::value,
                 Continuation{[self] { self->quit(); }});
}

// A hand-over before the lease was held. An acquire in flight may still commit: quitting now
// would leave the lease row naming this node until it expires (its successor waits that long:
// 503s during a rolling restart), so stop once its answer is in and give back what it got.
void stop_unless_acquiring(Self* self, EntityContext* context, QueueLeaseState& lease) {
  if (!lease.acquiring) {
    pass_on_and_quit(self, context);
    return;
  }
  lease.abandoned = true;
  pass_on(self, context);
}

// Another node holds the lease: queue requests get 503 (what waited meanwhile too).
void refuse(Self* self, EntityContext* context, QueueLeaseState* lease) {
  self->set_default_handler(
      [self, context, lease](caf::scheduled_actor*,
                             caf::message_view& view) -> caf::result<caf::message> {
        if (is_handover(view)) {
          if (lease)
            stop_unless_acquiring(self, context, *lease);
          else
            pass_on_and_quit(self, context);
          return caf::message{};
        }
        return not_the_host();
      });
  self->become(waiting());
}

void refuse_requests(Self* self, EntityContext* context, QueueLeaseState& lease) {
  lease.refusing = true;
  spdlog::info("queue: node {} cannot get the queue lease; queue requests get 503",
               context->config.node_id);
  refuse(self, context, &lease);
}

void attempt(Self* self, EntityContext* context, QueueLeaseState& lease,
             std::function<void()> then) {
  if (lease.abandoned) return;
  const auto kind = context->config.database.kind;
  const auto node = context->config.node_id;
  const auto ttl = queue_lease_ttl(context->config).count();
  lease.acquiring = true;
  run_storage<std::optional<std::int64_t>>(
      self, context->storage,
      [kind, node, ttl, connections = context->storage.connection_name()](soci::session& session) {
        return storage::LeaseRepository(session, kind).acquire(node, ttl, connections);
      },
      [self, context, &lease, then](StorageOutcome<std::optional<std::int64_t>> outcome) {
        lease.acquiring = false;
        if (lease.abandoned) {  // handed over meanwhile
          if (outcome.value && *outcome.value) {
            lease.epoch = **outcome.value;
            release_lease_and_quit(self, context, lease);
          } else {
            self->quit();
          }
          return;
        }
        if (outcome.value && *outcome.value) {
          lease.epoch = **outcome.value;
          spdlog::info("queue: node {} hosts the waiting room (lease epoch {})",
                       context->config.node_id, lease.epoch);
          self->set_default_handler(caf::skip);
          after(self, queue_lease_ttl(context->config) / 3,
                [self, context, &lease] { renew(self, context, lease); });
          then();
          return;
        }
        if (!outcome.value) spdlog::debug("queue: the queue lease could not be asked for");
        const auto waited = domain::wall_clock_ms() - lease.waiting_since;
        if (!lease.refusing && waited >= kWaitForHandover.count())
          refuse_requests(self, context, lease);
        const auto retry =
            lease.refusing ? queue_lease_ttl(context->config) / 6 : kRetryWhileWaiting;
        after(self, retry, [self, context, &lease, then] { attempt(self, context, lease, then); });
      },
      read_gate(context));
}

}  // namespace

std::chrono::milliseconds queue_lease_ttl(const config::Config& config) {
  return 2 * config.peer_timeout;
}

void host_queue(caf::event_based_actor* self, EntityContext* context, QueueLeaseState& lease,
                std::function<void()> then) {
  lease.waiting_since = domain::wall_clock_ms();
  // Until the lease is held requests wait; a hand-over stops the actor (once an acquire in
  // flight has answered).
  self->set_default_handler(
      [self, context, &lease](caf::scheduled_actor*,
                              caf::message_view& view) -> caf::result<caf::message> {
        if (is_handover(view)) {
          stop_unless_acquiring(self, context, lease);
          return caf::message{};
        }
        return caf::skip;
      });
  attempt(self, context, lease, std::move(then));
}

storage::QueueFence queue_fence(const EntityContext* context, const QueueLeaseState& lease) {
  return storage::QueueFence{context->config.node_id, lease.epoch,
                             queue_lease_ttl(context->config).count()};
}

void release_lease_and_quit(caf::event_based_actor* self, EntityContext* context,
                            const QueueLeaseState& lease) {
  if (lease.epoch == 0) {
    self->quit();
    return;
  }
  // Handed over: the router sends requests to the new host. The lease lost under it: the
  // router would send them back here, so they get 503 until the actor stopped.
  if (lease.lost)
    refuse(self, context, nullptr);
  else
    pass_on(self, context);
  const auto kind = context->config.database.kind;
  const auto node = context->config.node_id;
  const auto epoch = lease.epoch;
  run_storage<bool>(
      self, context->storage,
      [kind, node, epoch](soci::session& session) {
        storage::LeaseRepository(session, kind).release(node, epoch);
        return true;
      },
      [self](StorageOutcome<bool> outcome) {
        if (!outcome.value) log_storage_failure(outcome.error, "queue lease release");
        self->quit();
      },
      read_gate(context));
}

}  // namespace boxoffice::actors

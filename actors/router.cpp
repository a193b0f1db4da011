#include "actors/router.hpp"

#include <algorithm>

#include "actors/entity_key.hpp"
#include "actors/messages.hpp"
#include "actors/router_state.hpp"

namespace boxoffice::actors {
namespace routing {
namespace {

// The deadline sweep runs at most this often (a request may be answered "not in time" this
// much after its deadline).
constexpr std::chrono::milliseconds kSweepEvery{100};

// Arms the sweep for `due` unless one is on its way for about then or earlier; a sweep armed
// for later is superseded (its generation is ignored when it arrives).
void arm_deadline_sweep(Self* self, const StatePtr& state, SlotDeadlines::Clock::time_point due) {
  if (state->deadline_sweep_for && *state->deadline_sweep_for <= due + kSweepEvery) return;
  const auto now = SlotDeadlines::Clock::now();
  const auto delay =
      std::max(std::chrono::duration_cast<std::chrono::milliseconds>(due - now), kSweepEvery);
  state->deadline_sweep_for = now + delay;
  self->delayed_send(self, delay, sweep_atom::value, ++state->deadline_sweep);
}

void sweep_deadlines(Self* self, const StatePtr& state, std::uint64_t generation) {
  if (generation != state->deadline_sweep) return;  // superseded by an earlier one
  state->deadline_sweep_for.reset();
  if (const auto next = state->deadlines.expire(SlotDeadlines::Clock::now()))
    arm_deadline_sweep(self, state, *next);
}

}  // namespace

void ask_watched(Self* self, const StatePtr& state, const std::shared_ptr<ReplySlot>& slot,
                 const caf::actor& target, caf::message request) {
  slot->ask(self, target, std::move(request));
  arm_deadline_sweep(self, state, state->deadlines.watch(slot, slot->timeout()));
}

caf::actor entity_for(Self* self, const StatePtr& state, const std::string& key) {
  auto it = state->entities.find(key);
  if (it != state->entities.end()) return it->second;
  auto entity = state->setup.factory(self, key);
  if (!entity) return entity;
  self->monitor(entity);
  state->entities.emplace(key, entity);
  ++state->context().stats.entities_live;
  ++state->context().stats.entities_spawned;
  return entity;
}

void route(Self* self, const StatePtr& state, const std::string& key, caf::message request,
           std::shared_ptr<ReplySlot> slot) {
  if (check_stall(self, state)) {
    slot->fail(to_domain_error(rejoining_error()));
    return;
  }
  const auto owner = state->view.owner_of(key);
  if (owner != state->view.self) {
    if (auto* link = owner_link(state, owner)) {
      ++state->context().stats.forwarded_requests;
      ask_watched(self, state, slot, link->router,
                  caf::make_message(serve_atom::value, key, request));
      track_ask(state, *link, RemoteAsk{std::move(slot), key, std::move(request)});
      return;
    }
  }
  auto entity = entity_for(self, state, key);
  if (!entity) {
    slot->fail(domain::make_error(domain::ErrorCode::internal, "no actor kind for " + key));
    return;
  }
  ask_watched(self, state, slot, entity, std::move(request));
}

void hand_over(Self* self, const StatePtr& state, const std::string& key, const caf::actor& entity,
               bool refresh_owner) {
  // Still monitored: when it has finished its writes and stopped, the key's owner reloads
  // (if asked to), and a leaving node knows its database work is done.
  state->handed_over[entity.address()] = HandedOver{key, refresh_owner};
  self->send(entity, handover_atom::value);
  --state->context().stats.entities_live;
  ++state->context().stats.ownership_moves;
}

// The local actor of `key` may have loaded while another actor of it still wrote: it stops
// (after its own writes) and the next request starts afresh from the database. With
// `again_when_stopped`, the key reloads once more when it has stopped (writes it still had in
// flight may land after the fresh load). Never the queue: it loads only once it holds the
// lease, which its predecessor gave back after its last write (or lost, and its writes are
// fenced by the epoch); a reload would only start a second host in this node whose lease
// fails the first one's writes in flight (503s during a rolling restart).
void reload_local(Self* self, const StatePtr& state, const std::string& key,
                  bool again_when_stopped = false) {
  if (key == kQueueKey) return;
  auto it = state->entities.find(key);
  if (it == state->entities.end()) return;
  const auto entity = it->second;
  state->entities.erase(it);
  hand_over(self, state, key, entity, again_when_stopped);
  --state->context().stats.ownership_moves;  // not a move: a reload
}

void reload_every_entity(Self* self, const StatePtr& state) {
  std::vector<std::string> keys;
  for (const auto& entry : state->entities) keys.push_back(entry.first);
  for (const auto& key : keys) reload_local(self, state, key, true);
}

// Tells the owner of `key` (maybe this node) to reload it.
void refresh(Self* self, const StatePtr& state, const std::string& key) {
  const auto owner = state->view.owner_of(key);
  if (owner == state->view.self) {
    reload_local(self, state, key);
  } else if (auto* link = owner_link(state, owner)) {
    self->send(link->router, refresh_atom::value, key);
  }
}

void hand_over_unowned(Self* self, const StatePtr& state) {
  auto& entities = state->entities;
  for (auto it = entities.begin(); it != entities.end();) {
    if (state->view.owns(it->first)) {
      ++it;
      continue;
    }
    hand_over(self, state, it->first, it->second, true);
    it = entities.erase(it);
  }
}

void hand_over_served_unowned(Self* self, const StatePtr& state) {
  auto keys = std::move(state->served_unowned);
  state->served_unowned.clear();
  for (const auto& key : keys) {
    auto it = state->entities.find(key);
    if (it == state->entities.end() || state->view.owns(key)) continue;
    hand_over(self, state, key, it->second, true);
    state->entities.erase(it);
  }
}

// Sends a payment's debit to the wallet's owner on another node as a tracked request.
void forward_debit(Self* self, const StatePtr& state, PeerLink& link, const std::string& key,
                   caf::message request, caf::response_promise promise) {
  const auto& order = request.get_as<domain::PaymentOrder>(1);
  const auto& config = state->context().config;
  const auto wait = std::chrono::milliseconds(
      std::max<domain::TimeMs>(0, order.tag.deadline - domain::wall_clock_ms()) +
      config.commit_wait.count() + 1000);
  auto slot = std::make_shared<TypedSlot<domain::PaymentReceipt>>(
      wait, !order.idempotency_key.empty(), true,
      [promise](domain::Result<domain::PaymentReceipt> result) mutable {
        if (result.ok())
          promise.deliver(result.value());
        else
          promise.deliver(to_caf_error(result.error()));
      });
  ask_watched(self, state, slot, link.router, caf::make_message(serve_atom::value, key, request));
  track_ask(state, link, RemoteAsk{std::move(slot), key, std::move(request)});
}

}  // namespace routing

caf::behavior router_actor(caf::event_based_actor* self, RouterSetup setup) {
  using namespace routing;
  auto state = std::make_shared<RouterState>(std::move(setup));
  // Entity actors are not linked to the router; stop them with it so the actor system can
  // shut down (their idle timers would keep them alive).
  self->attach_functor([state](const caf::error&) {
    for (auto& [key, entity] : state->entities)
      caf::anon_send_exit(entity, caf::exit_reason::user_shutdown);
    state->entities.clear();
  });
  self->set_down_handler([self, state](caf::down_msg& down) {
    auto& entities = state->entities;
    for (auto it = entities.begin(); it != entities.end(); ++it) {
      if (it->second.address() == down.source) {
        entities.erase(it);
        --state->context().stats.entities_live;
        check_left(state);
        return;
      }
    }
    if (auto it = state->handed_over.find(down.source); it != state->handed_over.end()) {
      // Its last writes are in the database now: whoever owns the key must not answer
      // from what it loaded before them.
      const auto stopped = std::move(it->second);
      state->handed_over.erase(it);
      if (stopped.refresh_owner) refresh(self, state, stopped.key);
      check_left(state);
      return;
    }
    on_peer_down(self, state, down.source);
  });
  start_cluster(self, state);
  start_replica(self, state);
  return {
      [self, state](route_atom, const std::string& key, caf::message& request,
                    std::shared_ptr<ReplySlot>& slot) {
        route(self, state, key, std::move(request), std::move(slot));
      },
      // From one entity actor to another: the target answers the original requester.
      [self, state](forward_atom, const std::string& key,
                    caf::message& request) -> caf::result<caf::message> {
        if (check_stall(self, state)) return rejoining_error();
        auto promise = self->make_response_promise();
        const auto owner = state->view.owner_of(key);
        if (owner != state->view.self) {
          if (auto* link = owner_link(state, owner)) {
            ++state->context().stats.forwarded_requests;
            if (request.match_elements<debit_atom, domain::PaymentOrder>()) {
              // A payment's debit: tracked, so that its outcome is settled if the wallet's
              // node dies before answering.
              forward_debit(self, state, *link, key, std::move(request), promise);
              return promise;
            }
            promise.delegate(link->router, serve_atom::value, key, std::move(request));
            return promise;
          }
        }
        auto entity = entity_for(self, state, key);
        if (!entity) return caf::make_error(caf::sec::invalid_argument, "no actor kind for " + key);
        promise.delegate(entity, std::move(request));
        return promise;
      },
      // A peer decided this node owns the key: answer here even if this node's view of the
      // cluster differs for a moment (requests never bounce between nodes).
      [self, state](serve_atom, const std::string& key,
                    caf::message& request) -> caf::result<caf::message> {
        // A request that waited out a freeze here may have been failed (503) by its sender
        // long ago: it must not change anything now.
        if (check_stall(self, state)) return rejoining_error();
        auto entity = entity_for(self, state, key);
        if (!entity) return caf::make_error(caf::sec::invalid_argument, "no actor kind for " + key);
        ++state->context().stats.served_for_peers;
        if (!state->view.owns(key)) state->served_unowned.push_back(key);
        auto promise = self->make_response_promise();
        promise.delegate(entity, std::move(request));
        return promise;
      },
      [self, state](passivate_atom, const std::string& key) -> bool {
        auto& entities = state->entities;
        auto it = entities.find(key);
        auto sender = caf::actor_cast<caf::actor>(self->current_sender());
        if (it == entities.end() || it->second != sender) return false;
        self->demonitor(it->second);
        entities.erase(it);
        --state->context().stats.entities_live;
        ++state->context().stats.entities_passivated;
        return true;
      },
      [self, state](hello_atom, domain::NodeId node, const std::string& address,
                    const std::string& connections) {
        return on_hello(self, state, node, address, connections);
      },
      [self, state](leaving_atom, domain::NodeId node) { return on_leaving(self, state, node); },
      [self, state](leave_atom) { return on_leave(self, state); },
      // Another node's actor for this key stopped after writing: reload ours.
      [self, state](refresh_atom, const std::string& key) { reload_local(self, state, key); },
      [self, state](tick_atom) {
        on_tick(self, state);
        send_replica_heartbeat(self, state);
      },
      // The queue's read-model replicas (replica_feed.cpp).
      [self, state](replica_atom, ReplicaBatch& batch) { on_replica_batch(self, state, batch); },
      [self, state](replica_atom, snapshot_atom, domain::NodeId host) {
        return ask_snapshot_of(self, state, host);
      },
      [self, state](replica_atom, snapshot_atom) { return serve_snapshot(self, state); },
      [self, state](sweep_atom, std::uint64_t generation) {
        sweep_deadlines(self, state, generation);
      },
      [](continue_atom, const Continuation& next) { next.run(); },
  };
}

}  // namespace boxoffice::actors

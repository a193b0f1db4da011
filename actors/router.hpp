#pragma once

#include <caf/all.hpp>
#include <functional>
#include <future>
#include <memory>
#include <string>

#include "actors/cluster_view.hpp"
#include "actors/entity_context.hpp"
#include "actors/reply_slot.hpp"
#include "actors/stall_watch.hpp"

namespace boxoffice::actors {

// Spawns the entity actor for a key ("wallet:12" -> a wallet actor for 12).
using EntityFactory =
    std::function<caf::actor(caf::event_based_actor* router, const std::string& key)>;

struct RouterSetup {
  EntityContext* context = nullptr;
  EntityFactory factory;
  ClusterBoard* cluster = nullptr;
  StallWatch* stall_watch = nullptr;  // clustered only
  // Set once every configured peer was tried once (a node waits for it before serving HTTP,
  // so it does not start out believing it is alone).
  std::shared_ptr<std::promise<void>> first_round;
};

// The node's registry and, clustered, its door to the other nodes. Finds or spawns the one
// actor per entity key this node owns and passes requests to it; requests for keys another
// node owns go to that node's router. Peers are connected (and reconnected) with a bounded
// timeout, watched with heartbeats, and their requests retried on the new owner when they
// die. An entity that sat idle asks to passivate; the router forgets it first, so no
// request can reach an actor that is about to stop.
//   (route_atom, key, message, shared_ptr<ReplySlot>)  from the gateway (HTTP threads)
//   (forward_atom, key, message) -> answer               from one entity actor to another
//   (serve_atom, key, message) -> answer                 from a peer's router
//   (hello_atom, node, address, connections)             a peer introduces itself (and the
//       -> (node, address, connections)                  name prefix of its DB connections)
//   (leaving_atom, node) -> bool                         a peer is stopping
//   (leave_atom) -> bool                                 this node is stopping
//   (passivate_atom, key) -> bool                        an idle entity asks to stop
//   (replica_atom, ReplicaBatch)                         the queue's read-model changes: from
//       this node's queue actor to the peers, from a peer to this node's replica follower
//   (replica_atom, snapshot_atom[, host]) -> ReplicaBatch  a snapshot of the host's model
caf::behavior router_actor(caf::event_based_actor* self, RouterSetup setup);

}  // namespace boxoffice::actors

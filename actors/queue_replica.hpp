#pragma once

#include <caf/all.hpp>
#include <vector>

#include "actors/entity_context.hpp"
#include "actors/replica_messages.hpp"

namespace boxoffice::actors {

struct QueueReplicaState {
  bool asking = false;  // a snapshot request is in flight
  ReplicaSource asked_of;
  std::vector<ReplicaBatch> held;  // batches of asked_of that arrived meanwhile, in order
  static inline const char* name = "queue_replica";
};

using QueueReplica = caf::stateful_actor<QueueReplicaState>;

// A node's replica of the read model of the queue hosted on another node (docs/adr-002,
// "Replicas"), kept in the node's QueueReadSide for GET me and the token gate. The router
// passes it every batch a peer's queue host sends:
//   (replica_atom, ReplicaBatch)  applied when it follows on from the replica's version (a
//       heartbeat at that version: the host was heard from); anything else (a gap, a new host
//       or epoch, no replica yet) asks that host for a snapshot, then follows on from it
// While this node's own queue actor publishes, batches are ignored. Every kLookInterval the
// looks polls left here go to the queue's host in one message (idle expiry).
caf::behavior queue_replica(QueueReplica* self, EntityContext* context);

}  // namespace boxoffice::actors

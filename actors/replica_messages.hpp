#pragma once

// What the queue's host sends every other node to keep their replicas of its read model
// (docs/adr-002, "Replicas"), and the looks those nodes send back. All cross the network.
#include <caf/all.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "actors/replica_source.hpp"
#include "domain/clock.hpp"
#include "domain/queue_read_model.hpp"

namespace boxoffice::actors {

// replica = a batch of committed read-model changes (host -> peers), or a snapshot asked for;
// snapshot = "send me your whole model"; looked = looks polls left on a replica node.
using replica_atom = caf::atom_constant<caf::atom("replica")>;
using snapshot_atom = caf::atom_constant<caf::atom("snapshot")>;
using looked_atom = caf::atom_constant<caf::atom("looked")>;

// One token's committed facts (domain::ReadChange on the wire): `live` false = forgotten.
struct ReplicaEntry {
  std::string token;
  bool live = false;
  domain::Id user = 0;
  std::int64_t seq = 0;
  std::int32_t status = 0;
  domain::TimeMs issued_at = 0;
  domain::TimeMs expires_at = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ReplicaEntry& x) {
  return f(caf::meta::type_name("ReplicaEntry"), x.token, x.live, x.user, x.seq, x.status,
           x.issued_at, x.expires_at);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ReplicaSource& x) {
  return f(caf::meta::type_name("ReplicaSource"), x.host, x.epoch, x.actor);
}

// The changes of one commit, leading the host's model from `from_version` to `to_version`
// (from == to and no changes: a heartbeat saying which version the host is at). A snapshot
// (`snapshot`): every entry of the model at `to_version`.
struct ReplicaBatch {
  ReplicaSource source;
  std::uint64_t from_version = 0;
  std::uint64_t to_version = 0;
  bool snapshot = false;
  std::vector<ReplicaEntry> changes;
  std::int64_t rate_samples = 0;  // domain::AdmissionRate
  domain::TimeMs rate_first_at = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ReplicaBatch& x) {
  return f(caf::meta::type_name("ReplicaBatch"), x.source, x.from_version, x.to_version, x.snapshot,
           x.changes, x.rate_samples, x.rate_first_at);
}

// The latest look at each WAITING token polled on a replica node since the last batch.
struct ReplicaLooks {
  std::vector<std::string> tokens;
  std::vector<domain::TimeMs> at;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ReplicaLooks& x) {
  return f(caf::meta::type_name("ReplicaLooks"), x.tokens, x.at);
}

ReplicaEntry to_entry(const domain::ReadChange& change);
domain::ReadChange to_change(const ReplicaEntry& entry);
// A batch of `changes` (empty: a heartbeat) or a snapshot of `model` from `source`.
ReplicaBatch replica_batch(const ReplicaSource& source, std::uint64_t from_version,
                           const domain::QueueReadModel& model,
                           const std::vector<domain::ReadChange>& changes);
ReplicaBatch replica_snapshot(const ReplicaSource& source, const domain::QueueReadModel& model);

}  // namespace boxoffice::actors

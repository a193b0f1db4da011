#include "actors/replica_messages.hpp"

namespace boxoffice::actors {

ReplicaEntry to_entry(const domain::ReadChange& change) {
  ReplicaEntry entry;
  entry.token = change.token;
  if (!change.facts) return entry;
  const auto& facts = *change.facts;
  entry.live = true;
  entry.user = facts.user;
  entry.seq = facts.seq;
  entry.status = static_cast<std::int32_t>(facts.status);
  entry.issued_at = facts.issued_at;
  entry.expires_at = facts.expires_at;
  return entry;
}

domain::ReadChange to_change(const ReplicaEntry& entry) {
  if (!entry.live) return domain::ReadChange{entry.token, std::nullopt};
  return domain::ReadChange{
      entry.token,
      domain::TokenFacts{entry.user, entry.seq, static_cast<domain::TokenStatus>(entry.status),
                         entry.issued_at, entry.expires_at}};
}

namespace {

ReplicaBatch header(const ReplicaSource& source, std::uint64_t from_version,
                    const domain::QueueReadModel& model) {
  ReplicaBatch batch;
  batch.source = source;
  batch.from_version = from_version;
  batch.to_version = model.version();
  batch.rate_samples = model.rate().samples;
  batch.rate_first_at = model.rate().first_at;
  return batch;
}

}  // namespace

ReplicaBatch replica_batch(const ReplicaSource& source, std::uint64_t from_version,
                           const domain::QueueReadModel& model,
                           const std::vector<domain::ReadChange>& changes) {
  auto batch = header(source, from_version, model);
  batch.changes.reserve(changes.size());
  for (const auto& change : changes) batch.changes.push_back(to_entry(change));
  return batch;
}

ReplicaBatch replica_snapshot(const ReplicaSource& source, const domain::QueueReadModel& model) {
  auto batch = header(source, 0, model);
  batch.snapshot = true;
  for (const auto& entry : model.entries()) batch.changes.push_back(to_entry(entry));
  return batch;
}

}  // namespace boxoffice::actors

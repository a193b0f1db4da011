// The waiting room across faults and partitions (docs/adr-004): admissions in issue order and
// no queue write committed under a stale lease epoch, from the database.
#include "chaos/invariants.hpp"
#include "chaos/sql_rows.hpp"
#include "domain/queue_history.hpp"

namespace boxoffice::chaos {
namespace {

Verdict issue_order(soci::session& sql) {
  std::vector<domain::TokenLife> lives;
  for (const auto& r : query(sql,
                             "SELECT seq, issued_at_ms, activated_at_ms,"
                             " COALESCE(LEAST(COALESCE(ended_at_ms, expires_at_ms), expires_at_ms),"
                             " ended_at_ms, 0) FROM queue_tokens"))
    lives.push_back(domain::TokenLife{r[0], r[1], r[2], r[3]});
  std::size_t admitted = 0;
  for (const auto& life : lives) admitted += life.activated_at != 0 ? 1 : 0;
  Violations v;
  for (const auto& each : domain::admissions_out_of_order(lives))
    v.add("token seq " + std::to_string(each.admitted) + " admitted while seq " +
          std::to_string(each.skipped) + " (issued before) waited");
  return v.verdict(
      "admissions in issue order (no token admitted while an older one waited)",
      std::to_string(admitted) + " admissions of " + std::to_string(lives.size()) + " tokens");
}

Verdict fenced_writes(soci::session& sql) {
  std::vector<domain::LeaseGrant> grants;
  std::vector<domain::LeasedWrite> writes;
  for (const auto& r : query(sql, "SELECT epoch, granted_at_ms FROM queue_lease_grants"))
    grants.push_back({r[0], r[1]});
  for (const auto& r : query(sql, "SELECT epoch, at_ms FROM queue_lease_writes"))
    writes.push_back({r[0], r[1]});
  Violations v;
  for (const auto& stale : domain::stale_queue_writes(grants, writes))
    v.add("a queue write of epoch " + std::to_string(stale.epoch) +
          " committed after a later epoch was granted");
  if (writes.empty()) v.add("no queue write recorded its epoch");
  return v.verdict("no queue write committed with a stale lease epoch",
                   std::to_string(writes.size()) + " writes under " +
                       std::to_string(grants.size()) + " lease grants");
}

}  // namespace

std::vector<Verdict> check_queue(soci::session& sql, const CheckInputs&) {
  return {issue_order(sql), fenced_writes(sql)};
}

}  // namespace boxoffice::chaos

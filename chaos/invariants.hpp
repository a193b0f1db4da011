#pragma once

#include <soci/soci.h>
#include <string>
#include <vector>

#include "chaos/active_sampler.hpp"
#include "chaos/fault_runner.hpp"
#include "chaos/flags.hpp"
#include "chaos/run_record.hpp"
#include "chaos/world.hpp"

namespace boxoffice::chaos {

struct Verdict {
  std::string name;
  bool pass = true;
  std::string detail;  // numbers checked, or the first violations
};

struct CheckInputs {
  const Options& options;
  const World& world;
  const RunRecord& record;
  const ActiveSampler& sampler;
  const std::vector<FaultRecord>& timeline;
};

// invariants_db.cpp: seats, money, deadlines and the ACTIVE-token limit, from the database.
std::vector<Verdict> check_database(soci::session& sql, const CheckInputs& in);
// invariants_queue.cpp: admissions in issue order, no queue write under a stale lease epoch.
std::vector<Verdict> check_queue(soci::session& sql, const CheckInputs& in);
// invariants_acks.cpp: every acknowledged charge, hold, payment and cancel is in the database.
std::vector<Verdict> check_acknowledged(soci::session& sql, const CheckInputs& in);
// invariants_api.cpp: balances and seat maps read through the API agree with the database;
// answers had no 5xx but 503 with Retry-After (without a balancer); every fault was failed
// over.
std::vector<Verdict> check_api(soci::session& sql, const CheckInputs& in,
                               const std::string& active_token);
// invariants_balancer.cpp, behind a balancer: no failed attempt (5xx, transport error) but
// during a kill -9's handling; no 500 at all.
std::vector<Verdict> check_balancer(const CheckInputs& in);
// Counts each fault's failed attempts (FaultRecord::failed, failing_s).
void attribute_failures(const RunRecord& record, std::vector<FaultRecord>& timeline);

// Collects up to `limit` example lines and counts all of them.
class Violations {
 public:
  explicit Violations(std::size_t limit = 5) : limit_(limit) {}
  void add(const std::string& line);
  std::size_t count() const { return count_; }
  // "ok detail" when none, else "N violations: a; b; ..."
  Verdict verdict(const std::string& name, const std::string& ok_detail) const;

 private:
  std::size_t limit_;
  std::size_t count_ = 0;
  std::string examples_;
};

}  // namespace boxoffice::chaos

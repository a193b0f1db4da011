#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "chaos/balancer.hpp"
#include "chaos/cluster.hpp"
#include "chaos/database_faults.hpp"
#include "chaos/flags.hpp"
#include "chaos/prober.hpp"
#include "chaos/world.hpp"

namespace boxoffice::chaos {

// One fault of the timeline. Times are seconds; failover = from the signal until every
// surviving node passed a probe (with no survivor: until the faulted node passed one again).
struct FaultRecord {
  double at_s = 0;  // since the start of the load
  int node = 0;     // node id (1-based); 0: the database (db-freeze, db-terminate)
  FaultKind kind = FaultKind::kill;
  std::optional<double> failover_s;
  std::optional<double> back_s;       // signal -> node answers /readyz again (restart/SIGCONT)
  std::optional<double> rejoin_s;     // node back -> every other node lists it "up"
  std::optional<double> recovered_s;  // signal -> every node passed a probe
  std::optional<int> exit_code;       // of the killed/terminated process
  std::string probed;                 // entity kinds the probes covered
  std::string note;                   // what went wrong, if anything
  std::string info;                   // what was done (connections ended), not a problem
  std::vector<std::string> probe_failures;  // first failed probes of the failover
  int survivor_503s = 0;                    // probes a surviving node answered with 503
  // A partition (back_s = when it healed): the two sides ("1 | 2,3"), and for each side the
  // seconds from the cut until each of its nodes passed a probe (during the cut or after it).
  std::string sides;
  std::optional<double> cut_side_s;   // the side of `node`
  std::optional<double> rest_side_s;  // the others
  // Behind a balancer (--balancer):
  std::optional<double> noticed_s;   // signal -> the balancer marked the node DOWN
  std::optional<double> balanced_s;  // node back -> the balancer sees it UP again
  double until_s = 0;                // since the start of the load: the fault's handling ended
  // Filled in after the load (balancer_failures.cpp): failed attempts through the balancer
  // from the signal until the fault's handling ended, and first to last of them.
  std::uint64_t failed = 0;
  std::optional<double> failing_s;
};

// Injects faults on a schedule (one at a time, so with two or more nodes one is always up)
// on the main thread (restarts fork there; see NodeProcess).
class FaultRunner {
 public:
  // `balancer` may be null (the load picks nodes itself).
  FaultRunner(const Options& options, Cluster& cluster, Prober& prober, const World& world,
              DatabaseFaults& database, Balancer* balancer);
  // Until `until` (no fault starts in its last 5 s) or until interrupted.
  void run(std::chrono::steady_clock::time_point until, const std::atomic<bool>& interrupted);
  const std::vector<FaultRecord>& timeline() const { return timeline_; }

 private:
  FaultRecord inject(int node, FaultKind kind, const std::atomic<bool>& interrupted);
  FaultRecord inject_database(FaultKind kind, const std::atomic<bool>& interrupted);
  // partition_fault.cpp: cuts `node` (every odd partition) or its half of the cluster (with
  // four nodes or more) from the rest for --cut, then heals.
  FaultRecord inject_partition(int node, const std::atomic<bool>& interrupted);
  void recover(FaultRecord& record, int node, std::chrono::steady_clock::time_point signalled,
               const std::atomic<bool>& interrupted);
  // Behind a balancer: when it took the node out and put it back.
  void watch_balancer(FaultRecord& record, int node,
                      std::chrono::steady_clock::time_point signalled,
                      std::chrono::steady_clock::time_point back_from);
  void add(FaultRecord record);

  const Options& options_;
  Cluster& cluster_;
  Prober& prober_;
  const World& world_;
  DatabaseFaults& database_;
  Balancer* balancer_;
  std::mt19937_64 rng_;
  std::vector<FaultRecord> timeline_;
  int partitions_ = 0;
};

// Sleeps until `when` in small steps; false if interrupted first.
bool sleep_until(std::chrono::steady_clock::time_point when, const std::atomic<bool>& interrupted);

}  // namespace boxoffice::chaos

// The partition fault: cluster links cut through the relays (link_relay.hpp), then healed.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <thread>

#include "chaos/fault_runner.hpp"

namespace boxoffice::chaos {
namespace {

using clock = std::chrono::steady_clock;

double since(clock::time_point start) {
  return std::chrono::duration<double>(clock::now() - start).count();
}

std::string names(const std::vector<int>& ids) {
  std::string out;
  for (const int id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
  return out;
}

}  // namespace

FaultRecord FaultRunner::inject_partition(int node, const std::atomic<bool>& interrupted) {
  FaultRecord record;
  record.at_s = world_.elapsed_s();
  record.node = cluster_.node_id(node);
  record.kind = FaultKind::partition;
  auto* relays = cluster_.relays();
  if (!relays) {
    record.note = "a partition needs two nodes or more";
    record.until_s = world_.elapsed_s();
    return record;
  }
  // One node cut from the others, or (every second partition, with four nodes or more) a
  // split into two halves, the faulted node's half against the rest.
  const int n = cluster_.size();
  std::vector<int> side{cluster_.node_id(node)};
  if (++partitions_ % 2 == 0 && n >= 4)
    for (int k = 1; static_cast<int>(side.size()) < n / 2; ++k)
      side.push_back(cluster_.node_id((node + k) % n));
  std::sort(side.begin(), side.end());
  std::vector<int> rest;
  for (int i = 0; i < n; ++i)
    if (std::find(side.begin(), side.end(), cluster_.node_id(i)) == side.end())
      rest.push_back(cluster_.node_id(i));
  record.sides = names(side) + " | " + names(rest);
  for (int i = 0; i < n; ++i)
    cluster_.process(i).log_marker("fault partition " + record.sides + " at " +
                                   std::to_string(record.at_s) + " s");

  const auto signalled = clock::now();
  relays->cut(side);
  // Each node is probed until it passed once, during the cut and, for a side that cannot
  // serve everything alone (the one without the queue lease), after it healed.
  std::map<int, double> passed;  // node id -> seconds since the cut
  std::string failure;
  const auto probe_round = [&] {
    for (int i = 0; i < n; ++i) {
      if (passed.count(cluster_.node_id(i)) || cluster_.state(i) != NodeState::up) continue;
      if (prober_.probe(i, failure)) passed[cluster_.node_id(i)] = since(signalled);
    }
  };
  const auto heal_at = signalled + std::chrono::duration_cast<clock::duration>(
                                       std::chrono::duration<double>(options_.cut_s));
  while (clock::now() < heal_at && !interrupted) {
    probe_round();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  relays->heal_all();
  record.back_s = since(signalled);
  const auto healed = clock::now();
  bool rejoined = true;
  for (int i = 0; i < n; ++i)
    if (cluster_.state(i) == NodeState::up)
      rejoined = cluster_.wait_rejoined(i, options_.failover_max_s) && rejoined;
  if (rejoined)
    record.rejoin_s = since(healed);
  else
    record.note = "not every node listed every other up within --failover-max";
  const auto give_up = clock::now() + std::chrono::duration_cast<clock::duration>(
                                          std::chrono::duration<double>(options_.failover_max_s));
  while (static_cast<int>(passed.size()) < n && clock::now() < give_up && !interrupted) {
    probe_round();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto slowest = [&passed](const std::vector<int>& ids) -> std::optional<double> {
    double worst = 0;
    for (const int id : ids) {
      const auto it = passed.find(id);
      if (it == passed.end()) return std::nullopt;
      worst = std::max(worst, it->second);
    }
    return worst;
  };
  record.cut_side_s = slowest(side);
  record.rest_side_s = slowest(rest);
  record.failover_s = record.cut_side_s && record.rest_side_s
                          ? std::optional<double>(std::min(*record.cut_side_s, *record.rest_side_s))
                          : std::nullopt;
  if (record.failover_s)
    record.recovered_s = std::max(*record.cut_side_s, *record.rest_side_s);
  else
    record.note += (record.note.empty() ? "" : "; ") + std::string("not recovered: ") + failure;
  record.probed = prober_.kinds();
  const auto text = [](const std::optional<double>& s) {
    return s ? fmt::format("{:.2f}", *s) : std::string("never");
  };
  record.info = fmt::format(
      "cut {} for {:.1f} s; served again: side {} after {} s, side {} after {} s", record.sides,
      *record.back_s, names(side), text(record.cut_side_s), names(rest), text(record.rest_side_s));
  record.until_s = world_.elapsed_s();
  return record;
}

}  // namespace boxoffice::chaos

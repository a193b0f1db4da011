#include "chaos/fault_runner.hpp"

#include <spdlog/spdlog.h>
#include <csignal>
#include <thread>

namespace boxoffice::chaos {
namespace {

using clock = std::chrono::steady_clock;

clock::duration seconds(double s) {
  return std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(s));
}

void add_note(FaultRecord& record, const std::string& text) {
  record.note += (record.note.empty() ? "" : "; ") + text;
}

double since(clock::time_point start) {
  return std::chrono::duration<double>(clock::now() - start).count();
}

}  // namespace

bool sleep_until(clock::time_point when, const std::atomic<bool>& interrupted) {
  while (clock::now() < when) {
    if (interrupted) return false;
    std::this_thread::sleep_for(
        std::min<clock::duration>(std::chrono::milliseconds(50), when - clock::now()));
  }
  return !interrupted;
}

FaultRunner::FaultRunner(const Options& options, Cluster& cluster, Prober& prober,
                         const World& world, DatabaseFaults& database, Balancer* balancer)
    : options_(options),
      cluster_(cluster),
      prober_(prober),
      world_(world),
      database_(database),
      balancer_(balancer),
      rng_(options.seed ^ 0x9e3779b97f4a7c15ULL) {}

void FaultRunner::run(clock::time_point until, const std::atomic<bool>& interrupted) {
  if (options_.fault_every_s <= 0) {
    sleep_until(until, interrupted);
    return;
  }
  auto next = clock::now() + seconds(options_.fault_every_s);
  for (std::size_t n = 0;
       options_.fault_count == 0 || n < static_cast<std::size_t>(options_.fault_count); ++n) {
    if (next + std::chrono::seconds(5) > until) break;
    if (!sleep_until(next, interrupted)) return;
    const auto kind = options_.faults[n % options_.faults.size()];
    const int node = static_cast<int>(rng_() % static_cast<std::uint64_t>(cluster_.size()));
    if (kind == FaultKind::roll) {
      for (int i = 0; i < cluster_.size() && !interrupted; ++i) add(inject(i, kind, interrupted));
    } else if (kind == FaultKind::partition) {
      add(inject_partition(node, interrupted));
    } else if (is_database_fault(kind)) {
      add(inject_database(kind, interrupted));
    } else {
      add(inject(node, kind, interrupted));
    }
    next = std::max(next + seconds(options_.fault_every_s), clock::now());
  }
  sleep_until(until, interrupted);
}

void FaultRunner::add(FaultRecord record) {
  const auto text = [](const std::optional<double>& s) {
    return s ? fmt::format("{:.2f}s", *s) : std::string("-");
  };
  spdlog::info("fault {} on node {} at {:.1f}s: failover {}, back {}, rejoin {}{} {}",
               to_string(record.kind), record.node, record.at_s, text(record.failover_s),
               text(record.back_s), text(record.rejoin_s),
               balancer_ ? fmt::format(", balancer: out after {}, in again after {}",
                                       text(record.noticed_s), text(record.balanced_s))
                         : "",
               record.note);
  timeline_.push_back(std::move(record));
}

FaultRecord FaultRunner::inject(int node, FaultKind kind, const std::atomic<bool>& interrupted) {
  FaultRecord record;
  record.at_s = world_.elapsed_s();
  record.node = cluster_.node_id(node);
  record.kind = kind;
  std::vector<int> survivors;
  for (int i = 0; i < cluster_.size(); ++i)
    if (i != node && cluster_.state(i) == NodeState::up) survivors.push_back(i);

  auto& process = cluster_.process(node);
  process.log_marker(std::string("fault ") + to_string(kind) + " at " +
                     std::to_string(record.at_s) + " s");
  const int signal_number = kind == FaultKind::kill   ? SIGKILL
                            : kind == FaultKind::stop ? SIGSTOP
                                                      : SIGTERM;  // term, roll
  const auto signalled = clock::now();
  if (!process.signal(signal_number)) {
    record.note = "node was not running";
    record.until_s = world_.elapsed_s();
    return record;
  }
  cluster_.set_state(node, kind == FaultKind::stop ? NodeState::frozen : NodeState::down);

  std::string failure;
  if (!survivors.empty()) {
    record.failover_s =
        prober_.until_all_pass(survivors, signalled, options_.failover_max_s, failure);
    record.probed = prober_.kinds();
    record.probe_failures = prober_.failures();
    record.survivor_503s = prober_.answered_503();
    if (!record.failover_s) record.note = "no failover within --failover-max: " + failure;
  }
  recover(record, node, signalled, interrupted);
  record.until_s = world_.elapsed_s();
  if (cluster_.state(node) != NodeState::up) return record;

  std::vector<int> all;
  for (int i = 0; i < cluster_.size(); ++i)
    if (cluster_.state(i) == NodeState::up) all.push_back(i);
  record.recovered_s =
      prober_.until_all_pass(all, signalled, since(signalled) + options_.failover_max_s, failure);
  if (!record.recovered_s) add_note(record, "not recovered: " + failure);
  if (survivors.empty()) {
    record.failover_s = record.recovered_s;
    record.probed = prober_.kinds();
  }
  record.until_s = world_.elapsed_s();
  return record;
}

FaultRecord FaultRunner::inject_database(FaultKind kind, const std::atomic<bool>& interrupted) {
  FaultRecord record;
  record.at_s = world_.elapsed_s();
  record.node = 0;
  record.kind = kind;
  for (int i = 0; i < cluster_.size(); ++i)
    cluster_.process(i).log_marker(std::string("fault ") + to_string(kind) + " at " +
                                   std::to_string(record.at_s) + " s");
  const auto signalled = clock::now();
  if (kind == FaultKind::db_freeze) {
    const auto refused = database_.freeze();
    if (!refused.empty()) {
      record.note = refused;
      return record;
    }
    sleep_until(signalled + seconds(options_.db_freeze_s), interrupted);
    database_.thaw();
    record.back_s = since(signalled);
  } else {
    record.info = database_.terminate_connections();
    record.back_s = since(signalled);
  }
  std::vector<int> all;
  for (int i = 0; i < cluster_.size(); ++i)
    if (cluster_.state(i) == NodeState::up) all.push_back(i);
  std::string failure;
  record.recovered_s =
      prober_.until_all_pass(all, signalled, since(signalled) + options_.failover_max_s, failure);
  record.failover_s = record.recovered_s;
  record.probed = prober_.kinds();
  if (!record.recovered_s) add_note(record, "not recovered: " + failure);
  record.until_s = world_.elapsed_s();
  return record;
}

void FaultRunner::recover(FaultRecord& record, int node, clock::time_point signalled,
                          const std::atomic<bool>& interrupted) {
  auto& process = cluster_.process(node);
  clock::time_point back_from;
  if (record.kind == FaultKind::stop) {
    sleep_until(signalled + seconds(options_.freeze_s), interrupted);
    process.signal(SIGCONT);
    cluster_.set_state(node, NodeState::up);
    back_from = clock::now();
    if (cluster_.wait_ready(node, options_.ready_timeout_s))
      record.back_s = since(signalled);
    else
      add_note(record, "no /readyz after SIGCONT");
  } else {
    const auto deadline =
        record.kind == FaultKind::kill
            ? std::chrono::seconds(10)
            : std::chrono::milliseconds(static_cast<long>(options_.stop_timeout_s * 1000));
    record.exit_code =
        process.wait_exit(std::chrono::duration_cast<std::chrono::milliseconds>(deadline));
    if (!record.exit_code) {
      add_note(record, "did not exit after SIGTERM, killed");
      process.signal(SIGKILL);
      record.exit_code = process.wait_exit(std::chrono::seconds(10));
    }
    if (record.kind != FaultKind::kill && record.exit_code && *record.exit_code != 0)
      add_note(record, "exit code " + std::to_string(*record.exit_code) + " after SIGTERM");
    // A rolling restart starts the node again as soon as it is gone.
    if (record.kind != FaultKind::roll)
      sleep_until(std::max(signalled + seconds(options_.restart_after_s), clock::now()),
                  interrupted);
    if (process.running()) return;
    try {
      back_from = clock::now();
      const auto ready = cluster_.restart(node);
      if (ready)
        record.back_s = since(signalled);
      else
        add_note(record, "restarted node not ready");
    } catch (const std::exception& e) {
      add_note(record, std::string("restart failed: ") + e.what());
      return;
    }
  }
  if (cluster_.clustered() && cluster_.state(node) == NodeState::up) {
    if (cluster_.wait_rejoined(node, options_.failover_max_s))
      record.rejoin_s = since(back_from);
    else
      add_note(record, "not listed up by the others within --failover-max");
  }
  if (balancer_) watch_balancer(record, node, signalled, back_from);
}

void FaultRunner::watch_balancer(FaultRecord& record, int node, clock::time_point signalled,
                                 clock::time_point back_from) {
  const auto out = balancer_->wait_status(node, "DOWN", signalled, options_.failover_max_s);
  if (!out) {
    add_note(record, "the balancer never took the node out");
    return;
  }
  record.noticed_s = std::chrono::duration<double>(*out - signalled).count();
  if (cluster_.state(node) != NodeState::up) return;
  const auto in =
      balancer_->wait_status(node, "UP", std::max(*out, back_from), options_.failover_max_s);
  if (in)
    record.balanced_s = std::chrono::duration<double>(*in - back_from).count();
  else
    add_note(record, "the balancer did not see the node UP again within --failover-max");
}

}  // namespace boxoffice::chaos

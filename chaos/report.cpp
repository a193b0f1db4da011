#include "chaos/report.hpp"

#include <fmt/format.h>

namespace boxoffice::chaos {
namespace {

std::string seconds_or_dash(const std::optional<double>& value) {
  return value ? fmt::format("{:.2f}", *value) : "-";
}

nlohmann::json optional_json(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

// "2xx/4xx/503/err" summary of the labels, plus the detailed labels.
std::string labels_text(const OpStats& stats) {
  std::string text;
  for (const auto& [label, count] : stats.by_label)
    text += (text.empty() ? "" : " ") + label + "=" + std::to_string(count);
  return text;
}

// Attempts answered 503 and 504, over every operation.
std::pair<std::uint64_t, std::uint64_t> answers_5xx(const RunRecord& record) {
  std::uint64_t unavailable = 0, unknown = 0;
  for (const auto& [name, stats] : record.ops)
    for (const auto& [label, count] : stats.by_label) {
      if (label.rfind("503", 0) == 0) unavailable += count;
      if (label.rfind("504", 0) == 0) unknown += count;
    }
  return {unavailable, unknown};
}

}  // namespace

bool all_pass(const RunSummary& summary) {
  if (!summary.error.empty() || summary.verdicts.empty()) return false;
  for (const auto& v : summary.verdicts)
    if (!v.pass) return false;
  return true;
}

void print_report(std::ostream& out, const RunSummary& s) {
  const double load_s = s.load_s > 0 ? s.load_s : 1;
  out << fmt::format(
      "\n== boxoffice-chaos: {} nodes, {:.0f} s of load, {} clients, {} users, seed {}\n",
      s.options.nodes, s.load_s, s.options.clients, s.options.users, s.options.seed);
  out << fmt::format("{:<13} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>7}  {}\n", "operation",
                     "requests", "ops/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "retried",
                     "answers (per attempt)");
  std::uint64_t total = 0;
  for (const auto& [name, stats] : s.record.ops) {
    total += stats.requests;
    out << fmt::format("{:<13} {:>8} {:>8.1f} {:>8.2f} {:>8.2f} {:>8.2f} {:>8.1f} {:>7}  {}\n",
                       name, stats.requests, static_cast<double>(stats.requests) / load_s,
                       stats.latency.percentile(50), stats.latency.percentile(95),
                       stats.latency.percentile(99), stats.latency.max_ms(), stats.retried,
                       labels_text(stats));
  }
  out << fmt::format("{:<13} {:>8} {:>8.1f}\n", "all", total, static_cast<double>(total) / load_s);
  const auto [unavailable, unknown] = answers_5xx(s.record);
  out << fmt::format(
      "answers 503 UNAVAILABLE (nothing changed): {}; 504 OUTCOME_UNKNOWN (may have "
      "happened): {}; unkeyed charges: {} answered 503, {} unanswered or 504\n",
      unavailable, unknown, s.record.refused_charges.size(), s.record.unknown_charges.size());

  out << "\n-- faults (seconds; failover = signal until every surviving node answers probes of "
         "every entity kind)\n";
  out << fmt::format("{:>7} {:>5} {:<5} {:>9} {:>7} {:>7} {:>10} {:>5}  {}\n", "at", "node",
                     "fault", "failover", "back", "rejoin", "recovered", "exit", "probed / note");
  for (const auto& f : s.timeline)
    out << fmt::format("{:>7.1f} {:>5} {:<5} {:>9} {:>7} {:>7} {:>10} {:>5}  {} {}\n", f.at_s,
                       f.node, to_string(f.kind), seconds_or_dash(f.failover_s),
                       seconds_or_dash(f.back_s), seconds_or_dash(f.rejoin_s),
                       seconds_or_dash(f.recovered_s),
                       f.exit_code ? std::to_string(*f.exit_code) : "-", f.probed,
                       f.info.empty() ? f.note : f.info + (f.note.empty() ? "" : "; " + f.note));
  if (s.timeline.empty()) out << "  (none)\n";
  if (s.options.balanced()) {
    out << "\n-- behind the balancer (seconds; out = signal until it marked the node DOWN, in = "
           "node back until it saw it UP; failed = attempts in flight between the signal "
           "and the fault's end answered 5xx or lost, first to last answer)\n";
    out << fmt::format("{:>7} {:>5} {:<5} {:>7} {:>7} {:>7} {:>8}\n", "at", "node", "fault", "out",
                       "in", "failed", "failing");
    for (const auto& f : s.timeline)
      out << fmt::format("{:>7.1f} {:>5} {:<5} {:>7} {:>7} {:>7} {:>8}\n", f.at_s, f.node,
                         to_string(f.kind), seconds_or_dash(f.noticed_s),
                         seconds_or_dash(f.balanced_s), f.failed, seconds_or_dash(f.failing_s));
  }

  out << "\n-- invariants\n";
  for (const auto& v : s.verdicts)
    out << fmt::format("{}  {}: {}\n", v.pass ? "PASS" : "FAIL", v.name, v.detail);
  if (!s.error.empty()) out << "FAIL  run: " << s.error << '\n';
  out << (all_pass(s) ? "\nALL INVARIANTS HOLD\n" : "\nINVARIANTS VIOLATED\n");
}

nlohmann::json report_json(const RunSummary& s) {
  nlohmann::json ops = nlohmann::json::object();
  for (const auto& [name, stats] : s.record.ops)
    ops[name] = {
        {"requests", stats.requests},
        {"attempts", stats.attempts},
        {"retried", stats.retried},
        {"retriedOk", stats.retried_ok},
        {"opsPerSecond", s.load_s > 0 ? static_cast<double>(stats.requests) / s.load_s : 0},
        {"latencyMs",
         {{"p50", stats.latency.percentile(50)},
          {"p95", stats.latency.percentile(95)},
          {"p99", stats.latency.percentile(99)},
          {"max", stats.latency.max_ms()},
          {"mean", stats.latency.mean_ms()}}},
        {"answers", stats.by_label}};
  nlohmann::json faults = nlohmann::json::array();
  for (const auto& f : s.timeline)
    faults.push_back({{"atSeconds", f.at_s},
                      {"node", f.node},
                      {"fault", to_string(f.kind)},
                      {"failoverSeconds", optional_json(f.failover_s)},
                      {"backSeconds", optional_json(f.back_s)},
                      {"rejoinSeconds", optional_json(f.rejoin_s)},
                      {"recoveredSeconds", optional_json(f.recovered_s)},
                      {"exitCode", f.exit_code ? nlohmann::json(*f.exit_code) : nlohmann::json()},
                      {"probed", f.probed},
                      {"firstProbeFailures", f.probe_failures},
                      {"survivor503s", f.survivor_503s},
                      {"info", f.info},
                      {"sides", f.sides},
                      {"cutSideServedSeconds", optional_json(f.cut_side_s)},
                      {"restSideServedSeconds", optional_json(f.rest_side_s)},
                      {"balancerOutSeconds", optional_json(f.noticed_s)},
                      {"balancerInSeconds", optional_json(f.balanced_s)},
                      {"failedAttempts", f.failed},
                      {"failingSeconds", optional_json(f.failing_s)},
                      {"note", f.note}});
  nlohmann::json invariants = nlohmann::json::array();
  for (const auto& v : s.verdicts)
    invariants.push_back({{"name", v.name}, {"pass", v.pass}, {"detail", v.detail}});
  const auto& o = s.options;
  return {{"pass", all_pass(s)},
          {"error", s.error},
          {"settings",
           {{"nodes", o.nodes},
            {"durationSeconds", o.duration_s},
            {"clients", o.clients},
            {"users", o.users},
            {"schedules", o.schedules},
            {"seats", o.seats},
            {"hotSeats", o.hot_seats},
            {"rate", o.rate},
            {"seed", o.seed},
            {"faultEverySeconds", o.fault_every_s},
            {"holdTtl", o.hold_ttl},
            {"tokenTtl", o.token_ttl},
            {"queueMaxActive", o.queue_max_active},
            {"balancer", o.balanced()},
            {"checkEverySeconds", o.check_every_s},
            {"schema", s.schema}}},
          {"loadSeconds", s.load_s},
          {"operations", ops},
          {"faults", faults},
          {"invariants", invariants},
          {"acknowledged",
           {{"charges", s.record.charges.size()},
            {"unansweredCharges", s.record.unknown_charges.size()},
            {"chargesAnswered503", s.record.refused_charges.size()},
            {"cancelsAnswered503", s.record.refused_cancels.size()},
            {"answers503", answers_5xx(s.record).first},
            {"answers504", answers_5xx(s.record).second},
            {"holds", s.record.holds.size()},
            {"payments", s.record.payments.size()},
            {"cancels", s.record.cancels.size()}}}};
}

}  // namespace boxoffice::chaos

#include "chaos/flags.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <sstream>

#include "config/values.hpp"

namespace boxoffice::chaos {
namespace {

// DURATION like 1500ms, 2s, 5m, 1h (or "0" where allowed) -> seconds.
std::optional<double> seconds_of(const std::string& text, bool zero_allowed) {
  if (zero_allowed && text == "0") return 0.0;
  const auto parsed = config::parse_duration(text);
  if (!parsed) return std::nullopt;
  return static_cast<double>(parsed->count()) / 1000.0;
}

std::optional<Mix> parse_mix(const std::string& text) {
  Mix mix{0, 0, 0, 0, 0, 0};
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto equals = item.find('=');
    if (equals == std::string::npos) return std::nullopt;
    const auto name = item.substr(0, equals);
    const auto weight = config::parse_count(item.substr(equals + 1), 0, 1000000);
    if (!weight) return std::nullopt;
    const int w = static_cast<int>(*weight);
    if (name == "token")
      mix.token = w;
    else if (name == "seats")
      mix.seats = w;
    else if (name == "hold")
      mix.hold = w;
    else if (name == "charge")
      mix.charge = w;
    else if (name == "pay")
      mix.pay = w;
    else if (name == "cancel")
      mix.cancel = w;
    else
      return std::nullopt;
  }
  if (mix.total() <= 0) return std::nullopt;
  return mix;
}

std::optional<std::vector<FaultKind>> parse_faults(const std::string& text) {
  std::vector<FaultKind> kinds;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item == "kill")
      kinds.push_back(FaultKind::kill);
    else if (item == "stop")
      kinds.push_back(FaultKind::stop);
    else if (item == "term")
      kinds.push_back(FaultKind::term);
    else if (item == "db-freeze")
      kinds.push_back(FaultKind::db_freeze);
    else if (item == "db-terminate")
      kinds.push_back(FaultKind::db_terminate);
    else if (item == "roll")
      kinds.push_back(FaultKind::roll);
    else if (item == "partition")
      kinds.push_back(FaultKind::partition);
    else
      return std::nullopt;
  }
  if (kinds.empty()) return std::nullopt;
  return kinds;
}

}  // namespace

const char* to_string(FaultKind kind) {
  switch (kind) {
    case FaultKind::kill: return "kill";
    case FaultKind::stop: return "stop";
    case FaultKind::term: return "term";
    case FaultKind::db_freeze: return "db-freeze";
    case FaultKind::db_terminate: return "db-terminate";
    case FaultKind::roll: return "roll";
    case FaultKind::partition: return "partition";
  }
  return "?";
}

bool is_database_fault(FaultKind kind) {
  return kind == FaultKind::db_freeze || kind == FaultKind::db_terminate;
}

std::optional<Options> parse_flags(int argc, char** argv, int& exit_code) {
  Options o;
  CLI::App app{
      "boxoffice-chaos: starts a boxoffice cluster, drives an on-sale night against it "
      "while killing, freezing and restarting nodes, then checks the invariants"};
  std::string duration = "60s", fault_every = "10s", freeze = "4s", restart_after = "2s";
  std::string failover_max = "30s", grace = "10s", ready_timeout = "60s", stop_timeout = "30s";
  std::string http_timeout = "12s", sample_every = "200ms", db_freeze = "4s", cut = "10s";
  std::string check_every = "500ms", balancer_timeout = "10s";
  std::string mix_text, faults_text = "kill,stop,term";

  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // last wins
  app.add_option("--boxoffice", o.boxoffice, "path of the boxoffice executable")->required();
  app.add_option("--database", o.database,
                 "PostgreSQL URL; the run creates and drops its own schema in it")
      ->required();
  app.add_option("--nodes", o.nodes, "nodes to start")->check(CLI::Range(1, 16));
  app.add_option("--admin-key", o.admin_key, "admin key given to the nodes");
  app.add_option("--out", o.out_dir, "folder for node logs and the report");
  app.add_option("--report", o.report, "JSON report file (default OUT/report.json)");
  app.add_option("--hold-ttl", o.hold_ttl, "passed to the nodes");
  app.add_option("--token-ttl", o.token_ttl, "passed to the nodes");
  app.add_option("--queue-max-active", o.queue_max_active, "passed to the nodes; also checked")
      ->check(CLI::Range(1, 1000000));
  app.add_option("--queue-idle-timeout", o.queue_idle_timeout, "passed to the nodes");
  app.add_option("--request-timeout", o.request_timeout, "passed to the nodes");
  app.add_option("--commit-wait", o.commit_wait, "passed to the nodes");
  app.add_option("--node-log-level", o.node_log_level, "--log-level of the nodes");
  app.add_option("--server-arg", o.server_args, "extra argument for every node (repeatable)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false);
  app.add_flag("--keep-schema", o.keep_schema, "keep the run's schema for inspection");
  app.add_option("--ready-timeout", ready_timeout, "longest wait for a node's /readyz");
  app.add_option("--stop-timeout", stop_timeout, "SIGTERM to SIGKILL deadline at the end");
  app.add_option("--duration", duration, "load duration (10s, 10m, ...)");
  app.add_option("--clients", o.clients, "worker threads, one keep-alive client per node each")
      ->check(CLI::Range(1, 512));
  app.add_option("--users", o.users, "users (each with a wallet)")->check(CLI::Range(1, 100000));
  app.add_option("--schedules", o.schedules, "schedules of the concert")->check(CLI::Range(1, 100));
  app.add_option("--seats", o.seats, "seats per schedule")->check(CLI::Range(1, 100000));
  app.add_option("--hot-seats", o.hot_seats, "hot seats everybody races for")
      ->check(CLI::Range(1, 100000));
  app.add_option("--hot-percent", o.hot_percent, "share of holds aimed at hot seats")
      ->check(CLI::Range(0, 100));
  app.add_option("--seat-price", o.seat_price, "price of every seat in won")
      ->check(CLI::Range(0, 10000000));
  app.add_option("--rate", o.rate, "total operations per second (0 = as fast as possible)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--mix", mix_text,
                 "weights, e.g. token=10,seats=20,hold=30,charge=15,pay=20,cancel=5");
  app.add_option("--seed", o.seed, "seed of all randomness");
  app.add_option("--http-timeout", http_timeout, "client connection/read timeout");
  app.add_option("--fault-every", fault_every, "time between faults (0 = none)");
  app.add_option(
      "--faults", faults_text,
      "fault kinds cycled in order: kill,stop,term,db-freeze,db-terminate,roll,partition");
  app.add_option("--fault-count", o.fault_count, "at most this many faults (0 = no limit)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--freeze", freeze, "how long a SIGSTOP lasts before SIGCONT");
  app.add_option("--db-freeze", db_freeze, "how long PostgreSQL stands still (db-freeze)");
  app.add_option("--cut", cut,
                 "how long a partition cuts the cluster links before they heal (partition)");
  app.add_option("--restart-after", restart_after, "pause between kill/exit and restart");
  app.add_option("--failover-max", failover_max, "failover slower than this is a violation");
  app.add_option("--grace", grace, "grace for holds/tokens past their deadline");
  app.add_option("--sample-every", sample_every, "ACTIVE-token sampling period");
  app.add_option("--balancer", o.balancer_script,
                 "put HAProxy in front, configured by this script (deploy/haproxy-config.sh); "
                 "the load then uses its one address only");
  app.add_option("--haproxy", o.haproxy, "path of the haproxy executable");
  app.add_option("--check-every", check_every,
                 "the balancer's health-check interval; the nodes drain for twice it");
  app.add_option("--balancer-timeout", balancer_timeout,
                 "the balancer's wait for a node's answer (above the nodes' --request-timeout)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    exit_code = app.exit(e);
    return std::nullopt;
  } catch (const CLI::ParseError& e) {
    std::cerr << "boxoffice-chaos: " << e.what() << '\n';
    exit_code = 2;
    return std::nullopt;
  }

  auto bad = [&](const std::string& flag, const std::string& value) {
    std::cerr << "boxoffice-chaos: invalid value '" << value << "' for " << flag << '\n';
    exit_code = 2;
    return std::nullopt;
  };
  struct DurationFlag {
    const char* flag;
    const std::string* text;
    double* out;
    bool zero_allowed;
  };
  const DurationFlag durations[] = {
      {"--duration", &duration, &o.duration_s, false},
      {"--fault-every", &fault_every, &o.fault_every_s, true},
      {"--freeze", &freeze, &o.freeze_s, false},
      {"--db-freeze", &db_freeze, &o.db_freeze_s, false},
      {"--cut", &cut, &o.cut_s, false},
      {"--restart-after", &restart_after, &o.restart_after_s, true},
      {"--failover-max", &failover_max, &o.failover_max_s, false},
      {"--grace", &grace, &o.grace_s, true},
      {"--ready-timeout", &ready_timeout, &o.ready_timeout_s, false},
      {"--stop-timeout", &stop_timeout, &o.stop_timeout_s, false},
      {"--http-timeout", &http_timeout, &o.http_timeout_s, false},
      {"--sample-every", &sample_every, &o.sample_every_s, false},
      {"--check-every", &check_every, &o.check_every_s, false},
      {"--balancer-timeout", &balancer_timeout, &o.balancer_timeout_s, false},
  };
  for (const auto& d : durations) {
    const auto value = seconds_of(*d.text, d.zero_allowed);
    if (!value) return bad(d.flag, *d.text);
    *d.out = *value;
  }
  for (const auto* text :
       {&o.hold_ttl, &o.token_ttl, &o.queue_idle_timeout, &o.request_timeout, &o.commit_wait})
    if (!config::parse_duration(*text))
      return bad("a --*-ttl/--queue-idle-timeout/--request-timeout/--commit-wait flag", *text);
  if (!mix_text.empty()) {
    const auto mix = parse_mix(mix_text);
    if (!mix) return bad("--mix", mix_text);
    o.mix = *mix;
  }
  const auto faults = parse_faults(faults_text);
  if (!faults) return bad("--faults", faults_text);
  o.faults = *faults;
  const auto target = config::parse_database_url(o.database);
  if (!target || target->kind != config::DatabaseKind::postgresql)
    return bad("--database (a postgresql:// URL)", o.database);
  if (o.hot_seats > o.seats)
    return bad("--hot-seats (at most --seats)", std::to_string(o.hot_seats));
  if (o.report.empty()) o.report = o.out_dir + "/report.json";
  return o;
}

}  // namespace boxoffice::chaos

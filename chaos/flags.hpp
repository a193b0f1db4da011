#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace boxoffice::chaos {

// kill/stop/term: a node (SIGKILL, SIGSTOP for --freeze, SIGTERM). db-freeze: SIGSTOP of
// PostgreSQL's processes for --db-freeze; db-terminate: pg_terminate_backend of every node's
// database connections. roll: every node in turn gets SIGTERM, is started again once it
// exited and, behind a balancer, is waited for until the balancer sees it UP again.
enum class FaultKind { kill, stop, term, db_freeze, db_terminate, roll, partition };
bool is_database_fault(FaultKind kind);
const char* to_string(FaultKind kind);

// Relative weights of the load operations (see docs/chaos.md "Load").
struct Mix {
  int token = 10;   // poll the token (issue one when the user has none)
  int seats = 20;   // seat-map reads
  int hold = 30;    // holds (a share of them on the hot seats)
  int charge = 15;  // wallet charges, half of them with an Idempotency-Key
  int pay = 20;     // payments of held seats (always keyed)
  int cancel = 5;   // cancels of held seats
  int total() const { return token + seats + hold + charge + pay + cancel; }
};

struct Options {
  // cluster
  std::string boxoffice;
  std::string database;  // base PostgreSQL URL; a fresh schema is created in it
  int nodes = 3;
  std::string admin_key = "chaos-admin-key";
  std::string out_dir = "chaos-out";
  std::string report;  // JSON report file ("" = OUT/report.json)
  std::string hold_ttl = "20s";
  std::string token_ttl = "60s";
  std::int64_t queue_max_active = 40;
  std::string queue_idle_timeout = "2m";
  // A write not committed within --request-timeout is answered 503 (nothing changed); once its
  // COMMIT is sent it waits --commit-wait for the verdict, then 504. The tool's --http-timeout
  // must exceed both together, or it would cut answers short.
  std::string request_timeout = "2s";
  std::string commit_wait = "5s";
  std::string node_log_level = "info";
  std::vector<std::string> server_args;  // passed to every node as-is
  bool keep_schema = false;
  double ready_timeout_s = 60;
  double stop_timeout_s = 30;

  // balancer (docs/deploy.md): "" = the load picks nodes itself
  std::string balancer_script;  // deploy/haproxy-config.sh
  std::string haproxy = "/usr/sbin/haproxy";
  double check_every_s = 0.5;      // health-check interval; the nodes' --drain-grace is twice it
  double balancer_timeout_s = 10;  // its `timeout server`: above the nodes' --request-timeout
  bool balanced() const { return !balancer_script.empty(); }

  // load
  double duration_s = 60;
  int clients = 16;
  int users = 200;
  int schedules = 2;
  int seats = 500;       // per schedule
  int hot_seats = 8;     // lowest still-free seat numbers of schedule 1 everybody races for
  int hot_percent = 60;  // share of holds aimed at the hot seats
  std::int64_t seat_price = 50000;
  double rate = 0;  // total operations per second, 0 = as fast as possible
  Mix mix;
  std::uint64_t seed = 1;
  double http_timeout_s = 12;

  // faults
  double fault_every_s = 10;  // 0 = no faults
  std::vector<FaultKind> faults{FaultKind::kill, FaultKind::stop, FaultKind::term};
  int fault_count = 0;  // 0 = unlimited
  double freeze_s = 4;
  double db_freeze_s = 4;  // longer than --request-timeout
  double cut_s = 10;       // how long a partition lasts before it heals
  double restart_after_s = 2;
  double failover_max_s = 30;
  bool partitions() const {
    for (const auto kind : faults)
      if (kind == FaultKind::partition) return true;
    return false;
  }

  // invariants
  double grace_s = 10;
  double sample_every_s = 0.2;
};

// Parses argv. On --help prints usage and sets exit_code 0; on a bad flag prints one line
// naming it and sets exit_code 2. Returns nullopt in both cases.
std::optional<Options> parse_flags(int argc, char** argv, int& exit_code);

}  // namespace boxoffice::chaos

#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace boxoffice::config {

struct HostPort {
  std::string host;
  std::uint16_t port = 0;

  std::string to_string() const;
  bool operator==(const HostPort& other) const { return host == other.host && port == other.port; }
};

enum class DatabaseKind { sqlite, postgresql };

struct DatabaseTarget {
  DatabaseKind kind = DatabaseKind::sqlite;
  std::string url;             // as the operator wrote it (shown in logs, password masked)
  std::string connect_string;  // what SOCI's backend receives
  std::string sqlite_path;     // sqlite only
};

enum class Command { serve, migrate, seed_demo };

// The whole, validated configuration of one process. Built once at start; never mutated.
struct Config {
  Command command = Command::serve;
  HostPort listen{"127.0.0.1", 8080};
  DatabaseTarget database;
  std::optional<std::string> admin_key;
  std::chrono::milliseconds hold_ttl{std::chrono::minutes(5)};
  std::chrono::milliseconds token_ttl{std::chrono::minutes(10)};
  std::chrono::milliseconds queue_idle_timeout{std::chrono::minutes(2)};
  std::int64_t queue_max_active = 100;
  std::int64_t max_charge = 10'000'000;
  std::int64_t max_balance = 1'000'000'000;
  std::int64_t max_body_bytes = 1'048'576;
  std::int64_t node_id = 1;
  std::optional<HostPort> cluster_listen;
  // What this node tells its peers to dial (a NAT or proxy address); none: cluster_listen.
  std::optional<HostPort> cluster_advertise;
  std::vector<HostPort> peers;
  std::chrono::milliseconds peer_timeout{1500};
  std::string log_level = "info";
  std::int64_t http_threads = 64;
  std::int64_t max_connections = 10'000;
  std::chrono::milliseconds keep_alive_timeout{std::chrono::seconds(60)};
  std::int64_t max_header_bytes = 16'384;
  std::chrono::milliseconds header_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds write_timeout{std::chrono::seconds(30)};
  std::chrono::milliseconds max_queue_wait{std::chrono::milliseconds(500)};
  std::int64_t db_pool_size = 8;
  std::chrono::milliseconds request_timeout{std::chrono::seconds(5)};
  // Once a write's COMMIT is sent, how long the server waits for the database's verdict
  // (reconnecting and looking the write up by its request id if the connection broke).
  std::chrono::milliseconds commit_wait{std::chrono::seconds(10)};
  std::chrono::milliseconds entity_idle_timeout{std::chrono::minutes(10)};
  // SIGTERM: how long /readyz answers 503 while requests are still served (docs/deploy.md).
  std::chrono::milliseconds drain_grace{std::chrono::seconds(4)};
  std::optional<std::string> web_root;  // absolute; none: the web front built into the binary

  bool clustered() const { return cluster_listen.has_value(); }
  // The address peers are told to dial (empty: a single node).
  std::string advertised_address() const {
    if (cluster_advertise) return cluster_advertise->to_string();
    return cluster_listen ? cluster_listen->to_string() : std::string();
  }
};

}  // namespace boxoffice::config

#pragma once

#include <array>
#include <string_view>

namespace boxoffice::config {

// Every setting of `boxoffice serve`: its flag (without "--"), environment variable, default
// (empty: none) and help. The TOML file uses the flag names as keys.
struct SettingSpec {
  std::string_view key;
  std::string_view env;
  std::string_view default_value;
  std::string_view help;
};

inline constexpr std::array<SettingSpec, 29> kSettings{{
    {"listen", "BOXOFFICE_LISTEN", "127.0.0.1:8080", "HTTP listen address HOST:PORT"},
    {"database", "BOXOFFICE_DATABASE", "sqlite:var/boxoffice.db",
     "sqlite:PATH (embedded) or postgresql://user@host:port/dbname"},
    {"admin-key", "BOXOFFICE_ADMIN_KEY", "", "key for the admin API (none: admin API closed)"},
    {"hold-ttl", "BOXOFFICE_HOLD_TTL", "5m", "how long a seat hold lasts (1500ms, 2s, 5m, 1h)"},
    {"token-ttl", "BOXOFFICE_TOKEN_TTL", "10m", "how long an ACTIVE queue token lasts"},
    {"queue-max-active", "BOXOFFICE_QUEUE_MAX_ACTIVE", "100", "at most this many ACTIVE tokens"},
    {"queue-idle-timeout", "BOXOFFICE_QUEUE_IDLE_TIMEOUT", "2m",
     "a WAITING token nobody looked at for this long expires"},
    {"max-charge", "BOXOFFICE_MAX_CHARGE", "10000000", "largest single charge, in won"},
    {"max-balance", "BOXOFFICE_MAX_BALANCE", "1000000000", "largest wallet balance, in won"},
    {"max-body-bytes", "BOXOFFICE_MAX_BODY_BYTES", "1048576", "largest accepted request body"},
    {"node-id", "BOXOFFICE_NODE_ID", "1", "unique positive id of this node in a cluster"},
    {"cluster-listen", "BOXOFFICE_CLUSTER_LISTEN", "",
     "cluster address HOST:PORT (none: single node)"},
    {"cluster-advertise", "BOXOFFICE_CLUSTER_ADVERTISE", "",
     "the cluster address peers are told to dial, HOST:PORT (none: --cluster-listen)"},
    {"peers", "BOXOFFICE_PEERS", "", "the other nodes' cluster addresses HOST:PORT,..."},
    {"peer-timeout", "BOXOFFICE_PEER_TIMEOUT", "1500ms",
     "a peer silent this long (frozen, cut off) is marked down; heartbeats every fifth of it"},
    {"log-level", "BOXOFFICE_LOG_LEVEL", "info", "trace, debug, info, warn, error or off"},
    {"http-threads", "BOXOFFICE_HTTP_THREADS", "64",
     "HTTP worker threads: requests processed at once (open connections cost no thread)"},
    {"max-connections", "BOXOFFICE_MAX_CONNECTIONS", "10000",
     "open client connections; over it a new one is answered 503 and closed"},
    {"keep-alive-timeout", "BOXOFFICE_KEEP_ALIVE_TIMEOUT", "60s",
     "an idle keep-alive connection is closed after this long"},
    {"max-header-bytes", "BOXOFFICE_MAX_HEADER_BYTES", "16384",
     "largest request head (request line and headers); over it 431"},
    {"header-timeout", "BOXOFFICE_HEADER_TIMEOUT", "10s",
     "a request head, then its body, must each arrive within this (else 408 and close)"},
    {"write-timeout", "BOXOFFICE_WRITE_TIMEOUT", "30s",
     "a client that reads none of its answer for this long is disconnected"},
    {"max-queue-wait", "BOXOFFICE_MAX_QUEUE_WAIT", "500ms",
     "a request that waits this long for a worker is answered 503 with Retry-After (shed)"},
    {"db-pool-size", "BOXOFFICE_DB_POOL_SIZE", "8",
     "database connections (storage worker threads)"},
    {"request-timeout", "BOXOFFICE_REQUEST_TIMEOUT", "5s",
     "a write not committed by then is dropped or rolled back and answered 503 UNAVAILABLE"},
    {"commit-wait", "BOXOFFICE_COMMIT_WAIT", "10s",
     "after COMMIT was sent: longest wait for the database's verdict before 504 OUTCOME_UNKNOWN"},
    {"entity-idle-timeout", "BOXOFFICE_ENTITY_IDLE_TIMEOUT", "10m",
     "an entity actor idle this long is passivated (memory stays bounded)"},
    {"drain-grace", "BOXOFFICE_DRAIN_GRACE", "4s",
     "on SIGTERM/SIGINT /readyz answers 503 for this long while requests are still served, "
     "so a load balancer takes the node out first; then it stops (0s: at once)"},
    {"web-root", "BOXOFFICE_WEB_ROOT", "",
     "serve the web front from this folder instead of the files built in (development)"},
}};

}  // namespace boxoffice::config

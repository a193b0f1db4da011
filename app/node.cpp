#include "app/node.hpp"

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>
#include <atomic>
#include <chrono>
#include <stdexcept>

#include "actors/entity_directory.hpp"
#include "actors/gateway.hpp"
#include "actors/runtime.hpp"
#include "app/actor_metrics.hpp"
#include "app/cluster_metrics.hpp"
#include "app/dashboard_metrics.hpp"
#include "app/drain.hpp"
#include "app/maintenance.hpp"
#include "domain/clock.hpp"
#include "http/prometheus_text.hpp"
#include "http/routes/routes.hpp"
#include "http/server.hpp"
#include "storage/migrations.hpp"
#include "storage/session_factory.hpp"
#include "storage/sql_error.hpp"
#include "storage/worker_pool.hpp"

namespace boxoffice::app {

void announce_line(const std::string& line) {
  auto logger = spdlog::default_logger();
  if (logger->level() == spdlog::level::off) return;
  logger->log(std::max(spdlog::level::info, logger->level()), line);
}

namespace {

void migrate_or_throw(const config::Config& config) {
  try {
    auto session = storage::open_session(config.database);
    const auto report = storage::migrate(*session, config.database.kind);
    for (const int version : report.applied) spdlog::info("applied schema migration {}", version);
  } catch (const std::exception& error) {
    throw std::runtime_error("database " + config.database.url + ": " + storage::describe(error));
  }
}

}  // namespace

struct Node::Parts {
  Parts(const config::Config& configuration, std::function<void()> stop)
      : config((migrate_or_throw(configuration), configuration)),
        storage(config.database, static_cast<std::size_t>(config.db_pool_size),
                storage::WorkerPool::default_connection_name(config.node_id)),
        runtime(config, storage, clock),
        directory(config, storage),
        gateway(runtime, &directory),
        desk(config, storage, runtime.board(), directory),
        server(http::Services{
            config, desk, clock, gateway, {metrics_source()}, [this] { return not_ready(); }}),
        drain(config.drain_grace, std::move(stop)) {
    http::add_ops_routes(server);
    http::add_admin_routes(server);
    http::add_concert_routes(server);
    http::add_wallet_routes(server);
    http::add_queue_routes(server);
    http::add_schedule_routes(server);
    http::add_reservation_routes(server);
    http::add_payment_routes(server);
    http::add_web_routes(server);
    if (config.cluster_listen) {
      announce("cluster: node {} listening on {}", config.node_id,
               config.cluster_listen->to_string());
      // Not serving before the peers were tried once: a node that believed it was alone
      // would load entities its peers are serving.
      runtime.await_peers(std::chrono::milliseconds(3) * config.peer_timeout.count());
    }
  }

  // /readyz: 503 from the first moment of a drain, so the balancer stops sending requests.
  std::string not_ready() const {
    if (drain.draining() || leaving.load()) return "the node is stopping";
    return "";
  }

  std::function<void(std::string&)> metrics_source() {
    return [this](std::string& out) {
      render_actor_metrics(runtime.stats(), out);
      http::append_metric(out, "boxoffice_id_directory_reads_total", "counter",
                          "Reads of the wallet and schedule id lists (unknown ids).",
                          directory.reads());
      render_cluster_metrics(runtime.stats(), *runtime.cluster().current(), out);
      render_dashboard_metrics(config, runtime.stats(), runtime.board(), clock.now_ms(), out);
    };
  }

  const config::Config config;
  domain::SystemClock clock;
  storage::WorkerPool storage;
  actors::Runtime runtime;
  actors::EntityDirectory directory;
  actors::Gateway gateway;
  actors::DatabaseDesk desk;
  Maintenance maintenance{storage, clock, std::chrono::hours(24), std::chrono::hours(1)};
  std::atomic<bool> leaving{false};
  http::Server server;
  Drain drain;  // its end runs Node::stop()
};

Node::Node(const config::Config& config)
    : parts_(std::make_unique<Parts>(config, [this] {
        announce("drain over: stopping");
        stop();
      })) {}

Node::~Node() {
  parts_->drain.finish();
  stop();
  parts_->storage.stop();
}

int Node::bind() {
  return parts_->server.bind();
}

void Node::run() {
  announce("boxoffice listening on http://{}:{} (database {}, node {})", parts_->config.listen.host,
           parts_->server.port(),
           parts_->config.database.kind == config::DatabaseKind::sqlite ? "sqlite" : "postgresql",
           parts_->config.node_id);
  parts_->server.run();
}

void Node::stop() {
  if (!parts_->leaving.exchange(true) && parts_->config.clustered()) {
    // Hand the entities over while still answering: requests that arrive meanwhile are
    // forwarded to their new owners, so no client of a node that stays up sees a failure.
    announce("cluster: node {} leaving; handing its entities over", parts_->config.node_id);
    parts_->runtime.leave();
  }
  parts_->server.stop();
}

void Node::drain() {
  if (!parts_->drain.draining())
    announce("draining: /readyz answers 503; serving for {} ms more, then stopping",
             parts_->config.drain_grace.count());
  else
    announce("drain cut short: stopping now");
  parts_->drain.begin();
}

bool Node::is_running() const {
  return parts_->server.is_running();
}

int Node::port() const {
  return parts_->server.port();
}

}  // namespace boxoffice::app

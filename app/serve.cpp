// `boxoffice serve`: migrate, assemble storage, actors and HTTP, serve until SIGTERM/SIGINT.
#include <iostream>
#include <spdlog/spdlog.h>

#include "actors/runtime.hpp"
#include "app/commands.hpp"
#include "app/shutdown_signals.hpp"
#include "domain/clock.hpp"
#include "http/routes/routes.hpp"
#include "http/server.hpp"
#include "storage/migrations.hpp"
#include "storage/session_factory.hpp"
#include "storage/sql_error.hpp"
#include "storage/worker_pool.hpp"

namespace boxoffice::app {

int run_serve(const config::Config& config) {
  ShutdownSignals signals;  // before any thread exists, so every thread inherits the mask
  try {
    auto session = storage::open_session(config.database);
    const auto report = storage::migrate(*session, config.database.kind);
    for (const int version : report.applied) spdlog::info("applied schema migration {}", version);
  } catch (const std::exception& error) {
    std::cerr << "boxoffice: database " << config.database.url << ": " << storage::describe(error) << "\n";
    return 1;
  }

  domain::SystemClock clock;
  storage::WorkerPool storage_pool(config.database, static_cast<std::size_t>(config.db_pool_size));
  actors::Runtime runtime;

  http::Server server(http::Services{config, storage_pool, clock, {}, {}});
  http::add_ops_routes(server);
  http::add_admin_routes(server);
  http::add_concert_routes(server);
  try {
    server.bind();
  } catch (const std::exception& error) {
    std::cerr << "boxoffice: --listen " << config.listen.to_string() << ": " << error.what() << "\n";
    return 1;
  }
  signals.start([&server](int signal) {
    spdlog::info("received signal {}: stopping; finishing requests in flight", signal);
    server.stop();
  });
  spdlog::info("boxoffice {} listening on http://{}:{} (database {}, node {})", BOXOFFICE_VERSION,
               config.listen.host, server.port(), config.database.kind == config::DatabaseKind::sqlite ? "sqlite" : "postgresql",
               config.node_id);
  server.run();
  storage_pool.stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace boxoffice::app

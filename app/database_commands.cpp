// `boxoffice migrate` and `boxoffice seed --demo`.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <iostream>

#include "app/commands.hpp"
#include "domain/clock.hpp"
#include "storage/demo_seed.hpp"
#include "storage/migrations.hpp"
#include "storage/session_factory.hpp"
#include "storage/sql_error.hpp"

namespace boxoffice::app {

void setup_logging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("boxoffice");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  spdlog::set_level(spdlog::level::from_str(level));
}

namespace {

template <class F>
int with_migrated_database(const config::Config& config, F then) {
  try {
    auto session = storage::open_session(config.database);
    const auto report = storage::migrate(*session, config.database.kind);
    for (const int version : report.applied) spdlog::info("applied schema migration {}", version);
    spdlog::info("database schema at version {}", report.current_version);
    return then(*session);
  } catch (const std::exception& error) {
    std::cerr << "boxoffice: database " << config.database.url << ": " << storage::describe(error)
              << "\n";
    return 1;
  }
}

}  // namespace

int run_migrate(const config::Config& config) {
  return with_migrated_database(config, [](soci::session&) { return 0; });
}

int run_seed_demo(const config::Config& config) {
  return with_migrated_database(config, [&config](soci::session& session) {
    const auto report =
        storage::seed_demo(session, config.database.kind, domain::SystemClock().now_ms());
    std::cout << (report.created ? "demo data created:\n" : "") << report.summary
              << (report.summary.empty() || report.summary.back() == '\n' ? "" : "\n");
    return 0;
  });
}

}  // namespace boxoffice::app

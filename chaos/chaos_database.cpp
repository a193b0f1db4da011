#include "chaos/chaos_database.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>
#include <chrono>
#include <stdexcept>

#include "config/values.hpp"
#include "storage/session_factory.hpp"

namespace boxoffice::chaos {

long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ChaosDatabase::ChaosDatabase(const std::string& base_url, bool keep) : keep_(keep) {
  const auto base = config::parse_database_url(base_url);
  if (!base || base->kind != config::DatabaseKind::postgresql)
    throw std::runtime_error("--database is not a postgresql:// URL: " + base_url);
  base_ = *base;
  schema_ = "chaos_" + std::to_string(::getpid()) + "_" + std::to_string(now_ms() % 100000000);
  try {
    auto admin = storage::open_session(base_);
    *admin << "CREATE SCHEMA " + schema_;
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot create schema " + schema_ + " in " + base_url + ": " +
                             e.what());
  }
  const std::string separator = base_url.find('?') == std::string::npos ? "?" : "&";
  url_ = base_url + separator + "options=-csearch_path%3D" + schema_;
  target_ = *config::parse_database_url(url_);
  spdlog::info("database schema {} (nodes use {})", schema_, url_);
}

ChaosDatabase::~ChaosDatabase() {
  if (keep_) {
    spdlog::info("kept schema {}", schema_);
    return;
  }
  try {
    auto admin = storage::open_session(base_);
    *admin << "DROP SCHEMA " + schema_ + " CASCADE";
  } catch (const std::exception& e) {
    spdlog::warn("could not drop schema {}: {}", schema_, e.what());
  }
}

std::unique_ptr<soci::session> ChaosDatabase::open() const {
  return storage::open_session(target_);
}

}  // namespace boxoffice::chaos

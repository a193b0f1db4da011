#include "storage/migrations.hpp"

#include <chrono>
#include <set>

#include "storage/write_transaction.hpp"

namespace boxoffice::storage {
namespace {

// Any constant: the id of the advisory lock all boxoffice processes take to migrate.
constexpr long long kMigrationLockId = 0x626f786f6666LL;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::set<int> applied_versions(soci::session& session) {
  std::set<int> versions;
  soci::rowset<int> rows = (session.prepare << "SELECT version FROM schema_migrations");
  for (const int version : rows) versions.insert(version);
  return versions;
}

void apply(soci::session& session, const Migration& migration) {
  for (const auto& statement : migration.statements) session << statement;
  const std::int64_t applied_at = now_ms();
  session << "INSERT INTO schema_migrations(version, name, applied_at_ms) VALUES(:v, :n, :t)",
      soci::use(migration.version), soci::use(migration.name), soci::use(applied_at);
}

constexpr const char* kSchemaTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
    "name TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)";

MigrationReport migrate_sqlite(soci::session& session) {
  MigrationReport report;
  WriteTransaction transaction(session, config::DatabaseKind::sqlite);
  session << kSchemaTable;
  const auto done = applied_versions(session);
  for (const auto& migration : migrations_for(config::DatabaseKind::sqlite)) {
    if (done.count(migration.version)) continue;
    apply(session, migration);
    report.applied.push_back(migration.version);
  }
  transaction.commit();
  return report;
}

MigrationReport migrate_postgresql(soci::session& session) {
  MigrationReport report;
  session << "SELECT pg_advisory_lock(" + std::to_string(kMigrationLockId) + ")";
  try {
    session << kSchemaTable;
    const auto done = applied_versions(session);
    for (const auto& migration : migrations_for(config::DatabaseKind::postgresql)) {
      if (done.count(migration.version)) continue;
      WriteTransaction transaction(session, config::DatabaseKind::postgresql);
      apply(session, migration);
      transaction.commit();
      report.applied.push_back(migration.version);
    }
  } catch (...) {
    try {
      session << "SELECT pg_advisory_unlock(" + std::to_string(kMigrationLockId) + ")";
    } catch (...) {
    }
    throw;
  }
  session << "SELECT pg_advisory_unlock(" + std::to_string(kMigrationLockId) + ")";
  return report;
}

}  // namespace

MigrationReport migrate(soci::session& session, config::DatabaseKind kind) {
  MigrationReport report =
      kind == config::DatabaseKind::sqlite ? migrate_sqlite(session) : migrate_postgresql(session);
  int current = 0;
  session << "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", soci::into(current);
  report.current_version = current;
  return report;
}

}  // namespace boxoffice::storage

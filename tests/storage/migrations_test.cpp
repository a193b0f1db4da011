#include <boost/test/unit_test.hpp>
#include <future>
#include <set>

#include "storage/migrations.hpp"
#include "storage/session_factory.hpp"
#include "storage/sql_error.hpp"
#include "support/test_database.hpp"

namespace boxoffice::storage {
namespace {

int table_count(soci::session& session, config::DatabaseKind kind) {
  int count = 0;
  if (kind == config::DatabaseKind::sqlite)
    session
        << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        soci::into(count);
  else
    session
        << "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()",
        soci::into(count);
  return count;
}

int recorded_migrations(soci::session& session) {
  int count = 0;
  session << "SELECT COUNT(*) FROM schema_migrations", soci::into(count);
  return count;
}

bool violates(soci::session& session, const std::string& sql, SqlFailure expected) {
  try {
    session << sql;
  } catch (const std::exception& error) {
    return classify(error) == expected;
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(migrations)

BOOST_AUTO_TEST_CASE(fresh_database_gets_every_table_and_records_each_version) {
  const auto target = testing::fresh_database("fresh");
  auto session = open_session(target);
  const auto report = migrate(*session, target.kind);
  const auto& all = migrations_for(target.kind);
  BOOST_TEST(report.applied.size() == all.size());
  BOOST_TEST(report.current_version == all.back().version);
  // users wallets concerts schedules seats queue_tokens reservations payments wallet_ledger
  // idempotency_keys queue_lease queue_lease_grants queue_lease_writes + schema_migrations
  BOOST_TEST(table_count(*session, target.kind) == 14);
  BOOST_TEST(recorded_migrations(*session) == static_cast<int>(all.size()));
}

BOOST_AUTO_TEST_CASE(running_twice_applies_nothing_the_second_time) {
  const auto target = testing::fresh_database("twice");
  auto session = open_session(target);
  migrate(*session, target.kind);
  const auto second = migrate(*session, target.kind);
  BOOST_TEST(second.applied.empty());
  BOOST_TEST(second.current_version == migrations_for(target.kind).back().version);
  BOOST_TEST(recorded_migrations(*session) == static_cast<int>(migrations_for(target.kind).size()));
}

BOOST_AUTO_TEST_CASE(concurrent_migrations_from_four_connections_apply_each_version_once) {
  const auto target = testing::fresh_database("concurrent");
  std::vector<std::future<MigrationReport>> runs;
  for (int i = 0; i < 4; ++i)
    runs.push_back(std::async(std::launch::async, [&target] {
      auto session = open_session(target);
      return migrate(*session, target.kind);
    }));
  std::size_t applied_total = 0;
  for (auto& run : runs) {
    const auto report = run.get();
    applied_total += report.applied.size();
    BOOST_TEST(report.current_version == migrations_for(target.kind).back().version);
  }
  BOOST_TEST(applied_total == migrations_for(target.kind).size());
  auto session = open_session(target);
  BOOST_TEST(recorded_migrations(*session) == static_cast<int>(migrations_for(target.kind).size()));
}

BOOST_AUTO_TEST_CASE(schema_constraints_refuse_what_no_bug_may_write) {
  const auto target = testing::fresh_database("constraints");
  auto session = open_session(target);
  migrate(*session, target.kind);
  auto& sql = *session;
  sql << "INSERT INTO users(name, created_at_ms) VALUES('a', 0)";
  sql << "INSERT INTO users(name, created_at_ms) VALUES('b', 0)";
  sql << "INSERT INTO wallets(user_id, balance, version, updated_at_ms) VALUES(1, 10, 0, 0)";
  BOOST_TEST(
      violates(sql, "UPDATE wallets SET balance = -1 WHERE id = 1", SqlFailure::check_violation));
  BOOST_TEST(violates(
      sql, "INSERT INTO wallets(user_id, balance, version, updated_at_ms) VALUES(1, 0, 0, 0)",
      SqlFailure::unique_violation));

  sql << "INSERT INTO concerts(title, created_at_ms) VALUES('c', 0)";
  sql << "INSERT INTO schedules(concert_id, starts_at_ms, booking_opens_at_ms, "
         "booking_closes_at_ms,"
         " seat_count, seat_price, version, created_at_ms) VALUES(1, 10, 0, 5, 2, 100, 0, 0)";
  sql << "INSERT INTO seats(schedule_id, seat_number, price, status, version) VALUES(1, 1, 100, "
         "'AVAILABLE', 0)";
  const std::string hold =
      "INSERT INTO reservations(schedule_id, seat_number, user_id, price, status, held_until_ms,"
      " created_at_ms, updated_at_ms, version) VALUES(1, 1, :user, 100, :status, 1000, 0, 0, 0)";
  auto reserve = [&](int user, const std::string& status) {
    sql << hold, soci::use(user), soci::use(status);
  };
  reserve(1, "HELD");
  // one live hold per seat
  BOOST_CHECK_EXCEPTION(reserve(2, "HELD"), std::exception, [](const std::exception& e) {
    return classify(e) == SqlFailure::unique_violation;
  });
  reserve(1, "CONFIRMED");
  // one sale per seat
  BOOST_CHECK_EXCEPTION(reserve(2, "CONFIRMED"), std::exception, [](const std::exception& e) {
    return classify(e) == SqlFailure::unique_violation;
  });
  // (PostgreSQL spends an id on a refused insert: look the sale's id up.)
  sql << "INSERT INTO payments(reservation_id, user_id, wallet_id, schedule_id, seat_number, "
         "amount,"
         " created_at_ms) SELECT id, 1, 1, 1, 1, 100, 0 FROM reservations WHERE status = "
         "'CONFIRMED'";
  // one payment per reservation
  BOOST_TEST(
      violates(sql,
               "INSERT INTO payments(reservation_id, user_id, wallet_id, schedule_id, seat_number,"
               " amount, created_at_ms) SELECT id, 1, 1, 1, 2, 100, 0 FROM reservations"
               " WHERE status = 'CONFIRMED'",
               SqlFailure::unique_violation));
  // one live token per user
  sql << "INSERT INTO queue_tokens(token, user_id, status, issued_at_ms, last_seen_at_ms, version)"
         " VALUES('t1', 1, 'WAITING', 0, 0, 0)";
  BOOST_TEST(
      violates(sql,
               "INSERT INTO queue_tokens(token, user_id, status, issued_at_ms, last_seen_at_ms,"
               " version) VALUES('t2', 1, 'WAITING', 0, 0, 0)",
               SqlFailure::unique_violation));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::storage

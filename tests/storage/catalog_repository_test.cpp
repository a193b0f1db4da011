#include <boost/test/unit_test.hpp>

#include "storage/catalog_repository.hpp"
#include "storage/demo_seed.hpp"
#include "storage/migrations.hpp"
#include "storage/session_factory.hpp"
#include "support/test_database.hpp"

namespace boxoffice::storage {
namespace {

struct MigratedDatabase {
  config::DatabaseTarget target = testing::fresh_database("catalog");
  std::unique_ptr<soci::session> session = open_session(target);
  MigratedDatabase() { migrate(*session, target.kind); }
  CatalogRepository catalog() { return CatalogRepository(*session, target.kind); }

  long long scalar(const std::string& sql) {
    long long value = 0;
    *session << sql, soci::into(value);
    return value;
  }
};

domain::ScheduleSpec spec_for(domain::Id concert, int seats) {
  domain::ScheduleSpec spec;
  spec.concert_id = concert;
  spec.starts_at = 2'000'000;
  spec.booking_opens_at = 1'000'000;
  spec.booking_closes_at = 1'500'000;
  spec.seat_count = seats;
  spec.seat_price = 77'000;
  return spec;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(catalog_repository, MigratedDatabase)

BOOST_AUTO_TEST_CASE(a_user_comes_with_an_empty_wallet) {
  const auto user = catalog().create_user("kim", 5);
  BOOST_TEST(user.id > 0);
  BOOST_TEST(user.wallet_id > 0);
  BOOST_TEST(scalar("SELECT balance FROM wallets WHERE id = " + std::to_string(user.wallet_id)) ==
             0);
  BOOST_TEST(scalar("SELECT user_id FROM wallets WHERE id = " + std::to_string(user.wallet_id)) ==
             user.id);
}

BOOST_AUTO_TEST_CASE(a_schedule_comes_with_every_seat_available_at_its_price) {
  const auto concert = catalog().create_concert("tour", 5);
  const auto schedule = catalog().create_schedule(spec_for(concert.id, 1234), 5);
  BOOST_REQUIRE(schedule.has_value());
  const auto where = " FROM seats WHERE schedule_id = " + std::to_string(schedule->id);
  BOOST_TEST(scalar("SELECT COUNT(*)" + where) == 1234);
  BOOST_TEST(scalar("SELECT MIN(seat_number)" + where) == 1);
  BOOST_TEST(scalar("SELECT MAX(seat_number)" + where) == 1234);
  BOOST_TEST(scalar("SELECT COUNT(*)" + where + " AND status = 'AVAILABLE' AND price = 77000") ==
             1234);
}

BOOST_AUTO_TEST_CASE(a_schedule_of_a_missing_concert_writes_nothing) {
  BOOST_TEST(!catalog().create_schedule(spec_for(999, 10), 5).has_value());
  BOOST_TEST(scalar("SELECT COUNT(*) FROM schedules") == 0);
  BOOST_TEST(scalar("SELECT COUNT(*) FROM seats") == 0);
}

BOOST_AUTO_TEST_CASE(concerts_are_listed_in_id_order) {
  catalog().create_concert("first", 1);
  catalog().create_concert("second", 2);
  const auto concerts = catalog().list_concerts();
  BOOST_REQUIRE(concerts.size() == 2u);
  BOOST_TEST(concerts[0].title == "first");
  BOOST_TEST(concerts[1].title == "second");
  BOOST_TEST(concerts[0].id < concerts[1].id);
  BOOST_TEST(catalog().find_concert(concerts[1].id)->title == "second");
  BOOST_TEST(!catalog().find_concert(concerts[1].id + 100).has_value());
}

BOOST_AUTO_TEST_CASE(demo_seed_fills_an_empty_database_once) {
  const auto first = seed_demo(*session, target.kind, 1'000'000);
  BOOST_TEST(first.created);
  const auto users = scalar("SELECT COUNT(*) FROM users");
  BOOST_TEST(users == 3);
  BOOST_TEST(scalar("SELECT COUNT(*) FROM schedules WHERE booking_opens_at_ms <= 1000000"
                    " AND booking_closes_at_ms > 1000000") == 2);
  const auto second = seed_demo(*session, target.kind, 1'000'000);
  BOOST_TEST(!second.created);
  BOOST_TEST(scalar("SELECT COUNT(*) FROM users") == users);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::storage

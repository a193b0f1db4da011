// One schedule batch of releases and holds (storage/hold_batch_function.cpp on PostgreSQL,
// statements on SQLite): each reservation ends with its own status and request id, and a hold
// over a passed hold ends that one as EXPIRED.
#include <boost/test/unit_test.hpp>

#include "storage/schedule_repository.hpp"
#include "support/one_schedule.hpp"

namespace boxoffice::storage {
namespace {

struct ScheduleBatch : testing::OneSchedule {
  ScheduleBatch() : OneSchedule("schedule_batch") {}

  ScheduleRepository repository() { return ScheduleRepository(*session, target.kind); }
  std::int64_t version_of(std::int32_t seat) {
    return repository().load(schedule)->seats().at(static_cast<std::size_t>(seat - 1)).version;
  }
  PendingHold hold_of(std::int32_t seat, domain::Id replacing = 0) {
    return PendingHold{seat, fan.id, kPrice, kHoldUntil, version_of(seat), replacing, ""};
  }
  std::string status_of(domain::Id reservation) {
    std::string status;
    *session << "SELECT status FROM reservations WHERE id = " + std::to_string(reservation),
        soci::into(status);
    return status;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(schedule_batch, ScheduleBatch)

BOOST_AUTO_TEST_CASE(a_hold_over_a_passed_hold_ends_it_as_expired) {
  const auto first = repository().write(schedule, {}, {hold_of(1), hold_of(2)}, kNow);
  BOOST_TEST_REQUIRE(first.reservations.size() == 2u);
  const auto passed = first.reservations.front();

  const auto later = kHoldUntil + 1;
  const auto second = repository().write(schedule, {}, {hold_of(1, passed), hold_of(3)}, later);

  BOOST_TEST_REQUIRE(second.reservations.size() == 2u);
  BOOST_TEST(status_of(passed) == "EXPIRED");
  BOOST_TEST(status_of(first.reservations.back()) == "HELD");  // not named: untouched
  for (const auto id : second.reservations) BOOST_TEST(status_of(id) == "HELD");
  BOOST_TEST(scalar("SELECT COUNT(*) FROM reservations WHERE status = 'HELD'") == 3);
}

BOOST_AUTO_TEST_CASE(each_release_of_a_batch_ends_with_its_own_status_and_request) {
  const auto held = repository().write(schedule, {}, {hold_of(1), hold_of(2), hold_of(3)}, kNow);
  BOOST_TEST_REQUIRE(held.reservations.size() == 3u);
  const auto& ids = held.reservations;

  const auto released =
      repository().write(schedule,
                         {PendingRelease{1, ids[0], version_of(1), true, "cancel-1"},
                          PendingRelease{2, ids[1], version_of(2), false, ""}},
                         {}, kNow + 1);

  BOOST_TEST(!released.version_conflict);
  BOOST_TEST(status_of(ids[0]) == "CANCELLED");
  BOOST_TEST(status_of(ids[1]) == "EXPIRED");
  BOOST_TEST(status_of(ids[2]) == "HELD");
  BOOST_TEST(repository().cancelled_by(ids[0], "cancel-1"));
  BOOST_TEST(!repository().cancelled_by(ids[1], "cancel-1"));
  BOOST_TEST(scalar("SELECT COUNT(*) FROM seats WHERE status = 'AVAILABLE'") == 3);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::storage

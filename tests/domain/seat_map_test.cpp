#include <boost/test/unit_test.hpp>

// The seat state machine of domain/seat_map.hpp (holds, expiry, release, payment checks) and
// the error order of API.md's Holds and Payments sections, without actors or a database:
// time is an argument.

#include <cstdint>
#include <string>
#include <vector>

#include "domain/seat_map.hpp"

namespace boxoffice::domain {
namespace {

constexpr TimeMs kOpens = 1'000'000;
constexpr TimeMs kCloses = 2'000'000;
constexpr TimeMs kNow = 1'500'000;  // inside the booking window
constexpr TimeMs kTtl = 60'000;
constexpr std::int32_t kSeats = 5;
constexpr Won kPrice = 70'000;
constexpr Id kSchedule = 7;
constexpr Id kConcert = 3;
constexpr Id kKim = 11;
constexpr Id kLee = 12;

// A schedule of kSeats free seats, bookable in [kOpens, kCloses).
SeatMap fresh_map(std::int32_t seats = kSeats) {
  Schedule schedule;
  schedule.id = kSchedule;
  schedule.spec = ScheduleSpec{kConcert, kCloses + 1'000'000, kOpens, kCloses, seats, kPrice};
  std::vector<Seat> list;
  for (std::int32_t number = 1; number <= seats; ++number) {
    Seat seat;
    seat.number = number;
    seat.price = kPrice;
    list.push_back(seat);
  }
  return SeatMap(schedule, std::move(list));
}

// The refusal's code name ("" when accepted), so a failure shows what came back.
template <class T>
std::string code_of(const Result<T>& result) {
  return result.ok() ? "" : std::string(code_name(result.error().code));
}

// Decides and applies a new hold as the schedule actor does; the reservation id is given.
void hold(SeatMap& map, std::int32_t number, Id user, Id reservation, TimeMs now = kNow) {
  const auto decision = map.decide_hold(number, user, now, 0);
  BOOST_TEST_REQUIRE(decision.ok(), "hold of seat " << number << " refused: " << code_of(decision));
  BOOST_TEST_REQUIRE(!decision->existing);
  map.apply_hold(number, user, reservation, now + kTtl);
}

SeatStatus status_at(const SeatMap& map, std::int32_t number, TimeMs now) {
  return map.effective_status(*map.find(number), now);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(seat_map)

// --- decide_hold / apply_hold ------------------------------------------------------------

BOOST_AUTO_TEST_CASE(hold_of_a_free_seat_is_decided_new) {
  auto map = fresh_map();
  const auto decision = map.decide_hold(3, kKim, kNow, 0);
  BOOST_TEST_REQUIRE(decision.ok(), code_of(decision));
  BOOST_TEST(!decision->existing);
  BOOST_TEST(decision->expired_reservation == 0);
  // Deciding writes nothing.
  BOOST_TEST((status_at(map, 3, kNow) == SeatStatus::available));
  BOOST_TEST(map.available_count(kNow) == kSeats);

  map.apply_hold(3, kKim, 501, kNow + kTtl);
  const auto* seat = map.find(3);
  BOOST_TEST((seat->status == SeatStatus::held));
  BOOST_TEST(seat->holder == kKim);
  BOOST_TEST(seat->reservation == 501);
  BOOST_TEST(seat->held_until == kNow + kTtl);
  BOOST_TEST(map.available_count(kNow) == kSeats - 1);
  BOOST_TEST((map.find_reservation(501) == seat));
  // The other seats are untouched.
  for (std::int32_t other : {1, 2, 4, 5})
    BOOST_TEST((status_at(map, other, kNow) == SeatStatus::available));
}

BOOST_AUTO_TEST_CASE(hold_view_names_the_reservation_schedule_concert_and_price) {
  auto map = fresh_map();
  hold(map, 2, kKim, 501);
  const auto view = map.hold_view(*map.find(2), true);
  BOOST_TEST(view.reservation == 501);
  BOOST_TEST(view.schedule == kSchedule);
  BOOST_TEST(view.concert == kConcert);
  BOOST_TEST(view.seat == 2);
  BOOST_TEST(view.user == kKim);
  BOOST_TEST(view.price == kPrice);
  BOOST_TEST(view.held_until == kNow + kTtl);
  BOOST_TEST(view.created);
  BOOST_TEST(!map.hold_view(*map.find(2), false).created);
}

BOOST_AUTO_TEST_CASE(the_same_user_asking_again_gets_the_existing_hold) {
  auto map = fresh_map();
  hold(map, 3, kKim, 501);
  for (const TimeMs now : {kNow, kNow + 1, kNow + kTtl - 1}) {
    const auto decision = map.decide_hold(3, kKim, now, 0);
    BOOST_TEST_REQUIRE(decision.ok(), code_of(decision));
    BOOST_TEST(decision->existing);
    BOOST_TEST(decision->expired_reservation == 0);
  }
  // Not extended.
  BOOST_TEST(map.find(3)->held_until == kNow + kTtl);
}

BOOST_AUTO_TEST_CASE(another_user_asking_for_a_held_seat_is_seat_unavailable) {
  auto map = fresh_map();
  hold(map, 3, kKim, 501);
  BOOST_TEST(code_of(map.decide_hold(3, kLee, kNow, 0)) == "SEAT_UNAVAILABLE");
  BOOST_TEST(code_of(map.decide_hold(3, kLee, kNow + kTtl - 1, 0)) == "SEAT_UNAVAILABLE");
  BOOST_TEST(!map.decide_hold(3, kLee, kNow, 0).error().detail.empty());
  // The hold stays Kim's.
  BOOST_TEST(map.find(3)->holder == kKim);
  BOOST_TEST(map.find(3)->reservation == 501);
}

BOOST_AUTO_TEST_CASE(a_free_seat_with_another_users_hold_pending_is_seat_unavailable) {
  auto map = fresh_map();
  BOOST_TEST(code_of(map.decide_hold(3, kLee, kNow, kKim)) == "SEAT_UNAVAILABLE");
  // The pending user's own second request is not refused (the actor answers it with the first
  // hold).
  const auto own = map.decide_hold(3, kKim, kNow, kKim);
  BOOST_TEST_REQUIRE(own.ok(), code_of(own));
  BOOST_TEST(!own->existing);
}

BOOST_AUTO_TEST_CASE(seats_outside_one_to_seat_count_are_seat_not_found) {
  auto map = fresh_map();
  for (const std::int32_t number : {0, -1, kSeats + 1, kSeats + 1000, 2147483647}) {
    BOOST_TEST(code_of(map.decide_hold(number, kKim, kNow, 0)) == "SEAT_NOT_FOUND",
               "seat " << number);
    BOOST_TEST((map.find(number) == nullptr), "seat " << number);
  }
  for (const std::int32_t number : {1, kSeats})
    BOOST_TEST(map.decide_hold(number, kKim, kNow, 0).ok());
  // A schedule of one seat.
  const auto single = fresh_map(1);
  BOOST_TEST(single.decide_hold(1, kKim, kNow, 0).ok());
  BOOST_TEST(code_of(single.decide_hold(2, kKim, kNow, 0)) == "SEAT_NOT_FOUND");
}

BOOST_AUTO_TEST_CASE(booking_window_includes_its_opening_and_excludes_its_closing) {
  const auto map = fresh_map();
  BOOST_TEST(!map.bookable(kOpens - 1));
  BOOST_TEST(map.bookable(kOpens));
  BOOST_TEST(map.bookable(kCloses - 1));
  BOOST_TEST(!map.bookable(kCloses));
  BOOST_TEST(map.decide_hold(1, kKim, kOpens, 0).ok());
  BOOST_TEST(map.decide_hold(1, kKim, kCloses - 1, 0).ok());
}

BOOST_AUTO_TEST_CASE(a_free_seat_outside_the_booking_window_is_schedule_not_bookable) {
  const auto map = fresh_map();
  for (const TimeMs now : {TimeMs{0}, kOpens - 1, kCloses, kCloses + 1, kCloses + 10'000'000})
    BOOST_TEST(code_of(map.decide_hold(2, kKim, now, 0)) == "SCHEDULE_NOT_BOOKABLE", "at " << now);
}

BOOST_AUTO_TEST_CASE(errors_come_in_contract_order_outside_the_window) {
  auto map = fresh_map();
  hold(map, 1, kKim, 501, kCloses - 10);  // held until long after the window closed
  map.apply_hold(2, kKim, 502, kCloses - 10 + kTtl);
  map.mark_sold(2);
  const TimeMs closed = kCloses + 5;
  // SEAT_NOT_FOUND before SEAT_UNAVAILABLE before SCHEDULE_NOT_BOOKABLE.
  BOOST_TEST(code_of(map.decide_hold(0, kLee, closed, 0)) == "SEAT_NOT_FOUND");
  BOOST_TEST(code_of(map.decide_hold(kSeats + 1, kLee, closed, 0)) == "SEAT_NOT_FOUND");
  BOOST_TEST(code_of(map.decide_hold(1, kLee, closed, 0)) == "SEAT_UNAVAILABLE");     // held
  BOOST_TEST(code_of(map.decide_hold(2, kLee, closed, 0)) == "SEAT_UNAVAILABLE");     // sold
  BOOST_TEST(code_of(map.decide_hold(3, kLee, closed, kKim)) == "SEAT_UNAVAILABLE");  // pending
  BOOST_TEST(code_of(map.decide_hold(3, kLee, closed, 0)) == "SCHEDULE_NOT_BOOKABLE");
  // Before the window opens too.
  BOOST_TEST(code_of(map.decide_hold(3, kLee, kOpens - 1, kKim)) == "SEAT_UNAVAILABLE");
  BOOST_TEST(code_of(map.decide_hold(9, kLee, kOpens - 1, 0)) == "SEAT_NOT_FOUND");
}

// --- expiry ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_hold_counts_as_available_from_its_held_until) {
  auto map = fresh_map();
  hold(map, 4, kKim, 501);
  const TimeMs until = kNow + kTtl;
  BOOST_TEST((status_at(map, 4, until - 1) == SeatStatus::held));
  BOOST_TEST(map.available_count(until - 1) == kSeats - 1);
  BOOST_TEST((status_at(map, 4, until) == SeatStatus::available));
  BOOST_TEST((status_at(map, 4, until + 1) == SeatStatus::available));
  BOOST_TEST(map.available_count(until) == kSeats);
  // Memory still says HELD until the release is written.
  BOOST_TEST((map.find(4)->status == SeatStatus::held));
}

BOOST_AUTO_TEST_CASE(a_passed_hold_is_replaced_by_another_users_hold) {
  auto map = fresh_map();
  hold(map, 4, kKim, 501);
  const TimeMs later = kNow + kTtl;
  const auto decision = map.decide_hold(4, kLee, later, 0);
  BOOST_TEST_REQUIRE(decision.ok(), code_of(decision));
  BOOST_TEST(!decision->existing);
  BOOST_TEST(decision->expired_reservation == 501);
  map.apply_hold(4, kLee, 502, later + kTtl);
  BOOST_TEST(map.find(4)->holder == kLee);
  BOOST_TEST((map.find_reservation(501) == nullptr));
  BOOST_TEST((map.find_reservation(502) == map.find(4)));
  // Kim's old reservation is gone; Lee's new one is live.
  BOOST_TEST(code_of(map.check_live_hold(501, kKim, later)) == "RESERVATION_EXPIRED");
  BOOST_TEST(map.check_live_hold(502, kLee, later).ok());
}

BOOST_AUTO_TEST_CASE(the_holder_asking_again_after_expiry_gets_a_new_hold) {
  auto map = fresh_map();
  hold(map, 4, kKim, 501);
  const auto decision = map.decide_hold(4, kKim, kNow + kTtl, 0);
  BOOST_TEST_REQUIRE(decision.ok(), code_of(decision));
  BOOST_TEST(!decision->existing);
  BOOST_TEST(decision->expired_reservation == 501);
}

BOOST_AUTO_TEST_CASE(passed_holds_lists_only_held_seats_past_their_time) {
  auto map = fresh_map();
  hold(map, 1, kKim, 501, kNow);
  hold(map, 2, kLee, 502, kNow + 10);
  hold(map, 3, kKim, 503, kNow);
  map.mark_paying(3);  // a payment in flight does not expire
  hold(map, 4, kLee, 504, kNow);
  map.mark_sold(4);
  BOOST_TEST(map.passed_holds(kNow + kTtl - 1).empty());
  BOOST_TEST(map.passed_holds(kNow + kTtl) == std::vector<std::int32_t>({1}));
  BOOST_TEST(map.passed_holds(kNow + kTtl + 10) == std::vector<std::int32_t>({1, 2}));
  BOOST_TEST(map.passed_holds(kNow + 100 * kTtl) == std::vector<std::int32_t>({1, 2}));
}

BOOST_AUTO_TEST_CASE(a_loaded_map_finds_its_holds_and_sales_by_reservation) {
  Schedule schedule;
  schedule.id = kSchedule;
  schedule.spec = ScheduleSpec{kConcert, kCloses + 1'000'000, kOpens, kCloses, 3, kPrice};
  std::vector<Seat> seats(3);
  for (std::int32_t i = 0; i < 3; ++i) seats[i].number = i + 1;
  seats[0].status = SeatStatus::held;  // as the database had them
  seats[0].holder = kKim;
  seats[0].reservation = 601;
  seats[0].held_until = kNow + kTtl;
  seats[2].status = SeatStatus::sold;
  seats[2].holder = kLee;
  seats[2].reservation = 603;
  const SeatMap map(schedule, std::move(seats));
  BOOST_TEST((map.find_reservation(601) == map.find(1)));
  BOOST_TEST((map.find_reservation(603) == map.find(3)));
  BOOST_TEST((map.find_reservation(602) == nullptr));
  BOOST_TEST(map.check_live_hold(601, kKim, kNow).ok());
  BOOST_TEST(code_of(map.check_live_hold(603, kLee, kNow)) == "RESERVATION_EXPIRED");
}

BOOST_AUTO_TEST_CASE(release_frees_the_seat) {
  auto map = fresh_map();
  hold(map, 2, kKim, 501);
  const auto version = map.find(2)->version;
  map.release(2);
  const auto* seat = map.find(2);
  BOOST_TEST((seat->status == SeatStatus::available));
  BOOST_TEST(seat->holder == 0);
  BOOST_TEST(seat->reservation == 0);
  BOOST_TEST(seat->held_until == 0);
  BOOST_TEST(seat->version > version);
  BOOST_TEST(seat->price == kPrice);
  BOOST_TEST((map.find_reservation(501) == nullptr));
  BOOST_TEST(map.available_count(kNow) == kSeats);
  BOOST_TEST(map.passed_holds(kNow + 100 * kTtl).empty());
  const auto decision = map.decide_hold(2, kLee, kNow, 0);
  BOOST_TEST_REQUIRE(decision.ok(), code_of(decision));
  BOOST_TEST(decision->expired_reservation == 0);
}

// --- check_live_hold (payment and cancel) --------------------------------------------------

BOOST_AUTO_TEST_CASE(a_live_hold_of_the_user_passes_the_check) {
  auto map = fresh_map();
  hold(map, 5, kKim, 501);
  const auto seat = map.check_live_hold(501, kKim, kNow + kTtl - 1);
  BOOST_TEST_REQUIRE(seat.ok(), code_of(seat));
  BOOST_TEST(seat->number == 5);
  BOOST_TEST(seat->holder == kKim);
  BOOST_TEST(seat->price == kPrice);
  BOOST_TEST(seat->reservation == 501);
}

BOOST_AUTO_TEST_CASE(an_unknown_or_released_reservation_is_expired) {
  auto map = fresh_map();
  BOOST_TEST(code_of(map.check_live_hold(501, kKim, kNow)) == "RESERVATION_EXPIRED");
  hold(map, 5, kKim, 501);
  map.release(5);
  BOOST_TEST(code_of(map.check_live_hold(501, kKim, kNow)) == "RESERVATION_EXPIRED");
  BOOST_TEST(!map.check_live_hold(501, kKim, kNow).error().detail.empty());
}

BOOST_AUTO_TEST_CASE(a_passed_hold_is_expired) {
  auto map = fresh_map();
  hold(map, 5, kKim, 501);
  BOOST_TEST(code_of(map.check_live_hold(501, kKim, kNow + kTtl)) == "RESERVATION_EXPIRED");
  BOOST_TEST(code_of(map.check_live_hold(501, kKim, kNow + kTtl + 1)) == "RESERVATION_EXPIRED");
}

BOOST_AUTO_TEST_CASE(a_hold_being_paid_or_sold_is_expired) {
  auto map = fresh_map();
  hold(map, 5, kKim, 501);
  map.mark_paying(5);
  BOOST_TEST(code_of(map.check_live_hold(501, kKim, kNow)) == "RESERVATION_EXPIRED");
  map.mark_sold(5);
  BOOST_TEST(code_of(map.check_live_hold(501, kKim, kNow)) == "RESERVATION_EXPIRED");
}

BOOST_AUTO_TEST_CASE(another_users_live_hold_is_not_owned) {
  auto map = fresh_map();
  hold(map, 5, kKim, 501);
  BOOST_TEST(code_of(map.check_live_hold(501, kLee, kNow)) == "RESERVATION_NOT_OWNED");
  // The refusal changes nothing: Kim can still pay.
  BOOST_TEST(map.check_live_hold(501, kKim, kNow).ok());
}

BOOST_AUTO_TEST_CASE(expired_wins_over_not_owned) {
  auto map = fresh_map();
  hold(map, 1, kKim, 501);
  BOOST_TEST(code_of(map.check_live_hold(501, kLee, kNow + kTtl)) ==
             "RESERVATION_EXPIRED");  // passed
  hold(map, 2, kKim, 502);
  map.mark_paying(2);
  BOOST_TEST(code_of(map.check_live_hold(502, kLee, kNow)) == "RESERVATION_EXPIRED");  // paying
  map.mark_sold(2);
  BOOST_TEST(code_of(map.check_live_hold(502, kLee, kNow)) == "RESERVATION_EXPIRED");  // sold
  hold(map, 3, kKim, 503);
  map.release(3);
  BOOST_TEST(code_of(map.check_live_hold(503, kLee, kNow)) == "RESERVATION_EXPIRED");  // cancelled
}

// --- payment ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_hold_being_paid_cannot_be_paid_twice_nor_expire_nor_be_taken) {
  auto map = fresh_map();
  hold(map, 3, kKim, 501);
  map.mark_paying(3);
  BOOST_TEST(code_of(map.check_live_hold(501, kKim, kNow)) == "RESERVATION_EXPIRED");
  // Past its time it is still not free: the payment decides.
  const TimeMs later = kNow + 2 * kTtl;
  BOOST_TEST((status_at(map, 3, later) == SeatStatus::paying));
  BOOST_TEST(map.available_count(later) == kSeats - 1);
  BOOST_TEST(code_of(map.decide_hold(3, kLee, later, 0)) == "SEAT_UNAVAILABLE");
  BOOST_TEST(map.passed_holds(later).empty());
  // Clients see it as HELD.
  BOOST_TEST(std::string(seat_status_name(status_at(map, 3, later))) == "HELD");
}

BOOST_AUTO_TEST_CASE(a_failed_payment_puts_the_hold_back) {
  auto map = fresh_map();
  hold(map, 3, kKim, 501);
  map.mark_paying(3);
  map.payment_failed(3);
  const auto* seat = map.find(3);
  BOOST_TEST((seat->status == SeatStatus::held));
  BOOST_TEST(seat->holder == kKim);
  BOOST_TEST(seat->reservation == 501);
  BOOST_TEST(seat->held_until == kNow + kTtl);
  BOOST_TEST(map.check_live_hold(501, kKim, kNow).ok());
  // ... with its original time: it expires as before.
  BOOST_TEST(code_of(map.check_live_hold(501, kKim, kNow + kTtl)) == "RESERVATION_EXPIRED");
  BOOST_TEST(map.passed_holds(kNow + kTtl) == std::vector<std::int32_t>({3}));
}

BOOST_AUTO_TEST_CASE(payment_failed_does_not_touch_a_seat_that_is_not_being_paid) {
  auto map = fresh_map();
  hold(map, 3, kKim, 501);
  map.mark_paying(3);
  map.mark_sold(3);
  map.payment_failed(3);
  BOOST_TEST((map.find(3)->status == SeatStatus::sold));
  map.payment_failed(4);
  BOOST_TEST((map.find(4)->status == SeatStatus::available));
}

BOOST_AUTO_TEST_CASE(a_sold_seat_stays_sold) {
  auto map = fresh_map();
  hold(map, 3, kKim, 501);
  const auto version = map.find(3)->version;
  map.mark_paying(3);
  map.mark_sold(3);
  const auto* seat = map.find(3);
  BOOST_TEST((seat->status == SeatStatus::sold));
  BOOST_TEST(seat->version > version);
  BOOST_TEST(seat->holder == kKim);
  const TimeMs later = kNow + 100 * kTtl;
  BOOST_TEST((status_at(map, 3, later) == SeatStatus::sold));
  BOOST_TEST(map.available_count(later) == kSeats - 1);
  BOOST_TEST(map.passed_holds(later).empty());
  BOOST_TEST(code_of(map.decide_hold(3, kLee, kNow, 0)) == "SEAT_UNAVAILABLE");
  BOOST_TEST(code_of(map.decide_hold(3, kKim, kNow, 0)) == "SEAT_UNAVAILABLE");  // the buyer too
  BOOST_TEST(code_of(map.check_live_hold(501, kKim, kNow)) == "RESERVATION_EXPIRED");
}

BOOST_AUTO_TEST_CASE(seat_status_names_as_clients_see_them) {
  BOOST_TEST(std::string(seat_status_name(SeatStatus::available)) == "AVAILABLE");
  BOOST_TEST(std::string(seat_status_name(SeatStatus::held)) == "HELD");
  BOOST_TEST(std::string(seat_status_name(SeatStatus::paying)) == "HELD");
  BOOST_TEST(std::string(seat_status_name(SeatStatus::sold)) == "SOLD");
}

BOOST_AUTO_TEST_CASE(available_count_counts_free_and_passed_seats) {
  auto map = fresh_map();
  BOOST_TEST(map.available_count(kNow) == 5);
  hold(map, 1, kKim, 501, kNow);
  hold(map, 2, kLee, 502, kNow + 1'000);
  hold(map, 3, kKim, 503, kNow);
  map.mark_sold(3);
  BOOST_TEST(map.available_count(kNow + 1'000) == 2);
  BOOST_TEST(map.available_count(kNow + kTtl) == 3);          // seat 1 passed
  BOOST_TEST(map.available_count(kNow + kTtl + 1'000) == 4);  // seat 2 passed; 3 stays sold
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::domain

#include <boost/test/unit_test.hpp>

// The "Concerts, dates and seats", "Holds" and "Payments" sections of API.md: every status and
// error code of GET dates, GET seats, POST/GET/DELETE reservations and POST payments, in the
// contract's order, through a whole node on a fresh database, over real HTTP; what a failed
// payment must not change is also checked in the database.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "domain/rfc3339.hpp"
#include "support/answer_checks.hpp"
#include "support/db_probe.hpp"
#include "support/test_database.hpp"
#include "support/test_node.hpp"

namespace {

using namespace boxoffice::testing;  // Answer, checks, TestNode, databases
using nlohmann::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;
constexpr std::int64_t kPrice = 70'000;

// Generous bound for anything the server should do within a few seconds.
constexpr auto kDeadline = std::chrono::seconds(15);

const std::vector<std::string> kFlags = {"--queue-max-active", "1000", "--hold-ttl", "60s"};

std::set<std::string> keys_of(const json& body) {
  std::set<std::string> keys;
  for (auto it = body.begin(); it != body.end(); ++it) keys.insert(it.key());
  return keys;
}

std::int64_t wall_ms() {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string rfc(std::int64_t ms) {
  return boxoffice::domain::format_rfc3339(ms);
}

std::string id_text(std::int64_t id) {
  return std::to_string(id);
}

struct Account {
  std::int64_t user = 0;
  std::int64_t wallet = 0;
  std::string token;
};

// The reservation fields of API.md for a hold of `seat` by `user`.
void check_reservation(const json& body, std::int64_t schedule, std::int64_t concert,
                       std::int32_t seat, std::int64_t user, std::int64_t price,
                       const std::string& status) {
  BOOST_TEST(keys_of(body) ==
                 std::set<std::string>({"reservationId", "scheduleId", "concertId", "seatNumber",
                                        "userId", "price", "status", "heldUntil"}),
             body.dump());
  BOOST_TEST(int_field(body, "reservationId") > 0, body.dump());
  BOOST_TEST(int_field(body, "scheduleId") == schedule, body.dump());
  BOOST_TEST(int_field(body, "concertId") == concert, body.dump());
  BOOST_TEST(int_field(body, "seatNumber") == seat, body.dump());
  BOOST_TEST(int_field(body, "userId") == user, body.dump());
  BOOST_TEST(int_field(body, "price") == price, body.dump());
  BOOST_TEST(body.value("status", std::string()) == status, body.dump());
  time_field(body, "heldUntil");
}

struct BookingFixture {
  boxoffice::config::DatabaseTarget database = fresh_database("booking_routes");
  std::unique_ptr<TestNode> node;
  std::unique_ptr<httplib::Client> http;

  void start(const std::vector<std::string>& flags = kFlags) {
    http.reset();
    node.reset();
    node = std::make_unique<TestNode>(serve_config(database, flags));
    http = node->client();
    http->set_tcp_nodelay(true);
  }

  // --- setup through the admin API --------------------------------------------------------

  Answer admin_post(const std::string& path, const json& body) {
    return answer_of(http->Post(path, admin_headers(), body.dump(), "application/json"));
  }

  Account create_user(const std::string& name) {
    const auto body =
        json_body(admin_post("/api/v1/admin/users", {{"name", name}}), 201, "create user");
    return {int_field(body, "userId"), int_field(body, "walletId"), ""};
  }

  std::int64_t create_concert(const std::string& title = "Winter Gala") {
    return int_field(
        json_body(admin_post("/api/v1/admin/concerts", {{"title", title}}), 201, "create concert"),
        "concertId");
  }

  std::int64_t create_schedule(std::int64_t concert, std::int64_t starts, std::int64_t opens,
                               std::int64_t closes, std::int32_t seats,
                               std::int64_t price = kPrice) {
    const json spec = {{"startsAt", rfc(starts)},
                       {"bookingOpensAt", rfc(opens)},
                       {"bookingClosesAt", rfc(closes)},
                       {"seatCount", seats},
                       {"seatPrice", price}};
    const auto body =
        json_body(admin_post("/api/v1/admin/concerts/" + id_text(concert) + "/schedules", spec),
                  201, "create schedule");
    return int_field(body, "scheduleId");
  }

  // A schedule whose booking window is open now (for the next hour).
  std::int64_t open_schedule(std::int64_t concert, std::int32_t seats = 5,
                             std::int64_t price = kPrice, std::int64_t starts_in = 30 * kDay) {
    const auto now = wall_ms();
    return create_schedule(concert, now + starts_in, now - kHour, now + kHour, seats, price);
  }

  Answer issue(std::int64_t user) {
    return answer_of(
        http->Post("/api/v1/queue/tokens", json{{"userId", user}}.dump(), "application/json"));
  }

  // A new token for the user; `status` is what it must be at once.
  std::string new_token(std::int64_t user, const std::string& status = "ACTIVE") {
    const auto body = json_body(issue(user), 201, "issue token");
    BOOST_TEST_REQUIRE(body.value("status", std::string()) == status, body.dump());
    return body.at("token").get<std::string>();
  }

  Answer charge(const Account& account, std::int64_t amount) {
    return answer_of(http->Post("/api/v1/wallets/" + id_text(account.wallet) + "/charges",
                                json{{"userId", account.user}, {"amount", amount}}.dump(),
                                "application/json"));
  }

  // A user with an ACTIVE token and this balance.
  Account customer(const std::string& name, std::int64_t balance = 0) {
    auto account = create_user(name);
    account.token = new_token(account.user);
    if (balance > 0) json_body(charge(account, balance), 200, "charge");
    return account;
  }

  // --- what users call --------------------------------------------------------------------

  Answer get(const std::string& path, const httplib::Headers& headers) {
    return answer_of(http->Get(path, headers));
  }

  Answer dates(const httplib::Headers& headers, const std::string& concert) {
    return get("/api/v1/concerts/" + concert + "/schedules", headers);
  }
  Answer dates(const std::string& token, std::int64_t concert) {
    return dates(bearer(token), id_text(concert));
  }

  Answer seats(const httplib::Headers& headers, const std::string& schedule) {
    return get("/api/v1/schedules/" + schedule + "/seats", headers);
  }
  Answer seats(const std::string& token, std::int64_t schedule) {
    return seats(bearer(token), id_text(schedule));
  }

  // Seat number -> status as GET seats shows it.
  std::vector<std::string> seat_statuses(const std::string& token, std::int64_t schedule) {
    const auto body = json_body(seats(token, schedule), 200, "GET seats");
    std::vector<std::string> out;
    for (const auto& seat : body.at("seats")) out.push_back(seat.value("status", std::string("?")));
    return out;
  }
  std::string seat_status(const std::string& token, std::int64_t schedule, std::int32_t seat) {
    const auto all = seat_statuses(token, schedule);
    BOOST_TEST_REQUIRE(static_cast<std::size_t>(seat) <= all.size());
    return all.at(static_cast<std::size_t>(seat) - 1);
  }

  Answer post_hold(const httplib::Headers& headers, const std::string& body) {
    return answer_of(http->Post("/api/v1/reservations", headers, body, "application/json"));
  }
  Answer hold(const std::string& token, std::int64_t schedule, std::int64_t seat) {
    return post_hold(bearer(token), json{{"scheduleId", schedule}, {"seatNumber", seat}}.dump());
  }
  // A new hold (201); returns its body.
  json new_hold(const std::string& token, std::int64_t schedule, std::int64_t seat) {
    return json_body(hold(token, schedule, seat), 201, "hold seat " + std::to_string(seat));
  }
  std::int64_t held(const std::string& token, std::int64_t schedule, std::int64_t seat) {
    return int_field(new_hold(token, schedule, seat), "reservationId");
  }

  Answer reservation(const httplib::Headers& headers, const std::string& id) {
    return get("/api/v1/reservations/" + id, headers);
  }
  Answer reservation(const std::string& token, std::int64_t id) {
    return reservation(bearer(token), id_text(id));
  }
  std::string reservation_status(const std::string& token, std::int64_t id) {
    return json_body(reservation(token, id), 200, "GET reservation")
        .value("status", std::string("?"));
  }

  Answer cancel(const httplib::Headers& headers, const std::string& id) {
    return answer_of(http->Delete("/api/v1/reservations/" + id, headers));
  }
  Answer cancel(const std::string& token, std::int64_t id) {
    return cancel(bearer(token), id_text(id));
  }

  Answer post_payment(const httplib::Headers& headers, const std::string& body) {
    return answer_of(http->Post("/api/v1/payments", headers, body, "application/json"));
  }
  Answer pay(const std::string& token, std::int64_t reservation,
             const std::optional<std::string>& key = {}) {
    auto headers = bearer(token);
    if (key) headers.emplace("Idempotency-Key", *key);
    return post_payment(headers, json{{"reservationId", reservation}}.dump());
  }

  std::int64_t balance_of(const Account& account) {
    const auto body = json_body(
        get("/api/v1/wallets/" + id_text(account.wallet) + "?userId=" + id_text(account.user), {}),
        200, "GET wallet");
    return int_field(body, "balance");
  }

  json me(const std::string& token) {
    return json_body(get("/api/v1/queue/tokens/me", bearer(token)), 200, "GET me");
  }
  std::string token_status(const std::string& token) {
    return me(token).value("status", std::string("?"));
  }

  // --- the database ------------------------------------------------------------------------

  std::int64_t db_number(const std::string& sql) {
    return boxoffice::testing::db_number(database, sql);
  }
  std::string db_text(const std::string& sql) { return boxoffice::testing::db_text(database, sql); }

  // Everything a payment writes, for one wallet and one seat, as one comparable string.
  std::string money_state(const Account& account, std::int64_t schedule, std::int32_t seat) {
    const auto wallet = id_text(account.wallet);
    const auto where =
        " WHERE schedule_id = " + id_text(schedule) + " AND seat_number = " + std::to_string(seat);
    return "balance=" +
           std::to_string(db_number("SELECT balance FROM wallets WHERE id = " + wallet)) +
           " ledger_rows=" +
           std::to_string(
               db_number("SELECT COUNT(*) FROM wallet_ledger WHERE wallet_id = " + wallet)) +
           " ledger_sum=" +
           std::to_string(db_number("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM "
                                    "wallet_ledger WHERE wallet_id = " +
                                    wallet)) +
           " payments=" + std::to_string(db_number("SELECT COUNT(*) FROM payments")) +
           " seat=" + db_text("SELECT status FROM seats" + where) + " seat_reservation=" +
           db_text("SELECT CAST(reservation_id AS TEXT) FROM seats" + where) +
           " held_reservations=" +
           std::to_string(
               db_number("SELECT COUNT(*) FROM reservations" + where + " AND status = 'HELD'"));
  }

  std::string db_reservation_status(std::int64_t reservation) {
    return db_text("SELECT status FROM reservations WHERE id = " + id_text(reservation));
  }
  std::string db_token_status(const std::string& token) {
    return db_text("SELECT status FROM queue_tokens WHERE token = '" + token + "'");
  }

  // Polls `read` until it answers `after`; until then it must answer `before`. It must not
  // answer `after` before `not_before` (a time it cannot have changed by) and must by kDeadline
  // past it. Returns whether it did.
  bool expect_change(const std::function<std::string()>& read, const std::string& before,
                     const std::string& after, Clock::time_point not_before,
                     const std::string& what) {
    const auto give_up = not_before + kDeadline;
    for (;;) {
      const auto value = read();
      const auto seen_at = Clock::now();
      if (value == after) {
        BOOST_TEST((seen_at >= not_before - milliseconds(20)),
                   what << ": " << after << " "
                        << std::chrono::duration_cast<milliseconds>(not_before - seen_at).count()
                        << " ms before it may change");
        return true;
      }
      BOOST_TEST_REQUIRE(value == before,
                         what << ": expected " << before << " or " << after << ", got " << value);
      if (seen_at > give_up) {
        BOOST_TEST(false, what << ": still " << before << " long after it should be " << after);
        return false;
      }
      std::this_thread::sleep_for(milliseconds(25));
    }
  }
};

const httplib::Headers kNoToken = {};
const httplib::Headers kMalformedToken = {{"Authorization", "Bearer not-a-token"}};
const httplib::Headers kUnknownToken = {{"Authorization", "Bearer AAAAAAAAAAAAAAAAAAAAAAAAAA"}};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(booking_routes, BookingFixture)

// --- GET /api/v1/concerts/{concertId}/schedules -------------------------------------------

BOOST_AUTO_TEST_CASE(dates_without_a_known_token_are_401_token_invalid) {
  start();
  const auto concert = create_concert();
  open_schedule(concert);
  for (const auto& headers : {kNoToken, kMalformedToken, kUnknownToken}) {
    expect_problem(dates(headers, id_text(concert)), 401, "TOKEN_INVALID", "dates");
    expect_problem(dates(headers, "987654"), 401, "TOKEN_INVALID",
                   "dates of an unknown concert");  // 401 first
  }
}

BOOST_AUTO_TEST_CASE(dates_with_a_waiting_token_are_403_token_not_active) {
  start({"--queue-max-active", "1", "--hold-ttl", "60s"});
  const auto concert = create_concert();
  open_schedule(concert);
  const auto kim = customer("kim");
  auto lee = create_user("lee");
  lee.token = new_token(lee.user, "WAITING");
  expect_problem(dates(bearer(lee.token), id_text(concert)), 403, "TOKEN_NOT_ACTIVE",
                 "waiting token");
  expect_problem(dates(bearer(lee.token), "987654"), 403, "TOKEN_NOT_ACTIVE",
                 "unknown concert");  // 403 first
  json_body(dates(kim.token, concert), 200, "the active token");
}

BOOST_AUTO_TEST_CASE(dates_of_an_unknown_concert_are_404_and_a_bad_id_400) {
  start();
  const auto concert = create_concert();
  open_schedule(concert);
  const auto kim = customer("kim");
  expect_problem(dates(kim.token, concert + 1000), 404, "CONCERT_NOT_FOUND", "unknown concert");
  expect_problem(dates(bearer(kim.token), "9223372036854775807"), 404, "CONCERT_NOT_FOUND",
                 "largest id");
  for (const std::string bad : {"abc", "1x", "1.5"})
    expect_problem(dates(bearer(kim.token), bad), 400, "INVALID_REQUEST", "concert id " + bad);
}

BOOST_AUTO_TEST_CASE(dates_list_only_open_schedules_with_free_seats_ordered_by_starts_at) {
  start();
  const auto concert = create_concert();
  const auto other_concert = create_concert("Other");
  const auto now = wall_ms();
  const auto later = create_schedule(concert, now + 40 * kDay, now - kHour, now + kHour, 5);
  const auto past = create_schedule(concert, now + 5 * kDay, now - 2 * kHour, now - kHour, 5);
  const auto future = create_schedule(concert, now + 6 * kDay, now + kHour, now + 2 * kHour, 5);
  const auto full = create_schedule(concert, now + 7 * kDay, now - kHour, now + kHour, 1);
  const auto sooner = create_schedule(concert, now + 10 * kDay, now - kMinute, now + kDay, 3, 0);
  create_schedule(other_concert, now + 1 * kDay, now - kHour, now + kHour, 5);
  const auto kim = customer("kim");
  (void)past;
  (void)future;
  held(kim.token, full, 1);  // the only seat: no seat is AVAILABLE

  const auto body = json_body(dates(kim.token, concert), 200, "dates");
  BOOST_TEST(keys_of(body) == std::set<std::string>({"concertId", "schedules"}), body.dump());
  BOOST_TEST(int_field(body, "concertId") == concert);
  const json expected = json::array({
      {{"scheduleId", sooner},
       {"startsAt", rfc(now + 10 * kDay)},
       {"bookingOpensAt", rfc(now - kMinute)},
       {"bookingClosesAt", rfc(now + kDay)},
       {"totalSeats", 3},
       {"availableSeats", 3}},
      {{"scheduleId", later},
       {"startsAt", rfc(now + 40 * kDay)},
       {"bookingOpensAt", rfc(now - kHour)},
       {"bookingClosesAt", rfc(now + kHour)},
       {"totalSeats", 5},
       {"availableSeats", 5}},
  });
  BOOST_TEST((body.at("schedules") == expected), body.at("schedules").dump()
                                                     << "\nexpected " << expected.dump());
}

BOOST_AUTO_TEST_CASE(dates_of_a_concert_without_bookable_schedules_are_an_empty_list) {
  start();
  const auto concert = create_concert();
  const auto kim = customer("kim");
  BOOST_TEST(
      (json_body(dates(kim.token, concert), 200, "no schedules").at("schedules") == json::array()));
  const auto now = wall_ms();
  create_schedule(concert, now + kDay, now - 2 * kHour, now - kHour, 5);
  BOOST_TEST((json_body(dates(kim.token, concert), 200, "closed schedule").at("schedules") ==
              json::array()));
}

BOOST_AUTO_TEST_CASE(dates_count_available_seats_exactly_after_holds_cancels_and_payments) {
  start();
  const auto concert = create_concert();
  const auto schedule = open_schedule(concert, 4);
  const auto kim = customer("kim", kPrice);
  const auto lee = customer("lee");
  const auto available = [&]() -> std::int64_t {
    const auto body = json_body(dates(lee.token, concert), 200, "dates");
    if (body.at("schedules").empty()) return 0;
    BOOST_TEST_REQUIRE(body.at("schedules").size() == 1u, body.dump());
    BOOST_TEST(body.at("schedules").at(0).value("totalSeats", -1) == 4, body.dump());
    return int_field(body.at("schedules").at(0), "availableSeats");
  };
  BOOST_TEST(available() == 4);
  const auto first = held(kim.token, schedule, 1);
  BOOST_TEST(available() == 3);
  held(lee.token, schedule, 2);
  BOOST_TEST(available() == 2);
  json_body(hold(kim.token, schedule, 1), 200, "the same hold again");  // no second seat
  BOOST_TEST(available() == 2);
  const auto third = held(kim.token, schedule, 3);
  BOOST_TEST(available() == 1);
  json_body(cancel(kim.token, third), 200, "cancel");
  BOOST_TEST(available() == 2);
  json_body(pay(kim.token, first), 201, "pay");
  BOOST_TEST(available() == 2);  // held -> sold: still not available
  const auto park = customer("park");
  held(park.token, schedule, 3);
  held(park.token, schedule, 4);
  // No seat AVAILABLE: the date is not bookable any more.
  BOOST_TEST(
      (json_body(dates(park.token, concert), 200, "sold out").at("schedules") == json::array()));
}

// --- GET /api/v1/schedules/{scheduleId}/seats -----------------------------------------------

BOOST_AUTO_TEST_CASE(seats_need_an_active_token) {
  start({"--queue-max-active", "1", "--hold-ttl", "60s"});
  const auto concert = create_concert();
  const auto schedule = open_schedule(concert);
  const auto now = wall_ms();
  const auto closed = create_schedule(concert, now + kDay, now - 2 * kHour, now - kHour, 5);
  const auto kim = customer("kim");
  auto lee = create_user("lee");
  lee.token = new_token(lee.user, "WAITING");
  for (const auto& headers : {kNoToken, kMalformedToken, kUnknownToken}) {
    expect_problem(seats(headers, id_text(schedule)), 401, "TOKEN_INVALID", "seats");
    expect_problem(seats(headers, "987654"), 401, "TOKEN_INVALID", "unknown schedule");
    expect_problem(seats(headers, id_text(closed)), 401, "TOKEN_INVALID", "closed schedule");
  }
  expect_problem(seats(bearer(lee.token), id_text(schedule)), 403, "TOKEN_NOT_ACTIVE", "waiting");
  expect_problem(seats(bearer(lee.token), "987654"), 403, "TOKEN_NOT_ACTIVE",
                 "waiting, unknown schedule");
  expect_problem(seats(bearer(lee.token), id_text(closed)), 403, "TOKEN_NOT_ACTIVE",
                 "waiting, closed schedule");
  json_body(seats(kim.token, schedule), 200, "active");
}

BOOST_AUTO_TEST_CASE(seats_of_an_unknown_or_closed_schedule_are_refused) {
  start();
  const auto concert = create_concert();
  const auto now = wall_ms();
  const auto schedule = open_schedule(concert);
  const auto past = create_schedule(concert, now + kDay, now - 2 * kHour, now - kHour, 5);
  const auto future = create_schedule(concert, now + 2 * kDay, now + kHour, now + 2 * kHour, 5);
  const auto kim = customer("kim");
  expect_problem(seats(kim.token, schedule + 1000), 404, "SCHEDULE_NOT_FOUND", "unknown schedule");
  expect_problem(seats(bearer(kim.token), "9223372036854775807"), 404, "SCHEDULE_NOT_FOUND",
                 "largest id");
  expect_problem(seats(kim.token, past), 409, "SCHEDULE_NOT_BOOKABLE", "window in the past");
  expect_problem(seats(kim.token, future), 409, "SCHEDULE_NOT_BOOKABLE", "window in the future");
  for (const std::string bad : {"abc", "1x"})
    expect_problem(seats(bearer(kim.token), bad), 400, "INVALID_REQUEST", "schedule id " + bad);
}

BOOST_AUTO_TEST_CASE(seats_list_every_seat_in_number_order) {
  start();
  const auto concert = create_concert();
  const auto schedule = open_schedule(concert, 4, 55'000);
  const auto kim = customer("kim");
  const auto body = json_body(seats(kim.token, schedule), 200, "seats");
  json expected = {{"scheduleId", schedule}, {"concertId", concert}, {"seats", json::array()}};
  for (int number = 1; number <= 4; ++number)
    expected["seats"].push_back(
        {{"seatNumber", number}, {"price", 55'000}, {"status", "AVAILABLE"}, {"available", true}});
  BOOST_TEST((body == expected), body.dump() << "\nexpected " << expected.dump());
}

BOOST_AUTO_TEST_CASE(seats_show_held_then_sold) {
  start();
  const auto concert = create_concert();
  const auto schedule = open_schedule(concert, 3);
  const auto kim = customer("kim", kPrice);
  const auto lee = customer("lee");
  const auto reservation = held(kim.token, schedule, 2);
  for (const auto& token : {kim.token, lee.token}) {  // the same for everybody
    const auto body = json_body(seats(token, schedule), 200, "seats");
    BOOST_TEST(
        (body.at("seats").at(1) ==
         json({{"seatNumber", 2}, {"price", kPrice}, {"status", "HELD"}, {"available", false}})),
        body.dump());
    BOOST_TEST(body.at("seats").at(0).value("status", "") == "AVAILABLE");
    BOOST_TEST(body.at("seats").at(2).value("status", "") == "AVAILABLE");
  }
  json_body(pay(kim.token, reservation), 201, "pay");
  const auto body = json_body(seats(lee.token, schedule), 200, "seats");
  BOOST_TEST(
      (body.at("seats").at(1) ==
       json({{"seatNumber", 2}, {"price", kPrice}, {"status", "SOLD"}, {"available", false}})),
      body.dump());
  BOOST_TEST(seat_statuses(lee.token, schedule) ==
             std::vector<std::string>({"AVAILABLE", "SOLD", "AVAILABLE"}));
}

// A schedule larger than one snapshot chunk (1,024 seats): each change shows in its place and
// nowhere else, in every chunk, version after version.
BOOST_AUTO_TEST_CASE(seats_of_a_large_schedule_show_each_change_in_its_place) {
  start();
  const auto concert = create_concert();
  constexpr std::size_t kSeats = 2'500;
  const auto schedule = open_schedule(concert, static_cast<std::int32_t>(kSeats));
  const auto kim = customer("kim", kPrice);
  const auto lee = customer("lee");
  std::vector<std::string> expected(kSeats, "AVAILABLE");
  BOOST_TEST(seat_statuses(lee.token, schedule) == expected);
  const auto first = held(kim.token, schedule, 1);
  held(lee.token, schedule, 1'500);
  const auto last = held(kim.token, schedule, 2'500);
  expected[0] = expected[1'499] = expected[2'499] = "HELD";
  BOOST_TEST(seat_statuses(lee.token, schedule) == expected);
  BOOST_TEST(cancel(kim.token, first).status == 200);
  expected[0] = "AVAILABLE";
  BOOST_TEST(seat_statuses(lee.token, schedule) == expected);
  json_body(pay(kim.token, last), 201, "pay");
  expected[2'499] = "SOLD";
  BOOST_TEST(seat_statuses(lee.token, schedule) == expected);
  // Over 1,000 seats a version is rendered by a worker the first time; read again, the
  // connection loop serves the rendered body itself: the same seats.
  BOOST_TEST(seat_statuses(lee.token, schedule) == expected);
}

// --- POST /api/v1/reservations ------------------------------------------------------------

BOOST_AUTO_TEST_CASE(hold_answers_201_with_the_reservation) {
  start();
  const auto concert = create_concert();
  const auto schedule = open_schedule(concert, 5, 88'000);
  const auto kim = customer("kim");
  const auto before = wall_ms();
  const auto answer = hold(kim.token, schedule, 4);
  const auto after = wall_ms();
  const auto body = json_body(answer, 201, "hold");
  check_reservation(body, schedule, concert, 4, kim.user, 88'000, "HELD");
  const auto until = time_field(body, "heldUntil");
  BOOST_TEST(until >= before + kMinute - 1, body.dump());  // now + hold-ttl (60s)
  BOOST_TEST(until <= after + kMinute + 1, body.dump());
  // The same reservation when read back.
  BOOST_TEST(
      (json_body(reservation(kim.token, int_field(body, "reservationId")), 200, "GET") == body));
}

BOOST_AUTO_TEST_CASE(hold_again_by_the_holder_answers_200_and_the_same_reservation) {
  start();
  const auto concert = create_concert();
  const auto schedule = open_schedule(concert);
  const auto kim = customer("kim");
  const auto first = new_hold(kim.token, schedule, 1);
  for (int again = 0; again < 3; ++again) {
    const auto body = json_body(hold(kim.token, schedule, 1), 200, "hold again");
    BOOST_TEST((body == first),
               body.dump() << " vs " << first.dump());  // heldUntil unchanged: not extended
  }
  BOOST_TEST(db_number("SELECT COUNT(*) FROM reservations") == 1);
}

BOOST_AUTO_TEST_CASE(hold_needs_an_active_token) {
  start({"--queue-max-active", "1", "--hold-ttl", "60s"});
  const auto concert = create_concert();
  const auto schedule = open_schedule(concert);
  const auto kim = customer("kim");
  auto lee = create_user("lee");
  lee.token = new_token(lee.user, "WAITING");
  const auto body = json{{"scheduleId", schedule}, {"seatNumber", 1}}.dump();
  for (const auto& headers : {kNoToken, kMalformedToken, kUnknownToken}) {
    expect_problem(post_hold(headers, body), 401, "TOKEN_INVALID", "hold");
    expect_problem(post_hold(headers, json{{"scheduleId", 987654}, {"seatNumber", 0}}.dump()), 401,
                   "TOKEN_INVALID", "unknown schedule");
  }
  expect_problem(post_hold(bearer(lee.token), body), 403, "TOKEN_NOT_ACTIVE", "waiting");
  expect_problem(
      post_hold(bearer(lee.token), json{{"scheduleId", 987654}, {"seatNumber", 0}}.dump()), 403,
      "TOKEN_NOT_ACTIVE", "waiting, unknown schedule");
  // Nothing was held: the seat is still free.
  BOOST_TEST(seat_status(kim.token, schedule, 1) == "AVAILABLE");
  BOOST_TEST(db_number("SELECT COUNT(*) FROM reservations") == 0);
}

BOOST_AUTO_TEST_CASE(hold_of_an_unknown_schedule_or_seat_is_404) {
  start();
  const auto concert = create_concert();
  const auto schedule = open_schedule(concert, 5);
  const auto kim = customer("kim");
  // SCHEDULE_NOT_FOUND beats SEAT_NOT_FOUND.
  for (const std::int64_t seat : {1, 0, -1, 6, 1000})
    expect_problem(hold(kim.token, schedule + 1000, seat), 404, "SCHEDULE_NOT_FOUND",
                   "unknown schedule, seat " + std::to_string(seat));
  for (const std::int64_t seat :
       {std::int64_t{0}, std::int64_t{-1}, std::int64_t{6}, std::int64_t{100'001},
        std::int64_t{2147483648LL}, std::int64_t{9223372036854775807LL}})
    expect_problem(hold(kim.token, schedule, seat), 404, "SEAT_NOT_FOUND",
                   "seat " + std::to_string(seat));
  BOOST_TEST(db_number("SELECT COUNT(*) FROM reservations") == 0);
  // The last seat exists.
  held(kim.token, schedule, 5);
}

BOOST_AUTO_TEST_CASE(hold_of_a_seat_held_by_another_user_or_sold_is_409_seat_unavailable) {
  start();
  const auto concert = create_concert();
  const auto schedule = open_schedule(concert, 3);
  const auto kim = customer("kim", kPrice);
  const auto lee = customer("lee");
  const auto first = new_hold(kim.token, schedule, 1);
  expect_problem(hold(lee.token, schedule, 1), 409, "SEAT_UNAVAILABLE", "held by kim");
  // Kim's hold is untouched.
  BOOST_TEST((json_body(hold(kim.token, schedule, 1), 200, "kim again") == first));
  json_body(pay(kim.token, int_field(first, "reservationId")), 201, "pay");
  expect_problem(hold(lee.token, schedule, 1), 409, "SEAT_UNAVAILABLE", "sold");
  const auto kim_again = new_token(kim.user);  // the payment completed kim's token
  expect_problem(hold(kim_again, schedule, 1), 409, "SEAT_UNAVAILABLE", "sold, asked by its buyer");
  BOOST_TEST(db_number("SELECT COUNT(*) FROM reservations") == 1);
}

BOOST_AUTO_TEST_CASE(hold_outside_the_booking_window_is_409_schedule_not_bookable) {
  start();
  const auto concert = create_concert();
  const auto now = wall_ms();
  const auto past = create_schedule(concert, now + kDay, now - 2 * kHour, now - kHour, 5);
  const auto future = create_schedule(concert, now + 2 * kDay, now + kHour, now + 2 * kHour, 5);
  const auto kim = customer("kim");
  expect_problem(hold(kim.token, past, 1), 409, "SCHEDULE_NOT_BOOKABLE", "window in the past");
  expect_problem(hold(kim.token, future, 1), 409, "SCHEDULE_NOT_BOOKABLE", "window in the future");
  // SEAT_NOT_FOUND comes before SCHEDULE_NOT_BOOKABLE.
  expect_problem(hold(kim.token, past, 6), 404, "SEAT_NOT_FOUND", "closed, no such seat");
  expect_problem(hold(kim.token, future, 0), 404, "SEAT_NOT_FOUND", "not open yet, no such seat");
  BOOST_TEST(db_number("SELECT COUNT(*) FROM reservations") == 0);
}

BOOST_AUTO_TEST_CASE(hold_errors_in_order_once_the_window_closed) {
  start();
  const auto concert = create_concert();
  const auto kim = customer("kim", kPrice);
  const auto lee = customer("lee");
  // A window that closes a few seconds from now: seat 1 sold and seat 2 held before it does.
  const auto closes = wall_ms() + 3'000;
  const auto closes_steady = Clock::now() + milliseconds(3'000);
  const auto schedule = create_schedule(concert, closes + kDay, closes - kHour, closes, 4);
  json_body(pay(kim.token, held(kim.token, schedule, 1)), 201, "pay seat 1");
  const auto kim_again = new_token(kim.user);
  held(kim_again, schedule, 2);
  expect_change([&] { return std::to_string(seats(lee.token, schedule).status); }, "200", "409",
                closes_steady, "seats once the window closed");
  expect_problem(seats(lee.token, schedule), 409, "SCHEDULE_NOT_BOOKABLE", "seats");
  expect_problem(hold(lee.token, schedule, 0), 404, "SEAT_NOT_FOUND", "no such seat");
  expect_problem(hold(lee.token, schedule, 5), 404, "SEAT_NOT_FOUND", "no such seat");
  expect_problem(hold(lee.token, schedule, 1), 409, "SEAT_UNAVAILABLE", "sold");
  expect_problem(hold(lee.token, schedule, 2), 409, "SEAT_UNAVAILABLE", "held by kim");
  expect_problem(hold(lee.token, schedule, 3), 409, "SCHEDULE_NOT_BOOKABLE", "free seat");
  // A hold made while the window was open can still be paid: no payment error names the window.
  const auto seat2 =
      db_number("SELECT reservation_id FROM seats WHERE schedule_id = " + id_text(schedule) +
                " AND seat_number = 2");
  json_body(charge(kim, kPrice), 200, "charge");
  json_body(pay(kim_again, seat2), 201, "pay the hold after the window closed");
}

BOOST_AUTO_TEST_CASE(hold_with_a_bad_body_is_400_invalid_request) {
  start();
  const auto concert = create_concert();
  const auto schedule = open_schedule(concert);
  const auto kim = customer("kim");
  const auto s = id_text(schedule);
  for (const std::string& body :
       {std::string("not json"), std::string(""), std::string("[]"), std::string("1"),
        std::string("{}"), "{\"scheduleId\":" + s + "}", std::string("{\"seatNumber\":1}"),
        "{\"scheduleId\":\"" + s + "\",\"seatNumber\":1}",
        "{\"scheduleId\":" + s + ",\"seatNumber\":\"1\"}",
        "{\"scheduleId\":" + s + ",\"seatNumber\":1.5}",
        "{\"scheduleId\":" + s + ",\"seatNumber\":null}",
        std::string("{\"scheduleId\":null,\"seatNumber\":1}"),
        std::string("{\"scheduleId\":0,\"seatNumber\":1}"),
        std::string("{\"scheduleId\":-1,\"seatNumber\":1}"),
        "{\"scheduleId\":" + s + ".5,\"seatNumber\":1}",
        "{\"scheduleId\":" + s + ",\"seatNumber\":1e400}",
        "{\"scheduleId\":" + s + ",\"seatNumber\":true}",
        "{\"scheduleId\":[" + s + "],\"seatNumber\":1}",
        "{\"scheduleId\":" + s + ",\"seatNumber\":1"})
    expect_problem(post_hold(bearer(kim.token), body), 400, "INVALID_REQUEST", "body " + body);
  BOOST_TEST(db_number("SELECT COUNT(*) FROM reservations") == 0);
  BOOST_TEST(seat_status(kim.token, schedule, 1) == "AVAILABLE");
}

// --- GET /api/v1/reservations/{reservationId} ---------------------------------------------

BOOST_AUTO_TEST_CASE(get_reservation_errors_in_order) {
  start();
  const auto concert = create_concert();
  const auto schedule = open_schedule(concert);
  const auto kim = customer("kim");
  const auto lee = customer("lee");
  const auto id = held(kim.token, schedule, 1);
  for (const auto& headers : {kNoToken, kMalformedToken, kUnknownToken}) {
    expect_problem(reservation(headers, id_text(id)), 401, "TOKEN_INVALID", "reservation");
    expect_problem(reservation(headers, id_text(id + 1000)), 401, "TOKEN_INVALID",
                   "unknown reservation");
  }
  expect_problem(reservation(kim.token, id + 1000), 404, "RESERVATION_NOT_FOUND",
                 "unknown reservation");
  expect_problem(reservation(lee.token, id + 1000), 404, "RESERVATION_NOT_FOUND",
                 "unknown, other user");
  expect_problem(reservation(lee.token, id), 403, "RESERVATION_NOT_OWNED", "kim's reservation");
  for (const std::string bad : {"abc", "1x"})
    expect_problem(reservation(bearer(kim.token), bad), 400, "INVALID_REQUEST",
                   "reservation id " + bad);
  BOOST_TEST(reservation_status(kim.token, id) == "HELD");
}

BOOST_AUTO_TEST_CASE(get_reservation_works_with_the_holders_completed_token) {
  start();
  const auto concert = create_concert();
  const auto schedule = open_schedule(concert);
  const auto kim = customer("kim", kPrice);
  const auto reservation_id = held(kim.token, schedule, 1);
  json_body(pay(kim.token, reservation_id), 201, "pay");
  // Kim's token is COMPLETED (a known token): kim still reads the reservation.
  BOOST_TEST(reservation_status(kim.token, reservation_id) == "CONFIRMED");
}

BOOST_AUTO_TEST_CASE(get_reservation_shows_expired_after_the_hold_ttl) {
  start({"--queue-max-active", "1000", "--hold-ttl", "2s"});
  const auto concert = create_concert();
  const auto schedule = open_schedule(concert);
  const auto kim = customer("kim", kPrice);
  const auto sent = Clock::now();
  const auto id = held(kim.token, schedule, 1);
  expect_change([&] { return reservation_status(kim.token, id); }, "HELD", "EXPIRED",
                sent + std::chrono::seconds(2), "reservation");
  // Paying it now is refused and changes nothing.
  expect_problem(pay(kim.token, id), 409, "RESERVATION_EXPIRED", "pay after the hold ttl");
  BOOST_TEST(balance_of(kim) == kPrice);
  BOOST_TEST(token_status(kim.token) == "ACTIVE");
  BOOST_TEST(db_number("SELECT COUNT(*) FROM payments") == 0);
  BOOST_TEST(db_number("SELECT COUNT(*) FROM wallet_ledger WHERE wallet_id = " +
                       id_text(kim.wallet)) == 1);
  BOOST_TEST(db_number("SELECT balance FROM wallets WHERE id = " + id_text(kim.wallet)) == kPrice);
  BOOST_TEST(db_text("SELECT status FROM seats WHERE schedule_id = " + id_text(schedule) +
                     " AND seat_number = 1") != "SOLD");
  BOOST_TEST(reservation_status(kim.token, id) == "EXPIRED");
}

// A schedule keeps one expiry timer for its earliest hold: each hold is still released in the
// database at its own deadline, neither with the earlier one nor never (the API already says
// EXPIRED once the time passed: the database shows what the timer did).
BOOST_AUTO_TEST_CASE(holds_made_a_second_apart_each_expire_at_their_own_deadline) {
  start({"--queue-max-active", "1000", "--hold-ttl", "2s"});
  const auto concert = create_concert();
  const auto schedule = open_schedule(concert);
  const auto kim = customer("kim");
  const auto lee = customer("lee");
  const auto first_sent = Clock::now();
  const auto first = held(kim.token, schedule, 1);
  std::this_thread::sleep_for(std::chrono::seconds(1));  // a later deadline, not a wait
  const auto second_sent = Clock::now();
  const auto second = held(lee.token, schedule, 2);
  expect_change([&] { return db_reservation_status(first); }, "HELD", "EXPIRED",
                first_sent + std::chrono::seconds(2), "the first hold");
  expect_change([&] { return db_reservation_status(second); }, "HELD", "EXPIRED",
                second_sent + std::chrono::seconds(2), "the second hold");
  BOOST_TEST(db_number("SELECT COUNT(*) FROM reservations WHERE status = 'HELD'") == 0);
}

BOOST_AUTO_TEST_CASE(the_holder_asking_again_after_the_hold_ttl_gets_a_new_hold) {
  start({"--queue-max-active", "1000", "--hold-ttl", "2s"});
  const auto concert = create_concert();
  const auto schedule = open_schedule(concert);
  const auto kim = customer("kim");
  const auto sent = Clock::now();
  const auto first = new_hold(kim.token, schedule, 1);
  const auto id = int_field(first, "reservationId");
  expect_change([&] { return reservation_status(kim.token, id); }, "HELD", "EXPIRED",
                sent + std::chrono::seconds(2), "reservation");
  // A passed hold counts as available for the dates too.
  const auto listed = json_body(dates(kim.token, concert), 200, "dates").at("schedules");
  BOOST_TEST_REQUIRE(listed.size() == 1u, listed.dump());
  BOOST_TEST(int_field(listed.at(0), "availableSeats") == 5, listed.dump());
  const auto second = new_hold(kim.token, schedule, 1);  // 201: a new hold, not the passed one
  check_reservation(second, schedule, concert, 1, kim.user, kPrice, "HELD");
  BOOST_TEST(int_field(second, "reservationId") != id);
  BOOST_TEST(time_field(second, "heldUntil") >= time_field(first, "heldUntil") + 1, second.dump());
  BOOST_TEST(reservation_status(kim.token, id) == "EXPIRED");
  BOOST_TEST(db_reservation_status(id) == "EXPIRED");
  BOOST_TEST(db_number("SELECT COUNT(*) FROM reservations WHERE status = 'HELD'") == 1);
  // The passed reservation is not the live one: paying it is refused.
  expect_problem(pay(kim.token, id), 409, "RESERVATION_EXPIRED", "pay the passed reservation");
  BOOST_TEST(reservation_status(kim.token, int_field(second, "reservationId")) == "HELD");
}

BOOST_AUTO_TEST_CASE(holds_and_sales_survive_a_restart) {
  start();
  const auto concert = create_concert();
  const auto schedule = open_schedule(concert, 3);
  const auto kim = customer("kim", kPrice);
  const auto lee = customer("lee", kPrice);
  const auto kims = new_hold(kim.token, schedule, 1);
  const auto lees = held(lee.token, schedule, 2);
  json_body(pay(lee.token, lees), 201, "lee pays");

  start();  // a new node on the same database
  const auto live_token = [&](std::int64_t user) {
    const auto answer = issue(user);
    BOOST_TEST_REQUIRE((answer.status == 200 || answer.status == 201), shown(answer));
    BOOST_TEST_REQUIRE(answer.body_json().value("status", "") == "ACTIVE", answer.body);
    return answer.body_json().at("token").get<std::string>();
  };
  const auto kim_token = live_token(kim.user);
  const auto park = customer("park");
  BOOST_TEST(seat_statuses(park.token, schedule) ==
             std::vector<std::string>({"HELD", "SOLD", "AVAILABLE"}));
  BOOST_TEST(
      (json_body(reservation(kim_token, int_field(kims, "reservationId")), 200, "GET") == kims));
  BOOST_TEST(reservation_status(live_token(lee.user), lees) == "CONFIRMED");
  expect_problem(hold(park.token, schedule, 1), 409, "SEAT_UNAVAILABLE",
                 "kim's hold after the restart");
  expect_problem(hold(park.token, schedule, 2), 409, "SEAT_UNAVAILABLE",
                 "lee's seat after the restart");
  BOOST_TEST((json_body(hold(kim_token, schedule, 1), 200, "kim again") == kims));
  const auto receipt = json_body(pay(kim_token, int_field(kims, "reservationId")), 201,
                                 "kim pays after the restart");
  BOOST_TEST(int_field(receipt, "balance") == 0);
  BOOST_TEST(seat_statuses(park.token, schedule) ==
             std::vector<std::string>({"SOLD", "SOLD", "AVAILABLE"}));
}

// --- DELETE /api/v1/reservations/{reservationId} ------------------------------------------

BOOST_AUTO_TEST_CASE(delete_cancels_the_hold_and_frees_the_seat_at_once) {
  start();
  const auto concert = create_concert();
  const auto schedule = open_schedule(concert, 3);
  const auto kim = customer("kim", kPrice);
  const auto lee = customer("lee");
  const auto hold_body = new_hold(kim.token, schedule, 2);
  const auto id = int_field(hold_body, "reservationId");
  const auto body = json_body(cancel(kim.token, id), 200, "cancel");
  check_reservation(body, schedule, concert, 2, kim.user, kPrice, "CANCELLED");
  BOOST_TEST(int_field(body, "reservationId") == id);
  // At once: no waiting.
  BOOST_TEST(seat_status(lee.token, schedule, 2) == "AVAILABLE");
  BOOST_TEST(reservation_status(kim.token, id) == "CANCELLED");
  BOOST_TEST(db_reservation_status(id) == "CANCELLED");
  BOOST_TEST(db_text("SELECT status FROM seats WHERE schedule_id = " + id_text(schedule) +
                     " AND seat_number = 2") == "AVAILABLE");
  // Cancelled is not a live hold any more.
  expect_problem(cancel(kim.token, id), 409, "RESERVATION_EXPIRED", "cancel twice");
  expect_problem(pay(kim.token, id), 409, "RESERVATION_EXPIRED", "pay after cancel");
  BOOST_TEST(balance_of(kim) == kPrice);
  BOOST_TEST(token_status(kim.token) == "ACTIVE");
  // Somebody else takes the seat; kim's reservation stays CANCELLED.
  const auto lees = held(lee.token, schedule, 2);
  BOOST_TEST(lees != id);
  BOOST_TEST(reservation_status(kim.token, id) == "CANCELLED");
  expect_problem(cancel(kim.token, id), 409, "RESERVATION_EXPIRED",
                 "cancel after somebody else took the seat");
  BOOST_TEST(reservation_status(lee.token, lees) == "HELD");
}

BOOST_AUTO_TEST_CASE(delete_errors_in_order) {
  start({"--queue-max-active", "2", "--hold-ttl", "60s"});
  const auto concert = create_concert();
  const auto schedule = open_schedule(concert, 3);
  const auto kim = customer("kim", kPrice);
  const auto lee = customer("lee");
  auto park = create_user("park");
  park.token = new_token(park.user, "WAITING");
  const auto id = held(kim.token, schedule, 1);
  for (const auto& headers : {kNoToken, kMalformedToken, kUnknownToken}) {
    expect_problem(cancel(headers, id_text(id)), 401, "TOKEN_INVALID", "cancel");
    expect_problem(cancel(headers, id_text(id + 1000)), 401, "TOKEN_INVALID", "cancel unknown");
  }
  expect_problem(cancel(bearer(park.token), id_text(id)), 403, "TOKEN_NOT_ACTIVE", "waiting token");
  expect_problem(cancel(bearer(park.token), id_text(id + 1000)), 403, "TOKEN_NOT_ACTIVE",
                 "waiting, unknown");
  expect_problem(cancel(lee.token, id + 1000), 404, "RESERVATION_NOT_FOUND", "unknown reservation");
  for (const std::string bad : {"abc", "1x"})
    expect_problem(cancel(bearer(kim.token), bad), 400, "INVALID_REQUEST", "reservation id " + bad);
  expect_problem(cancel(lee.token, id), 403, "RESERVATION_NOT_OWNED", "kim's live hold");
  // None of it changed the hold.
  BOOST_TEST(seat_status(kim.token, schedule, 1) == "HELD");
  BOOST_TEST(reservation_status(kim.token, id) == "HELD");
  // Once it is not live any more, RESERVATION_EXPIRED comes before RESERVATION_NOT_OWNED.
  const auto second = held(kim.token, schedule, 2);
  json_body(cancel(kim.token, second), 200, "cancel");
  expect_problem(cancel(lee.token, second), 409, "RESERVATION_EXPIRED",
                 "lee cancels kim's cancelled hold");
  json_body(pay(kim.token, id), 201, "pay");
  expect_problem(cancel(lee.token, id), 409, "RESERVATION_EXPIRED",
                 "lee cancels kim's paid reservation");
  BOOST_TEST(seat_status(lee.token, schedule, 1) == "SOLD");
  BOOST_TEST(reservation_status(kim.token, id) == "CONFIRMED");
}

// --- POST /api/v1/payments -----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(payment_answers_201_and_does_everything_in_one_step) {
  start();
  const auto concert = create_concert();
  const auto schedule = open_schedule(concert, 3);
  const auto kim = customer("kim", 100'000);
  const auto lee = customer("lee");
  const auto id = held(kim.token, schedule, 3);
  const auto before = wall_ms();
  const auto answer = pay(kim.token, id);
  const auto after = wall_ms();
  const auto body = json_body(answer, 201, "pay");
  BOOST_TEST(
      keys_of(body) == std::set<std::string>({"paymentId", "reservationId", "userId", "scheduleId",
                                              "seatNumber", "amount", "balance", "paidAt"}),
      body.dump());
  BOOST_TEST(int_field(body, "paymentId") > 0);
  BOOST_TEST(int_field(body, "reservationId") == id);
  BOOST_TEST(int_field(body, "userId") == kim.user);
  BOOST_TEST(int_field(body, "scheduleId") == schedule);
  BOOST_TEST(int_field(body, "seatNumber") == 3);
  BOOST_TEST(int_field(body, "amount") == kPrice);
  BOOST_TEST(int_field(body, "balance") == 100'000 - kPrice);
  BOOST_TEST(time_field(body, "paidAt") >= before - 1, body.dump());
  BOOST_TEST(time_field(body, "paidAt") <= after + 1, body.dump());

  // The price left the wallet, the seat is SOLD, the reservation CONFIRMED, the token COMPLETED.
  BOOST_TEST(balance_of(kim) == 100'000 - kPrice);
  BOOST_TEST(seat_status(lee.token, schedule, 3) == "SOLD");
  BOOST_TEST(reservation_status(kim.token, id) == "CONFIRMED");
  BOOST_TEST(token_status(kim.token) == "COMPLETED");
  // The COMPLETED token opens nothing any more.
  expect_problem(seats(kim.token, schedule), 403, "TOKEN_NOT_ACTIVE",
                 "seats with the completed token");
  expect_problem(hold(kim.token, schedule, 1), 403, "TOKEN_NOT_ACTIVE",
                 "hold with the completed token");
  // The database agrees: one payment, one ledger entry of -price.
  BOOST_TEST(db_number("SELECT COUNT(*) FROM payments WHERE reservation_id = " + id_text(id)) == 1);
  BOOST_TEST(db_number("SELECT amount FROM payments WHERE reservation_id = " + id_text(id)) ==
             kPrice);
  BOOST_TEST(
      db_number("SELECT COUNT(*) FROM wallet_ledger WHERE kind = 'PAYMENT' AND wallet_id = " +
                id_text(kim.wallet)) == 1);
  BOOST_TEST(db_number("SELECT CAST(SUM(amount) AS BIGINT) FROM wallet_ledger WHERE wallet_id = " +
                       id_text(kim.wallet)) == 100'000 - kPrice);
  BOOST_TEST(db_reservation_status(id) == "CONFIRMED");
  BOOST_TEST(db_token_status(kim.token) == "COMPLETED");
  BOOST_TEST(db_text("SELECT CAST(holder_user_id AS TEXT) FROM seats WHERE schedule_id = " +
                     id_text(schedule) + " AND seat_number = 3") == id_text(kim.user));
}

BOOST_AUTO_TEST_CASE(payment_admits_the_next_waiting_token_at_once) {
  start({"--queue-max-active", "1", "--hold-ttl", "60s"});
  const auto concert = create_concert();
  const auto schedule = open_schedule(concert, 3);
  const auto kim = customer("kim", kPrice);
  auto lee = create_user("lee");
  lee.token = new_token(lee.user, "WAITING");
  const auto id = held(kim.token, schedule, 1);
  BOOST_TEST(token_status(lee.token) == "WAITING");
  json_body(pay(kim.token, id), 201, "pay");
  // No waiting: the place kim's payment freed is lee's as soon as the payment answered.
  const auto seen = me(lee.token);
  BOOST_TEST(seen.value("status", "") == "ACTIVE", seen.dump());
  BOOST_TEST(seen.value("position", -1) == 0, seen.dump());
  BOOST_TEST(token_status(kim.token) == "COMPLETED");
  held(lee.token, schedule, 2);
}

BOOST_AUTO_TEST_CASE(payment_needs_an_active_token) {
  start({"--queue-max-active", "1", "--hold-ttl", "60s"});
  const auto concert = create_concert();
  const auto schedule = open_schedule(concert, 3);
  const auto kim = customer("kim", kPrice);
  auto lee = create_user("lee");
  lee.token = new_token(lee.user, "WAITING");
  const auto id = held(kim.token, schedule, 1);
  const auto body = json{{"reservationId", id}}.dump();
  const auto unknown = json{{"reservationId", id + 1000}}.dump();
  for (const auto& headers : {kNoToken, kMalformedToken, kUnknownToken}) {
    expect_problem(post_payment(headers, body), 401, "TOKEN_INVALID", "pay");
    expect_problem(post_payment(headers, unknown), 401, "TOKEN_INVALID", "pay unknown");
  }
  expect_problem(post_payment(bearer(lee.token), body), 403, "TOKEN_NOT_ACTIVE", "waiting token");
  expect_problem(post_payment(bearer(lee.token), unknown), 403, "TOKEN_NOT_ACTIVE",
                 "waiting, unknown reservation");
  BOOST_TEST(seat_status(kim.token, schedule, 1) == "HELD");
  BOOST_TEST(balance_of(kim) == kPrice);
  BOOST_TEST(db_number("SELECT COUNT(*) FROM payments") == 0);
}

BOOST_AUTO_TEST_CASE(payment_with_a_bad_body_is_400_invalid_request) {
  start();
  const auto concert = create_concert();
  const auto schedule = open_schedule(concert, 3);
  const auto kim = customer("kim", kPrice);
  const auto id = held(kim.token, schedule, 1);
  const auto r = id_text(id);
  for (const std::string& body :
       {std::string("not json"), std::string(""), std::string("[]"), std::string("{}"),
        "{\"reservationId\":\"" + r + "\"}", "{\"reservationId\":" + r + ".5}",
        std::string("{\"reservationId\":0}"), std::string("{\"reservationId\":-1}"),
        std::string("{\"reservationId\":null}"), "{\"reservation\":" + r + "}",
        "{\"reservationId\":" + r})
    expect_problem(post_payment(bearer(kim.token), body), 400, "INVALID_REQUEST", "body " + body);
  expect_problem(pay(kim.token, id, std::string(129, 'k')), 400, "INVALID_REQUEST",
                 "Idempotency-Key of 129 characters");
  // (An empty key is not asserted: cpp-httplib 0.11 drops empty headers, see
  // wallet_routes_test.cpp.)
  expect_problem(pay(kim.token, id, std::string("tab\there")), 400, "INVALID_REQUEST",
                 "Idempotency-Key with a tab");
  BOOST_TEST(balance_of(kim) == kPrice);
  BOOST_TEST(token_status(kim.token) == "ACTIVE");
  BOOST_TEST(seat_status(kim.token, schedule, 1) == "HELD");
  BOOST_TEST(db_number("SELECT COUNT(*) FROM payments") == 0);
  // The longest key is fine.
  json_body(pay(kim.token, id, std::string(128, 'k')), 201, "Idempotency-Key of 128 characters");
}

BOOST_AUTO_TEST_CASE(payment_of_an_unknown_reservation_is_404) {
  start();
  const auto concert = create_concert();
  const auto schedule = open_schedule(concert, 3);
  const auto kim = customer("kim", kPrice);
  const auto id = held(kim.token, schedule, 1);
  expect_problem(pay(kim.token, id + 1000), 404, "RESERVATION_NOT_FOUND", "unknown reservation");
  expect_problem(pay(kim.token, 9223372036854775807LL), 404, "RESERVATION_NOT_FOUND", "largest id");
  BOOST_TEST(balance_of(kim) == kPrice);
  BOOST_TEST(token_status(kim.token) == "ACTIVE");
  json_body(pay(kim.token, id), 201, "the real one");
}

BOOST_AUTO_TEST_CASE(payment_of_another_users_hold_is_403_and_changes_nothing) {
  start();
  const auto concert = create_concert();
  const auto schedule = open_schedule(concert, 3);
  const auto kim = customer("kim", kPrice);
  const auto lee = customer("lee", 3 * kPrice);
  const auto broke = customer("broke");
  const auto id = held(kim.token, schedule, 1);
  const auto kims = money_state(kim, schedule, 1);
  const auto lees = money_state(lee, schedule, 1);
  expect_problem(pay(lee.token, id), 403, "RESERVATION_NOT_OWNED", "lee pays kim's hold");
  // NOT_OWNED comes before INSUFFICIENT_BALANCE.
  expect_problem(pay(broke.token, id), 403, "RESERVATION_NOT_OWNED",
                 "a user without money pays kim's hold");
  BOOST_TEST(money_state(kim, schedule, 1) == kims);
  BOOST_TEST(money_state(lee, schedule, 1) == lees);
  BOOST_TEST(balance_of(lee) == 3 * kPrice);
  BOOST_TEST(token_status(lee.token) == "ACTIVE");
  BOOST_TEST(token_status(broke.token) == "ACTIVE");
  BOOST_TEST(seat_status(lee.token, schedule, 1) == "HELD");
  BOOST_TEST(reservation_status(kim.token, id) == "HELD");
  // Kim still pays it.
  json_body(pay(kim.token, id), 201, "kim pays");
}

BOOST_AUTO_TEST_CASE(payment_of_a_reservation_that_is_not_live_is_409_reservation_expired) {
  start();
  const auto concert = create_concert();
  const auto schedule = open_schedule(concert, 3);
  const auto kim = customer("kim", 3 * kPrice);
  const auto lee = customer("lee", 3 * kPrice);
  // Cancelled.
  const auto cancelled = held(kim.token, schedule, 1);
  json_body(cancel(kim.token, cancelled), 200, "cancel");
  expect_problem(pay(kim.token, cancelled), 409, "RESERVATION_EXPIRED", "cancelled");
  // EXPIRED before NOT_OWNED: lee pays kim's cancelled reservation.
  expect_problem(pay(lee.token, cancelled), 409, "RESERVATION_EXPIRED",
                 "another user's cancelled reservation");
  // Already paid (by kim, with a new ACTIVE token because the payment completed the first).
  const auto paid = held(kim.token, schedule, 2);
  const auto receipt = json_body(pay(kim.token, paid), 201, "pay");
  const auto kim_again = new_token(kim.user);
  expect_problem(pay(kim_again, paid), 409, "RESERVATION_EXPIRED", "already paid");
  expect_problem(cancel(kim_again, paid), 409, "RESERVATION_EXPIRED",
                 "cancel of a paid reservation");
  expect_problem(pay(lee.token, paid), 409, "RESERVATION_EXPIRED",
                 "another user's paid reservation");
  // Debited once.
  BOOST_TEST(balance_of(kim) == 2 * kPrice);
  BOOST_TEST(balance_of(lee) == 3 * kPrice);
  BOOST_TEST(db_number("SELECT COUNT(*) FROM payments") == 1);
  BOOST_TEST(token_status(kim_again) == "ACTIVE");
  BOOST_TEST(token_status(lee.token) == "ACTIVE");
  BOOST_TEST(reservation_status(kim_again, paid) == "CONFIRMED");
  BOOST_TEST(reservation_status(kim_again, cancelled) == "CANCELLED");
  (void)receipt;
}

BOOST_AUTO_TEST_CASE(payment_with_too_little_money_is_409_and_changes_nothing) {
  start();
  const auto concert = create_concert();
  const auto schedule = open_schedule(concert, 3);
  const auto kim = customer("kim", kPrice - 1);
  const auto id = held(kim.token, schedule, 2);
  const auto state = money_state(kim, schedule, 2);
  BOOST_TEST(state.find("seat=HELD") != std::string::npos, state);
  expect_problem(pay(kim.token, id), 409, "INSUFFICIENT_BALANCE", "balance below the price");
  // Nothing changed: balance, ledger, payments, seat, reservation, token.
  BOOST_TEST(money_state(kim, schedule, 2) == state);
  BOOST_TEST(balance_of(kim) == kPrice - 1);
  BOOST_TEST(seat_status(kim.token, schedule, 2) == "HELD");
  BOOST_TEST(reservation_status(kim.token, id) == "HELD");
  BOOST_TEST(db_reservation_status(id) == "HELD");
  BOOST_TEST(token_status(kim.token) == "ACTIVE");
  BOOST_TEST(db_token_status(kim.token) == "ACTIVE");
  // Still the user's hold: not someone else's to take.
  const auto lee = customer("lee");
  expect_problem(hold(lee.token, schedule, 2), 409, "SEAT_UNAVAILABLE",
                 "kim's hold after the failed payment");
  // With one won more, the same hold is paid.
  json_body(charge(kim, 1), 200, "charge 1");
  const auto receipt = json_body(pay(kim.token, id), 201, "pay");
  BOOST_TEST(int_field(receipt, "balance") == 0);
  BOOST_TEST(balance_of(kim) == 0);
}

BOOST_AUTO_TEST_CASE(a_payment_retried_with_its_idempotency_key_answers_the_first_201_again) {
  start();
  const auto concert = create_concert();
  const auto schedule = open_schedule(concert, 3);
  const auto kim = customer("kim", 2 * kPrice);
  const auto id = held(kim.token, schedule, 1);
  const auto first = pay(kim.token, id, std::string("pay-kim-1"));
  const auto body = json_body(first, 201, "pay");
  BOOST_TEST(token_status(kim.token) == "COMPLETED");
  for (int again = 0; again < 3; ++again) {
    const auto replay = pay(kim.token, id, std::string("pay-kim-1"));
    BOOST_TEST(replay.status == 201, shown(replay));
    BOOST_TEST(replay.body == first.body, replay.body << " vs " << first.body);
    BOOST_TEST(replay.content_type.rfind("application/json", 0) == 0, replay.content_type);
  }
  // Once: one payment, one debit.
  BOOST_TEST(balance_of(kim) == kPrice);
  BOOST_TEST(db_number("SELECT COUNT(*) FROM payments") == 1);
  BOOST_TEST(db_number("SELECT COUNT(*) FROM wallet_ledger WHERE kind = 'PAYMENT'") == 1);
  // Without the key the completed token is refused as ever.
  expect_problem(pay(kim.token, id), 403, "TOKEN_NOT_ACTIVE", "no key, completed token");
  // A new token of the same user gets the first answer too.
  const auto kim_again = new_token(kim.user);
  const auto replay = pay(kim_again, id, std::string("pay-kim-1"));
  BOOST_TEST(replay.status == 201, shown(replay));
  BOOST_TEST(replay.body == first.body);
  BOOST_TEST(token_status(kim_again) == "ACTIVE");  // a replay completes nothing
  BOOST_TEST(body.value("balance", -1) == kPrice);
}

BOOST_AUTO_TEST_CASE(a_payment_idempotency_key_is_the_users_own) {
  start();
  const auto concert = create_concert();
  const auto schedule = open_schedule(concert, 3);
  const auto kim = customer("kim", 2 * kPrice);
  const auto lee = customer("lee", 2 * kPrice);
  const auto kims = held(kim.token, schedule, 1);
  const auto lees = held(lee.token, schedule, 2);
  const auto first = json_body(pay(kim.token, kims, std::string("same-key")), 201, "kim pays");
  // The same key by another user is another key.
  const auto second = json_body(pay(lee.token, lees, std::string("same-key")), 201, "lee pays");
  BOOST_TEST(int_field(second, "reservationId") == lees);
  BOOST_TEST(int_field(second, "userId") == lee.user);
  BOOST_TEST(balance_of(lee) == kPrice);
  // Lee replaying kim's reservation with that key does not get kim's receipt.
  const auto lee_again = new_token(lee.user);
  const auto stolen = pay(lee_again, kims, std::string("same-key"));
  BOOST_TEST(stolen.body != first.dump());
  BOOST_TEST(stolen.status != 201, shown(stolen));
}

BOOST_AUTO_TEST_CASE(a_payment_idempotency_key_reused_for_another_reservation_is_422) {
  start();
  const auto concert = create_concert();
  const auto schedule = open_schedule(concert, 3);
  const auto kim = customer("kim", 2 * kPrice);
  json_body(pay(kim.token, held(kim.token, schedule, 1), std::string("key-1")), 201, "pay seat 1");
  const auto kim_again = new_token(kim.user);
  const auto second = held(kim_again, schedule, 2);
  const auto state = money_state(kim, schedule, 2);
  expect_problem(pay(kim_again, second, std::string("key-1")), 422, "IDEMPOTENCY_KEY_REUSED",
                 "key of seat 1");
  // Nothing changed: seat 2 is still held, the money is still there, the token still ACTIVE.
  BOOST_TEST(money_state(kim, schedule, 2) == state);
  BOOST_TEST(balance_of(kim) == kPrice);
  BOOST_TEST(seat_status(kim_again, schedule, 2) == "HELD");
  BOOST_TEST(token_status(kim_again) == "ACTIVE");
  json_body(pay(kim_again, second, std::string("key-2")), 201, "pay seat 2 with its own key");
  BOOST_TEST(balance_of(kim) == 0);
}

BOOST_AUTO_TEST_SUITE_END()

#include <boost/test/unit_test.hpp>

// Concurrency promises of API.md's Holds and Payments sections over real HTTP, each client on
// its own keep-alive connection and thread: of many concurrent holds of one seat exactly one is
// created; a reservation is paid once however many payments race, and the same
// Idempotency-Key answers the same 201 to all of them; a passed hold frees the seat. The
// database is checked for what the answers promise.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
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

constexpr std::int64_t kHour = 3'600'000;
constexpr std::int64_t kPrice = 70'000;
constexpr auto kDeadline = std::chrono::seconds(15);

std::int64_t wall_ms() {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string id_text(std::int64_t id) {
  return std::to_string(id);
}

struct Account {
  std::int64_t user = 0;
  std::int64_t wallet = 0;
  std::string token;
};

struct RaceFixture {
  boxoffice::config::DatabaseTarget database = fresh_database("booking_races");
  std::unique_ptr<TestNode> node;
  std::unique_ptr<httplib::Client> http;

  void start(const std::vector<std::string>& flags) {
    http.reset();
    node.reset();
    node = std::make_unique<TestNode>(serve_config(database, flags));
    http = node->client();
  }

  Answer admin_post(const std::string& path, const json& body) {
    return answer_of(http->Post(path, admin_headers(), body.dump(), "application/json"));
  }

  // A user with an ACTIVE token and this balance.
  Account customer(const std::string& name, std::int64_t balance = 0) {
    const auto created =
        json_body(admin_post("/api/v1/admin/users", {{"name", name}}), 201, "create user");
    Account account{int_field(created, "userId"), int_field(created, "walletId"), ""};
    account.token = active_token(account.user);
    if (balance > 0) {
      const auto charged = answer_of(http->Post(
          "/api/v1/wallets/" + id_text(account.wallet) + "/charges",
          json{{"userId", account.user}, {"amount", balance}}.dump(), "application/json"));
      json_body(charged, 200, "charge");
    }
    return account;
  }

  // The user's live token (a new one when the last was completed); it must be ACTIVE.
  std::string active_token(std::int64_t user) {
    const auto answer = answer_of(
        http->Post("/api/v1/queue/tokens", json{{"userId", user}}.dump(), "application/json"));
    BOOST_TEST_REQUIRE((answer.status == 201 || answer.status == 200),
                       "issue token: " << shown(answer));
    const auto body = answer.body_json();
    BOOST_TEST_REQUIRE(body.value("status", std::string()) == "ACTIVE", body.dump());
    return body.at("token").get<std::string>();
  }

  // A schedule of a new concert, bookable now.
  std::int64_t open_schedule(std::int32_t seats) {
    const auto concert =
        int_field(json_body(admin_post("/api/v1/admin/concerts", {{"title", "Race Night"}}), 201,
                            "create concert"),
                  "concertId");
    const auto now = wall_ms();
    const json spec = {{"startsAt", boxoffice::domain::format_rfc3339(now + 24 * kHour)},
                       {"bookingOpensAt", boxoffice::domain::format_rfc3339(now - kHour)},
                       {"bookingClosesAt", boxoffice::domain::format_rfc3339(now + kHour)},
                       {"seatCount", seats},
                       {"seatPrice", kPrice}};
    return int_field(
        json_body(admin_post("/api/v1/admin/concerts/" + id_text(concert) + "/schedules", spec),
                  201, "create schedule"),
        "scheduleId");
  }

  static Answer hold_with(httplib::Client& client, const std::string& token, std::int64_t schedule,
                          std::int32_t seat) {
    return answer_of(client.Post("/api/v1/reservations", bearer(token),
                                 json{{"scheduleId", schedule}, {"seatNumber", seat}}.dump(),
                                 "application/json"));
  }
  static Answer pay_with(httplib::Client& client, const std::string& token,
                         std::int64_t reservation, const std::string& key = "") {
    auto headers = bearer(token);
    if (!key.empty()) headers.emplace("Idempotency-Key", key);
    return answer_of(client.Post("/api/v1/payments", headers,
                                 json{{"reservationId", reservation}}.dump(), "application/json"));
  }
  Answer hold(const std::string& token, std::int64_t schedule, std::int32_t seat) {
    return hold_with(*http, token, schedule, seat);
  }
  Answer pay(const std::string& token, std::int64_t reservation, const std::string& key = "") {
    return pay_with(*http, token, reservation, key);
  }
  Answer cancel(const std::string& token, std::int64_t reservation) {
    return answer_of(http->Delete("/api/v1/reservations/" + id_text(reservation), bearer(token)));
  }

  std::string seat_status(const std::string& token, std::int64_t schedule, std::int32_t seat) {
    const auto body = json_body(
        answer_of(http->Get("/api/v1/schedules/" + id_text(schedule) + "/seats", bearer(token))),
        200, "GET seats");
    return body.at("seats")
        .at(static_cast<std::size_t>(seat) - 1)
        .value("status", std::string("?"));
  }
  std::string reservation_status(const std::string& token, std::int64_t reservation) {
    return json_body(
               answer_of(http->Get("/api/v1/reservations/" + id_text(reservation), bearer(token))),
               200, "GET reservation")
        .value("status", std::string("?"));
  }
  std::string token_status(const std::string& token) {
    return json_body(answer_of(http->Get("/api/v1/queue/tokens/me", bearer(token))), 200, "GET me")
        .value("status", std::string("?"));
  }
  std::int64_t balance_of(const Account& account) {
    return int_field(json_body(answer_of(http->Get("/api/v1/wallets/" + id_text(account.wallet) +
                                                   "?userId=" + id_text(account.user))),
                               200, "GET wallet"),
                     "balance");
  }

  std::int64_t db_number(const std::string& sql) {
    return boxoffice::testing::db_number(database, sql);
  }
  std::string db_text(const std::string& sql) { return boxoffice::testing::db_text(database, sql); }
  std::string seat_where(std::int64_t schedule, std::int32_t seat) {
    return " WHERE schedule_id = " + id_text(schedule) +
           " AND seat_number = " + std::to_string(seat);
  }

  // The wallet in the database: balance = sum of its ledger, and how many payments it made.
  void expect_wallet_audit(const Account& account, std::int64_t balance, std::int64_t payments) {
    const auto wallet = id_text(account.wallet);
    BOOST_TEST(db_number("SELECT balance FROM wallets WHERE id = " + wallet) == balance);
    BOOST_TEST(db_number("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM wallet_ledger WHERE "
                         "wallet_id = " +
                         wallet) == balance);
    BOOST_TEST(
        db_number("SELECT COUNT(*) FROM wallet_ledger WHERE kind = 'PAYMENT' AND wallet_id = " +
                  wallet) == payments);
    BOOST_TEST(db_number("SELECT COUNT(*) FROM payments WHERE wallet_id = " + wallet) == payments);
    BOOST_TEST(balance_of(account) == balance);
  }

  // Runs `work(i, client)` on `threads` threads at once, each with its own keep-alive client;
  // returns every answer of thread i in order.
  std::vector<std::vector<Answer>> race(
      int threads, const std::function<std::vector<Answer>(int, httplib::Client&)>& work) {
    std::vector<std::vector<Answer>> answers(static_cast<std::size_t>(threads));
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i)
      pool.emplace_back([&, i] {
        auto client = node->client();
        client->set_tcp_nodelay(true);
        ++ready;
        while (!go.load()) std::this_thread::yield();
        answers[static_cast<std::size_t>(i)] = work(i, *client);
        client->stop();  // frees the server's worker for the next connection
      });
    while (ready.load() < threads) std::this_thread::yield();
    go = true;
    for (auto& thread : pool) thread.join();
    return answers;
  }
};

const std::vector<std::string> kRaceFlags = {"--queue-max-active", "1000", "--hold-ttl", "60s"};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(booking_races, RaceFixture)

BOOST_AUTO_TEST_CASE(of_200_concurrent_holds_of_one_seat_exactly_one_is_created) {
  start(kRaceFlags);
  constexpr int kUsers = 50;
  constexpr int kTries = 4;
  constexpr std::int32_t kSeat = 2;
  const auto schedule = open_schedule(3);
  std::vector<Account> users;
  for (int i = 0; i < kUsers; ++i) users.push_back(customer("racer" + std::to_string(i)));

  const auto answers = race(kUsers, [&](int i, httplib::Client& client) {
    std::vector<Answer> out;
    for (int n = 0; n < kTries; ++n)
      out.push_back(hold_with(client, users[static_cast<std::size_t>(i)].token, schedule, kSeat));
    return out;
  });

  int created = 0, winner = -1;
  std::int64_t reservation = 0;
  std::map<std::string, int> seen;  // "status code" -> how often, for the failure message
  for (int i = 0; i < kUsers; ++i)
    for (const auto& answer : answers[static_cast<std::size_t>(i)]) {
      ++seen[std::to_string(answer.status) + " " + answer.code()];
      BOOST_TEST((answer.status != 0 && answer.status < 500),
                 "user " << i << ": " << shown(answer));
      if (answer.status == 201) {
        ++created;
        winner = i;
        reservation = answer.body_json().value("reservationId", std::int64_t{0});
      }
    }
  std::string summary;
  for (const auto& [what, count] : seen) summary += what + " x" + std::to_string(count) + "; ";
  BOOST_TEST_REQUIRE(created == 1, "201 answers: " << created << " (" << summary << ")");
  BOOST_TEST_REQUIRE(reservation > 0);
  const auto& champion = users[static_cast<std::size_t>(winner)];

  for (int i = 0; i < kUsers; ++i) {
    const auto& mine = answers[static_cast<std::size_t>(i)];
    BOOST_TEST_REQUIRE(mine.size() == static_cast<std::size_t>(kTries));
    if (i == winner) {
      // Its first request created the hold; its repeats answer the same reservation.
      BOOST_TEST(mine[0].status == 201, shown(mine[0]));
      for (int n = 1; n < kTries; ++n) {
        const auto& again = mine[static_cast<std::size_t>(n)];
        BOOST_TEST(again.status == 200, "winner's repeat: " << shown(again));
        const auto body = again.body_json();
        BOOST_TEST(
            (body.is_object() && body.value("reservationId", std::int64_t{0}) == reservation &&
             body.value("userId", std::int64_t{0}) == champion.user &&
             body.value("status", "") == "HELD"),
            "winner's repeat: " << shown(again));
      }
    } else {
      for (const auto& answer : mine)
        expect_problem(answer, 409, "SEAT_UNAVAILABLE", "user " + std::to_string(i));
    }
  }

  // The database holds exactly that one hold.
  const auto where = seat_where(schedule, kSeat);
  BOOST_TEST(db_number("SELECT COUNT(*) FROM reservations" + where + " AND status = 'HELD'") == 1);
  BOOST_TEST(db_number("SELECT COUNT(*) FROM reservations") == 1);
  BOOST_TEST(db_text("SELECT status FROM seats" + where) == "HELD");
  BOOST_TEST(db_number("SELECT holder_user_id FROM seats" + where) == champion.user);
  BOOST_TEST(db_number("SELECT reservation_id FROM seats" + where) == reservation);
  // And so does every reader.
  BOOST_TEST(seat_status(users[0].token, schedule, kSeat) == "HELD");
  BOOST_TEST(seat_status(users[0].token, schedule, 1) == "AVAILABLE");
  BOOST_TEST(reservation_status(champion.token, reservation) == "HELD");
}

BOOST_AUTO_TEST_CASE(of_20_concurrent_payments_of_one_hold_exactly_one_pays) {
  start(kRaceFlags);
  constexpr int kPayments = 20;
  const auto schedule = open_schedule(3);
  const auto kim = customer("kim", 5 * kPrice);
  const auto id = int_field(json_body(hold(kim.token, schedule, 1), 201, "hold"), "reservationId");

  const auto answers = race(kPayments, [&](int, httplib::Client& client) {
    return std::vector<Answer>{pay_with(client, kim.token, id)};
  });

  int paid = 0;
  for (int i = 0; i < kPayments; ++i) {
    const auto& answer = answers[static_cast<std::size_t>(i)][0];
    if (answer.status == 201) {
      ++paid;
      const auto body = answer.body_json();
      BOOST_TEST(body.value("amount", std::int64_t{-1}) == kPrice, answer.body);
      BOOST_TEST(body.value("balance", std::int64_t{-1}) == 4 * kPrice, answer.body);
      BOOST_TEST(body.value("reservationId", std::int64_t{-1}) == id, answer.body);
      continue;
    }
    const bool expected = (answer.status == 409 && answer.code() == "RESERVATION_EXPIRED") ||
                          (answer.status == 403 && answer.code() == "TOKEN_NOT_ACTIVE");
    BOOST_TEST(expected, "payment " << i << ": " << shown(answer));
  }
  BOOST_TEST(paid == 1);

  // Debited once; the ledger adds up.
  expect_wallet_audit(kim, 4 * kPrice, 1);
  BOOST_TEST(db_number("SELECT COUNT(*) FROM payments WHERE reservation_id = " + id_text(id)) == 1);
  BOOST_TEST(db_text("SELECT status FROM seats" + seat_where(schedule, 1)) == "SOLD");
  BOOST_TEST(db_text("SELECT status FROM reservations WHERE id = " + id_text(id)) == "CONFIRMED");
  BOOST_TEST(token_status(kim.token) == "COMPLETED");
  BOOST_TEST(reservation_status(kim.token, id) == "CONFIRMED");
}

BOOST_AUTO_TEST_CASE(of_20_concurrent_payments_with_one_idempotency_key_all_get_the_same_201) {
  start(kRaceFlags);
  constexpr int kPayments = 20;
  constexpr int kRounds = 5;  // a race may not show in one round
  const auto schedule = open_schedule(kRounds);
  const auto kim = customer("kim", kRounds * kPrice);
  for (int round = 1; round <= kRounds; ++round) {
    BOOST_TEST_CONTEXT("round " << round) {
      const auto token =
          round == 1 ? kim.token : active_token(kim.user);  // each payment completes the token
      const auto id =
          int_field(json_body(hold(token, schedule, round), 201, "hold"), "reservationId");
      const std::string key = "race-key-" + std::to_string(round);

      const auto answers = race(kPayments, [&](int, httplib::Client& client) {
        return std::vector<Answer>{pay_with(client, token, id, key)};
      });

      std::map<std::string, int> bodies;  // "status body" -> how often
      for (const auto& mine : answers)
        ++bodies[std::to_string(mine[0].status) + " " + mine[0].body];
      std::string summary;
      for (const auto& [what, count] : bodies)
        summary += "\n  x" + std::to_string(count) + ": " + what;
      BOOST_TEST(bodies.size() == 1u, "different answers:" << summary);
      const auto& first = answers[0][0];
      BOOST_TEST(first.status == 201, shown(first));
      for (const auto& mine : answers) BOOST_TEST(mine[0].status == 201, shown(mine[0]));

      // One payment of this reservation; the wallet debited once for it.
      BOOST_TEST(db_number("SELECT COUNT(*) FROM payments WHERE reservation_id = " + id_text(id)) ==
                 1);
      expect_wallet_audit(kim, (kRounds - round) * kPrice, round);
      BOOST_TEST(db_text("SELECT status FROM seats" + seat_where(schedule, round)) == "SOLD");
      // A later retry answers the same.
      const auto retry = pay(token, id, key);
      BOOST_TEST(retry.status == 201, shown(retry));
      if (first.status == 201) BOOST_TEST(retry.body == first.body);
    }
  }
}

// Payments of different users that arrive together are written in one batch (docs/adr-005):
// each is decided on its own, one refusal fails none of the others, and a keyed payment
// answers its first 201 again.
BOOST_AUTO_TEST_CASE(concurrent_payments_of_different_users_are_each_decided_on_their_own) {
  start(kRaceFlags);
  constexpr int kPayers = 16;
  const auto schedule = open_schedule(kPayers);
  std::vector<Account> payers;
  std::vector<std::int64_t> reservations;
  for (int i = 0; i < kPayers; ++i) {
    // Payer 0 cannot afford the seat; the others can, with i won left over.
    payers.push_back(customer("payer" + std::to_string(i), i == 0 ? kPrice - 1 : kPrice + i));
    reservations.push_back(int_field(
        json_body(hold(payers.back().token, schedule, i + 1), 201, "hold"), "reservationId"));
  }
  const auto key_of = [](int i) {
    return i % 2 ? "batch-key-" + std::to_string(i) : std::string();
  };
  const auto answers = race(kPayers, [&](int i, httplib::Client& client) {
    const auto at = static_cast<std::size_t>(i);
    return std::vector<Answer>{pay_with(client, payers[at].token, reservations[at], key_of(i))};
  });
  for (int i = 0; i < kPayers; ++i) {
    const auto at = static_cast<std::size_t>(i);
    const auto& answer = answers[at][0];
    BOOST_TEST_CONTEXT("payer " << i << " answered " << shown(answer)) {
      if (i == 0) {
        BOOST_TEST(answer.status == 409);
        BOOST_TEST(answer.code() == "INSUFFICIENT_BALANCE");
        expect_wallet_audit(payers[at], kPrice - 1, 0);
        BOOST_TEST(db_text("SELECT status FROM seats" + seat_where(schedule, 1)) == "HELD");
        BOOST_TEST(reservation_status(payers[at].token, reservations[at]) == "HELD");
        continue;
      }
      BOOST_TEST(answer.status == 201);
      expect_wallet_audit(payers[at], i, 1);
      BOOST_TEST(db_text("SELECT status FROM seats" + seat_where(schedule, i + 1)) == "SOLD");
      if (!key_of(i).empty() && answer.status == 201) {
        const auto retry = pay(payers[at].token, reservations[at], key_of(i));
        BOOST_TEST(retry.status == 201, shown(retry));
        BOOST_TEST(retry.body == answer.body);
      }
    }
  }
  BOOST_TEST(db_number("SELECT COUNT(*) FROM payments") == kPayers - 1);
  BOOST_TEST(db_number("SELECT COUNT(*) FROM seats WHERE status = 'SOLD'") == kPayers - 1);
  BOOST_TEST(db_number("SELECT COUNT(*) FROM reservations WHERE status = 'CONFIRMED'") ==
             kPayers - 1);
}

BOOST_AUTO_TEST_CASE(concurrent_holds_of_different_seats_all_succeed) {
  start(kRaceFlags);
  constexpr int kUsers = 30;
  const auto schedule = open_schedule(kUsers);
  std::vector<Account> users;
  for (int i = 0; i < kUsers; ++i) users.push_back(customer("racer" + std::to_string(i)));
  const auto answers = race(kUsers, [&](int i, httplib::Client& client) {
    return std::vector<Answer>{
        hold_with(client, users[static_cast<std::size_t>(i)].token, schedule, i + 1)};
  });
  std::set<std::int64_t> reservations;
  for (int i = 0; i < kUsers; ++i) {
    const auto& answer = answers[static_cast<std::size_t>(i)][0];
    BOOST_TEST(answer.status == 201, "user " << i << ": " << shown(answer));
    const auto body = answer.body_json();
    if (!body.is_object()) continue;
    reservations.insert(body.value("reservationId", std::int64_t{0}));
    BOOST_TEST(body.value("seatNumber", 0) == i + 1, answer.body);
    BOOST_TEST(body.value("userId", std::int64_t{0}) == users[static_cast<std::size_t>(i)].user,
               answer.body);
  }
  BOOST_TEST(reservations.size() == static_cast<std::size_t>(kUsers));
  BOOST_TEST(db_number("SELECT COUNT(*) FROM reservations WHERE status = 'HELD'") == kUsers);
  BOOST_TEST(db_number("SELECT COUNT(*) FROM seats WHERE status = 'HELD' AND schedule_id = " +
                       id_text(schedule)) == kUsers);
  BOOST_TEST(db_number("SELECT COUNT(*) FROM seats s JOIN reservations r ON r.id = s.reservation_id"
                       " WHERE r.user_id = s.holder_user_id AND r.seat_number = s.seat_number") ==
             kUsers);
}

BOOST_AUTO_TEST_CASE(one_user_holding_one_seat_20_times_at_once_gets_one_hold) {
  start(kRaceFlags);
  constexpr int kRequests = 20;
  const auto schedule = open_schedule(2);
  const auto kim = customer("kim");
  const auto answers = race(kRequests, [&](int, httplib::Client& client) {
    return std::vector<Answer>{hold_with(client, kim.token, schedule, 1)};
  });
  int created = 0;
  std::set<std::int64_t> reservations;
  std::set<std::string> held_until;
  for (const auto& mine : answers) {
    const auto& answer = mine[0];
    BOOST_TEST((answer.status == 201 || answer.status == 200), shown(answer));
    if (answer.status == 201) ++created;
    const auto body = answer.body_json();
    if (!body.is_object()) continue;
    reservations.insert(body.value("reservationId", std::int64_t{0}));
    held_until.insert(body.value("heldUntil", std::string()));
    BOOST_TEST(body.value("userId", std::int64_t{0}) == kim.user, answer.body);
    BOOST_TEST(body.value("status", "") == "HELD", answer.body);
  }
  BOOST_TEST(created == 1);
  BOOST_TEST(reservations.size() == 1u);  // the same reservation for all of them
  BOOST_TEST(held_until.size() == 1u);    // not extended
  BOOST_TEST(db_number("SELECT COUNT(*) FROM reservations") == 1);
  BOOST_TEST(db_text("SELECT status FROM seats" + seat_where(schedule, 1)) == "HELD");
}

BOOST_AUTO_TEST_CASE(two_holds_paid_at_once_with_one_idempotency_key_are_not_confused) {
  start(kRaceFlags);
  constexpr int kRounds = 5;
  const auto schedule = open_schedule(2 * kRounds);
  const auto kim = customer("kim", 2 * kRounds * kPrice);
  std::int64_t balance = 2 * kRounds * kPrice;
  std::int64_t payments = 0;
  for (int round = 0; round < kRounds; ++round) {
    BOOST_TEST_CONTEXT("round " << round) {
      const auto token = active_token(kim.user);
      const std::int32_t seats[2] = {2 * round + 1, 2 * round + 2};
      const std::int64_t ids[2] = {
          int_field(json_body(hold(token, schedule, seats[0]), 201, "hold"), "reservationId"),
          int_field(json_body(hold(token, schedule, seats[1]), 201, "hold"), "reservationId")};
      const std::string key = "shared-key-" + std::to_string(round);
      const auto answers = race(2, [&](int i, httplib::Client& client) {
        return std::vector<Answer>{pay_with(client, token, ids[i], key)};
      });
      int paid = 0;
      for (int i = 0; i < 2; ++i) {
        const auto& answer = answers[static_cast<std::size_t>(i)][0];
        if (answer.status == 201) {
          ++paid;
          // A receipt answers the reservation that was asked for, never the other one.
          BOOST_TEST(answer.body_json().value("reservationId", std::int64_t{0}) == ids[i],
                     "asked to pay " << ids[i] << ", got " << answer.body);
        } else {
          // The same key with another body: IDEMPOTENCY_KEY_REUSED, or TOKEN_NOT_ACTIVE once the
          // first payment completed the token.
          BOOST_TEST(((answer.status == 422 && answer.code() == "IDEMPOTENCY_KEY_REUSED") ||
                      (answer.status == 403 && answer.code() == "TOKEN_NOT_ACTIVE")),
                     "pay " << ids[i] << ": " << shown(answer));
        }
      }
      BOOST_TEST(paid == 1);
      // Exactly what was paid is sold; the other hold is still held.
      const auto sold =
          db_number("SELECT COUNT(*) FROM seats WHERE schedule_id = " + id_text(schedule) +
                    " AND status = 'SOLD'");
      BOOST_TEST(sold == round + 1);
      balance -= kPrice;
      ++payments;
      expect_wallet_audit(kim, balance, payments);
      for (int i = 0; i < 2; ++i) {
        const auto status =
            db_text("SELECT status FROM reservations WHERE id = " + id_text(ids[i]));
        const auto paid_rows =
            db_number("SELECT COUNT(*) FROM payments WHERE reservation_id = " + id_text(ids[i]));
        BOOST_TEST(
            ((status == "CONFIRMED" && paid_rows == 1) || (status == "HELD" && paid_rows == 0)),
            "reservation " << ids[i] << ": " << status << ", " << paid_rows << " payments");
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_passed_hold_frees_the_seat_for_somebody_else) {
  constexpr auto kTtl = std::chrono::seconds(2);
  start({"--queue-max-active", "1000", "--hold-ttl", "2s"});
  const auto schedule = open_schedule(2);
  const auto kim = customer("kim", kPrice);
  const auto lee = customer("lee");
  const auto sent = Clock::now();
  const auto sent_wall = wall_ms();
  const auto first = json_body(hold(kim.token, schedule, 1), 201, "kim holds");
  const auto received_wall = wall_ms();
  const auto id = int_field(first, "reservationId");
  const auto until = boxoffice::domain::parse_rfc3339(first.value("heldUntil", std::string()));
  BOOST_TEST_REQUIRE(until.has_value(), first.dump());
  BOOST_TEST(*until >= sent_wall + 2'000 - 1, first.dump());
  BOOST_TEST(*until <= received_wall + 2'000 + 1, first.dump());

  // Nobody else can take it while it is held.
  expect_problem(hold(lee.token, schedule, 1), 409, "SEAT_UNAVAILABLE",
                 "lee, right after kim's hold");
  BOOST_TEST_REQUIRE((Clock::now() < sent + kTtl), "the setup took longer than the hold time");

  // HELD until the hold time passed, then AVAILABLE: polled, never before sent + ttl.
  const auto not_before = sent + kTtl;
  bool freed = false;
  while (!freed) {
    const auto status = seat_status(lee.token, schedule, 1);
    const auto seen_at = Clock::now();
    if (status == "AVAILABLE") {
      freed = true;
      BOOST_TEST(
          (seen_at >= not_before - milliseconds(20)),
          "AVAILABLE " << std::chrono::duration_cast<milliseconds>(not_before - seen_at).count()
                       << " ms before the hold time passed");
      break;
    }
    BOOST_TEST_REQUIRE(status == "HELD", "seat 1 is " << status);
    BOOST_TEST_REQUIRE((seen_at < not_before + kDeadline),
                       "seat 1 still HELD long after its hold time");
    std::this_thread::sleep_for(milliseconds(25));
  }

  // Paying the passed hold is refused and changes nothing.
  expect_problem(pay(kim.token, id), 409, "RESERVATION_EXPIRED", "pay the passed hold");
  BOOST_TEST(token_status(kim.token) == "ACTIVE");
  expect_wallet_audit(kim, kPrice, 0);

  // Somebody else holds it now.
  const auto second = json_body(hold(lee.token, schedule, 1), 201, "lee holds the freed seat");
  const auto lees = int_field(second, "reservationId");
  BOOST_TEST(lees != id);
  BOOST_TEST(int_field(second, "userId") == lee.user);
  BOOST_TEST(seat_status(kim.token, schedule, 1) == "HELD");
  BOOST_TEST(reservation_status(kim.token, id) == "EXPIRED");
  BOOST_TEST(reservation_status(lee.token, lees) == "HELD");
  expect_problem(pay(kim.token, id), 409, "RESERVATION_EXPIRED", "pay the replaced hold");
  expect_problem(hold(kim.token, schedule, 1), 409, "SEAT_UNAVAILABLE", "kim asks again");
  expect_problem(cancel(kim.token, id), 409, "RESERVATION_EXPIRED",
                 "kim cancels the replaced hold");
  const auto where = seat_where(schedule, 1);
  BOOST_TEST(db_text("SELECT status FROM reservations WHERE id = " + id_text(id)) == "EXPIRED");
  BOOST_TEST(db_number("SELECT COUNT(*) FROM reservations" + where + " AND status = 'HELD'") == 1);
  BOOST_TEST(db_number("SELECT holder_user_id FROM seats" + where) == lee.user);
  BOOST_TEST(db_number("SELECT reservation_id FROM seats" + where) == lees);
}

BOOST_AUTO_TEST_CASE(a_hold_cancelled_and_paid_at_once_ends_one_way) {
  start(kRaceFlags);
  constexpr int kRounds = 10;  // a race may not show in one round
  const auto schedule = open_schedule(kRounds);
  const auto kim = customer("kim", kRounds * kPrice);
  const auto lee = customer("lee");
  std::int64_t balance = kRounds * kPrice;
  std::int64_t payments = 0;
  for (std::int32_t seat = 1; seat <= kRounds; ++seat) {
    BOOST_TEST_CONTEXT("seat " << seat) {
      const auto token = active_token(kim.user);
      const auto id =
          int_field(json_body(hold(token, schedule, seat), 201, "hold"), "reservationId");
      const auto answers = race(2, [&](int i, httplib::Client& client) {
        if (i == 0) return std::vector<Answer>{pay_with(client, token, id)};
        return std::vector<Answer>{
            answer_of(client.Delete("/api/v1/reservations/" + id_text(id), bearer(token)))};
      });
      const auto& paid = answers[0][0];
      const auto& cancelled = answers[1][0];
      if (paid.status == 201) {
        // The payment completes the token: a cancel checked after that is refused at the
        // gate (the contract checks the token first), one checked before it finds the seat sold.
        const bool refused_at_gate =
            cancelled.status == 403 && cancelled.code() == "TOKEN_NOT_ACTIVE";
        if (!refused_at_gate)
          expect_problem(cancelled, 409, "RESERVATION_EXPIRED", "cancel after the payment won");
        balance -= kPrice;
        ++payments;
        BOOST_TEST(seat_status(lee.token, schedule, seat) == "SOLD");
        BOOST_TEST(reservation_status(token, id) == "CONFIRMED");
      } else {
        BOOST_TEST(cancelled.status == 200,
                   "neither won: pay " << shown(paid) << ", cancel " << shown(cancelled));
        expect_problem(paid, 409, "RESERVATION_EXPIRED", "payment after the cancel won");
        BOOST_TEST(seat_status(lee.token, schedule, seat) == "AVAILABLE");
        BOOST_TEST(reservation_status(token, id) == "CANCELLED");
      }
      expect_wallet_audit(kim, balance, payments);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

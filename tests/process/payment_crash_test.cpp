#include <boost/test/unit_test.hpp>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "storage/session_factory.hpp"
#include "support/http_json.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace boxoffice::testing {
namespace {

constexpr int kUsers = 24;
constexpr int kSeats = 400;
constexpr long long kPrice = 10'000;
constexpr long long kCharge = 2'000'000;

struct Acknowledged {
  std::mutex mutex;
  std::condition_variable more;
  std::set<long long> payments;  // payment ids answered 201
  int count = 0;
};

std::vector<std::string> server_args(const config::DatabaseTarget& database) {
  return {"serve",       "--listen",   "127.0.0.1:0", "--database", database.url,
          "--admin-key", "k",          "--log-level", "warn",       "--queue-max-active",
          "10000",       "--hold-ttl", "10m"};
}

nlohmann::json json_of(const httplib::Result& answer) {
  return answer ? nlohmann::json::parse(answer->body, nullptr, false) : nlohmann::json();
}

// Token, hold, pay in a loop until the server is gone. Any 5xx is a failure; 409s are the
// races between threads (a seat someone else holds).
void shop_until_down(int port, int thread, int round, const std::vector<long long>& users,
                     Acknowledged& acknowledged) {
  httplib::Client client("127.0.0.1", port);
  client.set_keep_alive(true);
  std::mt19937 random(static_cast<unsigned>(round * 100 + thread));
  for (int i = 0;; ++i) {
    const long long user = users[random() % users.size()];
    auto token = post_json(client, "/api/v1/queue/tokens", {{"userId", user}});
    if (!token) return;
    BOOST_REQUIRE_LT(token->status, 500);
    const std::string bearer = "Bearer " + json_of(token)["token"].get<std::string>();
    const int seat = 1 + static_cast<int>(random() % kSeats);
    auto hold = post_json(client, "/api/v1/reservations", {{"scheduleId", 1}, {"seatNumber", seat}},
                          {{"Authorization", bearer}});
    if (!hold) return;
    BOOST_REQUIRE_LT(hold->status, 500);
    if (hold->status != 201 && hold->status != 200) continue;
    const long long reservation = json_of(hold)["reservationId"];
    const std::string key =
        "r" + std::to_string(round) + "t" + std::to_string(thread) + "i" + std::to_string(i);
    auto paid = post_json(client, "/api/v1/payments", {{"reservationId", reservation}},
                          {{"Authorization", bearer}, {"Idempotency-Key", key}});
    if (!paid) return;
    BOOST_REQUIRE_LT(paid->status, 500);
    if (paid->status != 201) continue;
    std::lock_guard<std::mutex> lock(acknowledged.mutex);
    acknowledged.payments.insert(json_of(paid)["paymentId"].get<long long>());
    ++acknowledged.count;
    acknowledged.more.notify_all();
  }
}

long long scalar(soci::session& session, const std::string& sql) {
  long long value = 0;
  session << sql, soci::into(value);
  return value;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(payment_crash_safety)

BOOST_AUTO_TEST_CASE(kill_minus_nine_mid_payment_never_sells_twice_or_loses_money) {
  const auto database = fresh_database("payment_crash");
  std::vector<long long> users;
  Acknowledged acknowledged;
  for (int round = 0; round < 3; ++round) {
    ServerProcess server(server_args(database));
    server.start();
    if (round == 0) {
      httplib::Client admin("127.0.0.1", server.port());
      const httplib::Headers key{{"X-Admin-Key", "k"}};
      for (int u = 0; u < kUsers; ++u) {
        auto user = json_of(
            post_json(admin, "/api/v1/admin/users", {{"name", "fan" + std::to_string(u)}}, key));
        users.push_back(user["userId"]);
        auto charged = post_json(
            admin,
            "/api/v1/wallets/" + std::to_string(user["walletId"].get<long long>()) + "/charges",
            {{"userId", user["userId"]}, {"amount", kCharge}});
        BOOST_REQUIRE(charged && charged->status == 200);
      }
      BOOST_REQUIRE(
          post_json(admin, "/api/v1/admin/concerts", {{"title", "crash tour"}}, key)->status ==
          201);
      auto schedule = post_json(admin, "/api/v1/admin/concerts/1/schedules",
                                {{"startsAt", "2030-01-01T19:00:00Z"},
                                 {"bookingOpensAt", "2020-01-01T00:00:00Z"},
                                 {"bookingClosesAt", "2029-12-31T00:00:00Z"},
                                 {"seatCount", kSeats},
                                 {"seatPrice", kPrice}},
                                key);
      BOOST_REQUIRE(schedule && schedule->status == 201);
    }
    int target = 0;
    {
      std::lock_guard<std::mutex> lock(acknowledged.mutex);
      target = acknowledged.count + 25;
    }
    std::vector<std::thread> shoppers;
    for (int t = 0; t < 6; ++t)
      shoppers.emplace_back(shop_until_down, server.port(), t, round, std::cref(users),
                            std::ref(acknowledged));
    {
      std::unique_lock<std::mutex> lock(acknowledged.mutex);
      acknowledged.more.wait(lock, [&] { return acknowledged.count >= target; });
    }
    server.signal(SIGKILL);  // payments, holds and token writes are in flight
    BOOST_TEST(server.wait_exit(std::chrono::seconds(10)) == 128 + SIGKILL);
    for (auto& shopper : shoppers) shopper.join();
  }

  // A restart loads what was committed and serves again.
  ServerProcess server(server_args(database));
  server.start();
  httplib::Client client("127.0.0.1", server.port());
  BOOST_TEST(client.Get("/readyz")->status == 200);

  auto session = storage::open_session(database);
  auto& sql = *session;
  const long long payments = scalar(sql, "SELECT COUNT(*) FROM payments");
  BOOST_TEST(payments >= static_cast<long long>(acknowledged.payments.size()));
  // Every acknowledged payment is there.
  for (const long long id : acknowledged.payments)
    BOOST_TEST(scalar(sql, "SELECT COUNT(*) FROM payments WHERE id = " + std::to_string(id)) == 1);
  // No seat sold twice; every SOLD seat has exactly one payment and one CONFIRMED reservation.
  BOOST_TEST(scalar(sql, "SELECT COUNT(*) FROM seats WHERE status = 'SOLD'") == payments);
  BOOST_TEST(scalar(sql,
                    "SELECT COUNT(*) FROM (SELECT schedule_id, seat_number FROM payments"
                    " GROUP BY schedule_id, seat_number HAVING COUNT(*) > 1) AS twice") == 0);
  BOOST_TEST(scalar(sql,
                    "SELECT COUNT(*) FROM seats s WHERE s.status = 'SOLD' AND"
                    " (SELECT COUNT(*) FROM payments p WHERE p.schedule_id = s.schedule_id"
                    " AND p.seat_number = s.seat_number) <> 1") == 0);
  BOOST_TEST(scalar(sql,
                    "SELECT COUNT(*) FROM seats s WHERE s.status = 'SOLD' AND"
                    " (SELECT COUNT(*) FROM reservations r WHERE r.schedule_id = s.schedule_id"
                    " AND r.seat_number = s.seat_number AND r.status = 'CONFIRMED') <> 1") == 0);
  BOOST_TEST(scalar(sql, "SELECT COUNT(*) FROM reservations WHERE status = 'CONFIRMED'") ==
             payments);
  // Money conserved: charges = balances + payments; each wallet's ledger sums to its balance.
  const long long charged =
      scalar(sql, "SELECT COALESCE(SUM(amount), 0) FROM wallet_ledger WHERE kind = 'CHARGE'");
  BOOST_TEST(charged == kUsers * kCharge);
  BOOST_TEST(charged == scalar(sql, "SELECT COALESCE(SUM(balance), 0) FROM wallets") +
                            scalar(sql, "SELECT COALESCE(SUM(amount), 0) FROM payments"));
  BOOST_TEST(
      scalar(sql,
             "SELECT COUNT(*) FROM wallets w WHERE w.balance <>"
             " (SELECT COALESCE(SUM(amount), 0) FROM wallet_ledger l WHERE l.wallet_id = w.id)") ==
      0);
  BOOST_TEST(scalar(sql, "SELECT COUNT(*) FROM wallets WHERE balance < 0") == 0);
  // Every payment completed its token.
  BOOST_TEST(scalar(sql, "SELECT COUNT(*) FROM queue_tokens WHERE status = 'COMPLETED'") ==
             payments);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::testing

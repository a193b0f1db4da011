#include <boost/test/unit_test.hpp>
#include <condition_variable>
#include <csignal>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "storage/session_factory.hpp"
#include "support/http_json.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace boxoffice::testing {
namespace {

struct Ledger {
  std::mutex mutex;
  std::condition_variable acknowledged_more;
  long long attempted = 0;
  long long acknowledged = 0;
  int acknowledged_count = 0;
  std::map<std::string, std::string> first_answers;  // Idempotency-Key -> body
  std::map<std::string, long long> amounts;
};

std::vector<std::string> server_args(const config::DatabaseTarget& database) {
  return {"serve",       "--listen", "127.0.0.1:0", "--database", database.url,
          "--admin-key", "k",        "--log-level", "warn"};
}

// Charges with unique keys until the server stops answering.
void charge_until_down(int port, long long wallet, long long user, int thread, int round,
                       Ledger& ledger) {
  httplib::Client client("127.0.0.1", port);
  client.set_keep_alive(true);
  std::mt19937 random(static_cast<unsigned>(thread * 1000 + round));
  for (int i = 0;; ++i) {
    const long long amount = 1 + static_cast<long long>(random() % 1000);
    const std::string key =
        "r" + std::to_string(round) + "-t" + std::to_string(thread) + "-" + std::to_string(i);
    {
      std::lock_guard<std::mutex> lock(ledger.mutex);
      ledger.attempted += amount;
      ledger.amounts[key] = amount;
    }
    auto answer = post_json(client, "/api/v1/wallets/" + std::to_string(wallet) + "/charges",
                            {{"userId", user}, {"amount", amount}}, {{"Idempotency-Key", key}});
    if (!answer) return;  // the server is gone
    BOOST_REQUIRE_EQUAL(answer->status, 200);
    std::lock_guard<std::mutex> lock(ledger.mutex);
    ledger.acknowledged += amount;
    ++ledger.acknowledged_count;
    ledger.first_answers[key] = answer->body;
    ledger.acknowledged_more.notify_all();
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(charge_crash_safety)

BOOST_AUTO_TEST_CASE(every_acknowledged_charge_survives_kill_minus_nine) {
  const auto database = fresh_database("charge_crash");
  long long wallet = 0, user = 0;
  Ledger ledger;
  for (int round = 0; round < 3; ++round) {
    ServerProcess server(server_args(database));
    server.start();
    if (round == 0) {
      httplib::Client admin("127.0.0.1", server.port());
      auto created =
          post_json(admin, "/api/v1/admin/users", {{"name", "kim"}}, {{"X-Admin-Key", "k"}});
      BOOST_REQUIRE(created && created->status == 201);
      const auto json = nlohmann::json::parse(created->body);
      wallet = json["walletId"];
      user = json["userId"];
    }
    int target = 0;
    {
      std::lock_guard<std::mutex> lock(ledger.mutex);
      target = ledger.acknowledged_count + 150;
    }
    std::vector<std::thread> clients;
    for (int t = 0; t < 6; ++t)
      clients.emplace_back(charge_until_down, server.port(), wallet, user, t, round,
                           std::ref(ledger));
    {
      std::unique_lock<std::mutex> lock(ledger.mutex);
      ledger.acknowledged_more.wait(lock, [&] { return ledger.acknowledged_count >= target; });
    }
    server.signal(SIGKILL);  // mid-stream: requests are in flight on six connections
    BOOST_TEST(server.wait_exit(std::chrono::seconds(10)) == 128 + SIGKILL);
    for (auto& client : clients) client.join();
  }

  ServerProcess server(server_args(database));
  server.start();
  httplib::Client client("127.0.0.1", server.port());
  auto read = client.Get(
      ("/api/v1/wallets/" + std::to_string(wallet) + "?userId=" + std::to_string(user)).c_str());
  BOOST_REQUIRE(read && read->status == 200);
  const long long balance = nlohmann::json::parse(read->body)["balance"];
  BOOST_TEST(balance >= ledger.acknowledged);
  BOOST_TEST(balance <= ledger.attempted);

  auto session = storage::open_session(database);
  long long ledger_sum = 0;
  *session << "SELECT COALESCE(SUM(amount), 0) FROM wallet_ledger WHERE wallet_id = :w",
      soci::use(wallet), soci::into(ledger_sum);
  BOOST_TEST(ledger_sum == balance);

  // Each acknowledged charge is in the database: its key answers with the first answer.
  for (const auto& [key, body] : ledger.first_answers) {
    auto replay =
        post_json(client, "/api/v1/wallets/" + std::to_string(wallet) + "/charges",
                  {{"userId", user}, {"amount", ledger.amounts[key]}}, {{"Idempotency-Key", key}});
    BOOST_REQUIRE(replay);
    BOOST_TEST(replay->status == 200);
    BOOST_TEST(replay->body == body);
  }
  auto after = client.Get(
      ("/api/v1/wallets/" + std::to_string(wallet) + "?userId=" + std::to_string(user)).c_str());
  BOOST_TEST(nlohmann::json::parse(after->body)["balance"].get<long long>() ==
             balance);  // replays charged nothing
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::testing

#include <boost/test/unit_test.hpp>

// The Wallets section of API.md (balance, charges, Idempotency-Key), through a whole node on
// a fresh database, over real HTTP.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/answer_checks.hpp"
#include "support/raw_connection.hpp"
#include "support/test_database.hpp"
#include "support/test_node.hpp"
#include "support/text.hpp"

namespace {

using namespace boxoffice::testing;
using nlohmann::json;

struct Account {
  std::int64_t user = 0;
  std::int64_t wallet = 0;
};

std::string wallet_path(const std::string& wallet) {
  return "/api/v1/wallets/" + wallet;
}
std::string wallet_path(std::int64_t wallet) {
  return wallet_path(std::to_string(wallet));
}
std::string charges_path(const std::string& wallet) {
  return wallet_path(wallet) + "/charges";
}
std::string charges_path(std::int64_t wallet) {
  return charges_path(std::to_string(wallet));
}

json charge_body(std::int64_t user, std::int64_t amount) {
  return {{"userId", user}, {"amount", amount}};
}

// A 200 application/json answer; returns its body.
json ok_body(const Answer& answer) {
  return json_body(answer, 200, "expected a 200 answer");
}

struct WalletFixture {
  boxoffice::config::DatabaseTarget database = fresh_database("wallet_routes");
  std::unique_ptr<TestNode> node;
  std::unique_ptr<httplib::Client> http;

  WalletFixture() { start(); }

  // (Re)starts the node on this fixture's database with these extra flags.
  void start(const std::vector<std::string>& flags = {}) {
    http.reset();
    node.reset();
    node = std::make_unique<TestNode>(serve_config(database, flags));
    http = node->client();
  }

  Account create_user(const std::string& name = "kim") {
    const auto result = http->Post("/api/v1/admin/users", admin_headers(),
                                   json{{"name", name}}.dump(), "application/json");
    BOOST_TEST_REQUIRE(static_cast<bool>(result), "no answer");
    BOOST_TEST_REQUIRE(result->status == 201, result->body);
    const auto body = body_json(result);
    return {body.at("userId").get<std::int64_t>(), body.at("walletId").get<std::int64_t>()};
  }

  Answer get_wallet(const std::string& path) { return answer_of(http->Get(path.c_str())); }
  Answer get_balance(std::int64_t wallet, std::int64_t user) {
    return get_wallet(wallet_path(wallet) + "?userId=" + std::to_string(user));
  }

  // The balance as its owner reads it.
  std::int64_t balance_of(const Account& account) {
    const auto body = ok_body(get_balance(account.wallet, account.user));
    BOOST_TEST_REQUIRE(body.value("balance", json()).is_number_integer(), body.dump());
    return body.at("balance").get<std::int64_t>();
  }

  Answer post_charge(const std::string& path, const std::string& body,
                     const std::optional<std::string>& key = {}) {
    httplib::Headers headers;
    if (key) headers.emplace("Idempotency-Key", *key);
    return answer_of(http->Post(path.c_str(), headers, body, "application/json"));
  }
  Answer charge(std::int64_t wallet, std::int64_t user, std::int64_t amount,
                const std::optional<std::string>& key = {}) {
    return post_charge(charges_path(wallet), charge_body(user, amount).dump(), key);
  }
  Answer charge(const Account& account, std::int64_t amount,
                const std::optional<std::string>& key = {}) {
    return charge(account.wallet, account.user, amount, key);
  }

  // A charge whose header lines ("Name: value\r\n" each) go out exactly as given.
  Answer raw_charge(const Account& account, std::int64_t amount, const std::string& header_lines) {
    const std::string body = charge_body(account.user, amount).dump();
    return answer_of(raw_exchange(
        node->port(), "POST " + charges_path(account.wallet) +
                          " HTTP/1.1\r\n"
                          "Host: 127.0.0.1\r\n"
                          "Connection: close\r\n"
                          "Content-Type: application/json\r\n" +
                          header_lines + "Content-Length: " + std::to_string(body.size()) +
                          "\r\n\r\n" + body));
  }

  // A successful charge: the receipt names the wallet, the user, the new balance and the amount.
  void expect_receipt(const Answer& answer, const Account& account, std::int64_t balance,
                      std::int64_t charged) {
    const json expected = {{"walletId", account.wallet},
                           {"userId", account.user},
                           {"balance", balance},
                           {"charged", charged}};
    const bool same = answer.status == 200 && json::parse(answer.body, nullptr, false) == expected;
    BOOST_TEST(same, "expected 200 " << expected.dump() << ", got " << shown(answer));
    if (same) BOOST_TEST(starts_with(answer.content_type, "application/json"), answer.content_type);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(wallet_routes, WalletFixture)

// --- GET /api/v1/wallets/{walletId}?userId= -------------------------------------------------

BOOST_AUTO_TEST_CASE(balance_of_a_new_wallet_is_zero) {
  const auto kim = create_user("kim");
  const auto body = ok_body(get_balance(kim.wallet, kim.user));
  BOOST_TEST(body == json({{"walletId", kim.wallet}, {"userId", kim.user}, {"balance", 0}}),
             body.dump());
}

BOOST_AUTO_TEST_CASE(balance_shows_the_sum_of_the_charges) {
  const auto kim = create_user("kim");
  const auto lee = create_user("lee");
  expect_receipt(charge(kim, 50'000), kim, 50'000, 50'000);
  expect_receipt(charge(kim, 1), kim, 50'001, 1);
  expect_receipt(charge(lee, 7), lee, 7, 7);
  expect_receipt(charge(kim, 30'000), kim, 80'001, 30'000);
  const auto body = ok_body(get_balance(kim.wallet, kim.user));
  BOOST_TEST(body == json({{"walletId", kim.wallet}, {"userId", kim.user}, {"balance", 80'001}}),
             body.dump());
  BOOST_TEST(balance_of(lee) == 7);
}

BOOST_AUTO_TEST_CASE(balance_of_a_missing_wallet_is_wallet_not_found) {
  const auto kim = create_user("kim");
  // WALLET_NOT_FOUND comes first, whether the user exists or not.
  expect_problem(get_balance(kim.wallet + 1000, kim.user), 404, "WALLET_NOT_FOUND");
  expect_problem(get_balance(kim.wallet + 1000, kim.user + 1000), 404, "WALLET_NOT_FOUND");
  expect_problem(get_balance(9223372036854775807LL, 9223372036854775807LL), 404,
                 "WALLET_NOT_FOUND");
}

BOOST_AUTO_TEST_CASE(balance_of_an_existing_wallet_for_a_missing_user_is_user_not_found) {
  const auto kim = create_user("kim");
  expect_problem(get_balance(kim.wallet, kim.user + 1000), 404, "USER_NOT_FOUND");
  expect_problem(get_balance(kim.wallet, 9223372036854775807LL), 404, "USER_NOT_FOUND");
}

BOOST_AUTO_TEST_CASE(balance_asked_by_another_user_is_wallet_owner_mismatch) {
  const auto kim = create_user("kim");
  const auto lee = create_user("lee");
  expect_receipt(charge(kim, 500), kim, 500, 500);
  expect_problem(get_balance(kim.wallet, lee.user), 403, "WALLET_OWNER_MISMATCH");
  expect_problem(get_balance(lee.wallet, kim.user), 403, "WALLET_OWNER_MISMATCH");
  // The refused reads did not disturb anything.
  BOOST_TEST(balance_of(kim) == 500);
  BOOST_TEST(balance_of(lee) == 0);
}

BOOST_AUTO_TEST_CASE(a_wallet_looked_up_before_it_exists_is_found_once_created) {
  const auto kim = create_user("kim");
  // Ids are handed out in order here; the next user's wallet is not there yet.
  expect_problem(get_balance(kim.wallet + 1, kim.user + 1), 404, "WALLET_NOT_FOUND");
  expect_problem(charge(kim.wallet + 1, kim.user + 1, 10), 404, "WALLET_NOT_FOUND");
  const auto lee = create_user("lee");
  BOOST_TEST_REQUIRE(lee.wallet == kim.wallet + 1);
  BOOST_TEST_REQUIRE(lee.user == kim.user + 1);
  BOOST_TEST(balance_of(lee) == 0);
  expect_receipt(charge(lee, 10), lee, 10, 10);
}

BOOST_AUTO_TEST_CASE(made_up_wallet_ids_start_no_actor_and_cost_no_read_each) {
  const auto kim = create_user("kim");
  BOOST_TEST(balance_of(kim) == 0);
  const auto spawned = metric_sample(*http, "boxoffice_entity_actors_spawned_total");
  const auto reads = metric_sample(*http, "boxoffice_id_directory_reads_total");
  BOOST_TEST_REQUIRE(reads >= 0);
  constexpr int kFans = 8;
  constexpr int kEach = 25;
  std::atomic<int> wrong{0};
  std::vector<std::thread> fans;
  for (int f = 0; f < kFans; ++f)
    fans.emplace_back([&, f] {
      auto client = node->client();
      for (int i = 0; i < kEach; ++i) {
        const auto wallet = kim.wallet + 1 + f * 1'000'003LL + i * 7919LL;
        const auto answer =
            answer_of(client->Get((wallet_path(wallet) + "?userId=" + std::to_string(kim.user))));
        if (answer.status != 404 || answer.code() != "WALLET_NOT_FOUND") ++wrong;
      }
    });
  for (auto& fan : fans) fan.join();
  BOOST_TEST(wrong == 0);
  // No wallet actor started for any of them, and the id list was read far less often than
  // once per request (reads are coalesced: actors/known_ids.hpp).
  BOOST_TEST(metric_sample(*http, "boxoffice_entity_actors_spawned_total") == spawned);
  const auto reads_after = metric_sample(*http, "boxoffice_id_directory_reads_total");
  BOOST_TEST(reads_after - reads < kFans * kEach / 4, "id list reads: " << reads_after - reads);
  BOOST_TEST(balance_of(kim) == 0);
}

BOOST_AUTO_TEST_CASE(balance_with_a_malformed_wallet_id_is_invalid_request) {
  const auto kim = create_user("kim");
  const std::string user = "?userId=" + std::to_string(kim.user);
  for (const std::string wallet : {"abc", "0", "-1", "1.5", "1e3", "+1", "0x1",
                                   "9223372036854775808", "99999999999999999999"}) {
    BOOST_TEST_CONTEXT("walletId " << wallet) {
      expect_problem(get_wallet(wallet_path(wallet) + user), 400, "INVALID_REQUEST");
    }
  }
}

BOOST_AUTO_TEST_CASE(balance_without_a_numeric_user_id_is_invalid_request) {
  const auto kim = create_user("kim");
  const std::string path = wallet_path(kim.wallet);
  for (const std::string query :
       {"", "?", "?userId=", "?userId=abc", "?userId=0", "?userId=-1", "?userId=1.5",
        "?userId=9223372036854775808", "?user=1", "?userid=1"}) {
    BOOST_TEST_CONTEXT("query \"" << query << "\"") {
      expect_problem(get_wallet(path + query), 400, "INVALID_REQUEST");
    }
  }
  // Malformed input is refused before the wallet is looked up.
  expect_problem(get_wallet(wallet_path(kim.wallet + 1000) + "?userId=abc"), 400,
                 "INVALID_REQUEST");
}

BOOST_AUTO_TEST_CASE(wallet_paths_with_another_method_are_method_not_allowed) {
  const auto kim = create_user("kim");
  expect_problem(http->Delete(wallet_path(kim.wallet).c_str()), 405, "METHOD_NOT_ALLOWED");
  expect_problem(http->Post(wallet_path(kim.wallet).c_str(), charge_body(kim.user, 10).dump(),
                            "application/json"),
                 405, "METHOD_NOT_ALLOWED");
  expect_problem(http->Get(charges_path(kim.wallet).c_str()), 405, "METHOD_NOT_ALLOWED");
  expect_problem(http->Put(charges_path(kim.wallet).c_str(), charge_body(kim.user, 10).dump(),
                           "application/json"),
                 405, "METHOD_NOT_ALLOWED");
  BOOST_TEST(balance_of(kim) == 0);
}

// --- POST /api/v1/wallets/{walletId}/charges -------------------------------------------------

BOOST_AUTO_TEST_CASE(charge_answers_the_receipt) {
  const auto kim = create_user("kim");
  const auto answer = charge(kim, 50'000);
  const auto body = ok_body(answer);
  BOOST_TEST(body.size() == 4u, answer.body);
  BOOST_TEST(body.value("walletId", json()) == kim.wallet, answer.body);
  BOOST_TEST(body.value("userId", json()) == kim.user, answer.body);
  BOOST_TEST(body.value("balance", json()) == 50'000, answer.body);
  BOOST_TEST(body.value("charged", json()) == 50'000, answer.body);
  expect_receipt(charge(kim, 25'000), kim, 75'000, 25'000);
  BOOST_TEST(balance_of(kim) == 75'000);
}

BOOST_AUTO_TEST_CASE(charge_invalid_amount_comes_before_every_other_error) {
  const auto kim = create_user("kim");
  const auto lee = create_user("lee");
  const std::int64_t missing_wallet = kim.wallet + 1000;
  const std::int64_t missing_user = kim.user + 1000;
  for (const std::int64_t amount : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{10'000'001}}) {
    BOOST_TEST_CONTEXT("amount " << amount) {
      expect_problem(charge(missing_wallet, missing_user, amount), 400,
                     "INVALID_AMOUNT");  // missing wallet
      expect_problem(charge(missing_wallet, kim.user, amount), 400, "INVALID_AMOUNT");
      expect_problem(charge(kim.wallet, missing_user, amount), 400,
                     "INVALID_AMOUNT");                                             // missing user
      expect_problem(charge(kim.wallet, lee.user, amount), 400, "INVALID_AMOUNT");  // not the owner
      expect_problem(charge(kim.wallet, kim.user, amount), 400, "INVALID_AMOUNT");
    }
  }
  expect_problem(post_charge(charges_path(missing_wallet), R"({"userId": 1, "amount": 1.5})"), 400,
                 "INVALID_AMOUNT");
  BOOST_TEST(balance_of(kim) == 0);
  BOOST_TEST(balance_of(lee) == 0);
}

BOOST_AUTO_TEST_CASE(charge_wallet_not_found_comes_before_user_not_found) {
  const auto kim = create_user("kim");
  expect_problem(charge(kim.wallet + 1000, kim.user + 1000, 100), 404, "WALLET_NOT_FOUND");
  expect_problem(charge(kim.wallet + 1000, kim.user, 100), 404, "WALLET_NOT_FOUND");
  expect_problem(charge(9223372036854775807LL, kim.user, 100), 404, "WALLET_NOT_FOUND");
  BOOST_TEST(balance_of(kim) == 0);
}

BOOST_AUTO_TEST_CASE(charge_user_not_found_comes_before_wallet_owner_mismatch) {
  const auto kim = create_user("kim");
  expect_problem(charge(kim.wallet, kim.user + 1000, 100), 404, "USER_NOT_FOUND");
  expect_problem(charge(kim.wallet, 9223372036854775807LL, 100), 404, "USER_NOT_FOUND");
  BOOST_TEST(balance_of(kim) == 0);
}

BOOST_AUTO_TEST_CASE(charge_by_another_user_is_wallet_owner_mismatch) {
  const auto kim = create_user("kim");
  const auto lee = create_user("lee");
  expect_problem(charge(kim.wallet, lee.user, 100), 403, "WALLET_OWNER_MISMATCH");
  expect_problem(charge(lee.wallet, kim.user, 100), 403, "WALLET_OWNER_MISMATCH");
  BOOST_TEST(balance_of(kim) == 0);
  BOOST_TEST(balance_of(lee) == 0);
}

BOOST_AUTO_TEST_CASE(charge_above_the_balance_limit_is_refused_and_changes_nothing) {
  start({"--max-charge", "1000", "--max-balance", "2500"});
  const auto kim = create_user("kim");
  const auto lee = create_user("lee");
  expect_receipt(charge(kim, 1000), kim, 1000, 1000);
  expect_receipt(charge(kim, 1000), kim, 2000, 1000);
  expect_problem(charge(kim, 501), 409, "BALANCE_LIMIT_EXCEEDED");
  expect_problem(charge(kim, 1000), 409, "BALANCE_LIMIT_EXCEEDED");
  BOOST_TEST(balance_of(kim) == 2000);
  // WALLET_OWNER_MISMATCH comes before BALANCE_LIMIT_EXCEEDED.
  expect_problem(charge(kim.wallet, lee.user, 1000), 403, "WALLET_OWNER_MISMATCH");
  // Up to the limit exactly is fine; one more won is not.
  expect_receipt(charge(kim, 500), kim, 2500, 500);
  expect_problem(charge(kim, 1), 409, "BALANCE_LIMIT_EXCEEDED");
  BOOST_TEST(balance_of(kim) == 2500);
  // Another wallet is not affected by this one being full.
  expect_receipt(charge(lee, 1000), lee, 1000, 1000);
}

BOOST_AUTO_TEST_CASE(charge_of_exactly_the_max_charge_is_accepted_and_one_more_is_invalid_amount) {
  start({"--max-charge", "1000", "--max-balance", "5000"});
  const auto kim = create_user("kim");
  expect_receipt(charge(kim, 1000), kim, 1000, 1000);
  expect_problem(charge(kim, 1001), 400, "INVALID_AMOUNT");
  // INVALID_AMOUNT comes before BALANCE_LIMIT_EXCEEDED.
  expect_receipt(charge(kim, 1000), kim, 2000, 1000);
  expect_receipt(charge(kim, 1000), kim, 3000, 1000);
  expect_receipt(charge(kim, 1000), kim, 4000, 1000);
  expect_receipt(charge(kim, 1000), kim, 5000, 1000);
  expect_problem(charge(kim, 1001), 400, "INVALID_AMOUNT");
  expect_problem(charge(kim, 1000), 409, "BALANCE_LIMIT_EXCEEDED");
  BOOST_TEST(balance_of(kim) == 5000);
}

BOOST_AUTO_TEST_CASE(charge_with_a_malformed_wallet_id_is_invalid_request) {
  const auto kim = create_user("kim");
  for (const std::string wallet : {"abc", "0", "-1", "1.5", "9223372036854775808"}) {
    BOOST_TEST_CONTEXT("walletId " << wallet) {
      expect_problem(post_charge(charges_path(wallet), charge_body(kim.user, 100).dump()), 400,
                     "INVALID_REQUEST");
    }
  }
  BOOST_TEST(balance_of(kim) == 0);
}

BOOST_AUTO_TEST_CASE(charge_malformed_bodies_are_refused_and_charge_nothing) {
  const auto kim = create_user("kim");
  const std::string user = std::to_string(kim.user);
  struct Case {
    std::string body;
    std::string code;
  };
  const std::vector<Case> cases = {
      // amount not a JSON integer, <= 0, or not an int64
      {R"({"userId": )" + user + R"(, "amount": 1.5})", "INVALID_AMOUNT"},
      {R"({"userId": )" + user + R"(, "amount": "100"})", "INVALID_AMOUNT"},
      {R"({"userId": )" + user + R"(, "amount": 1e400})", "INVALID_AMOUNT"},
      {R"({"userId": )" + user + R"(, "amount": -1e400})", "INVALID_AMOUNT"},
      {R"({"userId": )" + user + R"(, "amount": -1})", "INVALID_AMOUNT"},
      {R"({"userId": )" + user + R"(, "amount": 0})", "INVALID_AMOUNT"},
      {R"({"userId": )" + user + R"(, "amount": true})", "INVALID_AMOUNT"},
      {R"({"userId": )" + user + R"(, "amount": null})", "INVALID_AMOUNT"},
      {R"({"userId": )" + user + R"(, "amount": [1]})", "INVALID_AMOUNT"},
      {R"({"userId": )" + user + R"(, "amount": {}})", "INVALID_AMOUNT"},
      {R"({"userId": )" + user + R"(, "amount": 9223372036854775808})", "INVALID_AMOUNT"},
      {R"({"userId": )" + user + R"(, "amount": 18446744073709551616})", "INVALID_AMOUNT"},
      {R"({"userId": )" + user + R"(, "amount": -9223372036854775809})", "INVALID_AMOUNT"},
      // missing or mistyped fields
      {R"({"userId": )" + user + "}", "INVALID_REQUEST"},
      {R"({"amount": 100})", "INVALID_REQUEST"},
      {R"({"userId": ")" + user + R"(", "amount": 100})", "INVALID_REQUEST"},
      {R"({"userId": 1.5, "amount": 100})", "INVALID_REQUEST"},
      {R"({"userId": null, "amount": 100})", "INVALID_REQUEST"},
      {R"({"userId": 0, "amount": 100})", "INVALID_REQUEST"},
      {R"({"userId": -1, "amount": 100})", "INVALID_REQUEST"},
      {R"({"userId": 1e400, "amount": 100})", "INVALID_REQUEST"},
      {R"({"userId": 9223372036854775808, "amount": 100})", "INVALID_REQUEST"},
      // not a JSON object
      {"", "INVALID_REQUEST"},
      {"{", "INVALID_REQUEST"},
      {"[]", "INVALID_REQUEST"},
      {"[" + charge_body(kim.user, 100).dump() + "]", "INVALID_REQUEST"},
      {"null", "INVALID_REQUEST"},
      {"100", "INVALID_REQUEST"},
      {R"("amount")", "INVALID_REQUEST"},
      {"amount=100&userId=" + user, "INVALID_REQUEST"},
      {charge_body(kim.user, 100).dump() + "x", "INVALID_REQUEST"},
      {charge_body(kim.user, 100).dump() + "{}", "INVALID_REQUEST"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("body " << c.body) {
      const auto answer = post_charge(charges_path(kim.wallet), c.body);
      BOOST_TEST(answer.status < 500, answer.body);
      expect_problem(answer, 400, c.code);
    }
  }
  BOOST_TEST(balance_of(kim) == 0);
  // The same wallet still takes a well-formed charge.
  expect_receipt(charge(kim, 100), kim, 100, 100);
}

// --- Idempotency-Key -----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(same_key_and_body_answers_the_first_answer_and_charges_once) {
  const auto kim = create_user("kim");
  const auto first = charge(kim, 700, std::string("order-1"));
  expect_receipt(first, kim, 700, 700);
  const auto second = charge(kim, 700, std::string("order-1"));
  BOOST_TEST(second.status == first.status);
  BOOST_TEST(second.body == first.body);
  BOOST_TEST(second.content_type == first.content_type);
  BOOST_TEST(balance_of(kim) == 700);

  // A charge without a key in between: the replay still answers the first answer, which
  // named the balance right after the first charge.
  expect_receipt(charge(kim, 50), kim, 750, 50);
  const auto third = charge(kim, 700, std::string("order-1"));
  BOOST_TEST(third.status == first.status);
  BOOST_TEST(third.body == first.body);
  BOOST_TEST(balance_of(kim) == 750);
}

BOOST_AUTO_TEST_CASE(same_key_with_another_amount_is_idempotency_key_reused) {
  const auto kim = create_user("kim");
  expect_receipt(charge(kim, 700, std::string("order-1")), kim, 700, 700);
  expect_problem(charge(kim, 701, std::string("order-1")), 422, "IDEMPOTENCY_KEY_REUSED");
  expect_problem(charge(kim, 1, std::string("order-1")), 422, "IDEMPOTENCY_KEY_REUSED");
  BOOST_TEST(balance_of(kim) == 700);
  // The first body is still answered the first answer.
  expect_receipt(charge(kim, 700, std::string("order-1")), kim, 700, 700);
  BOOST_TEST(balance_of(kim) == 700);
  // Another key is another charge.
  expect_receipt(charge(kim, 701, std::string("order-2")), kim, 1401, 701);
}

BOOST_AUTO_TEST_CASE(same_key_with_the_same_fields_in_another_spelling_is_the_same_body) {
  const auto kim = create_user("kim");
  const auto first =
      post_charge(charges_path(kim.wallet),
                  R"({"userId": )" + std::to_string(kim.user) + R"(, "amount": 300})", "k");
  expect_receipt(first, kim, 300, 300);
  const auto again =
      post_charge(charges_path(kim.wallet),
                  R"({ "amount":300 ,"userId":)" + std::to_string(kim.user) + "}", "k");
  BOOST_TEST(again.status == first.status);
  BOOST_TEST(again.body == first.body);
  BOOST_TEST(balance_of(kim) == 300);
}

BOOST_AUTO_TEST_CASE(key_reused_over_the_balance_limit_is_balance_limit_exceeded) {
  start({"--max-charge", "1000", "--max-balance", "1500"});
  const auto kim = create_user("kim");
  const auto first = charge(kim, 1000, std::string("k"));
  expect_receipt(first, kim, 1000, 1000);
  // The same body is a replay, even though charging it again would pass the limit.
  const auto replay = charge(kim, 1000, std::string("k"));
  BOOST_TEST(replay.status == first.status);
  BOOST_TEST(replay.body == first.body);
  // Another body: BALANCE_LIMIT_EXCEEDED comes before IDEMPOTENCY_KEY_REUSED ...
  expect_problem(charge(kim, 600, std::string("k")), 409, "BALANCE_LIMIT_EXCEEDED");
  // ... and within the limit it is IDEMPOTENCY_KEY_REUSED.
  expect_problem(charge(kim, 500, std::string("k")), 422, "IDEMPOTENCY_KEY_REUSED");
  BOOST_TEST(balance_of(kim) == 1000);
}

BOOST_AUTO_TEST_CASE(a_refused_charge_does_not_take_its_key) {
  start({"--max-charge", "1000", "--max-balance", "1500"});
  const auto kim = create_user("kim");
  const auto lee = create_user("lee");
  expect_receipt(charge(kim, 1000), kim, 1000, 1000);
  // Refusals are not recorded under the key: the key is still free afterwards.
  expect_problem(charge(kim, 600, std::string("k")), 409, "BALANCE_LIMIT_EXCEEDED");
  expect_problem(charge(kim, 1001, std::string("k")), 400, "INVALID_AMOUNT");
  expect_problem(charge(kim.wallet, lee.user, 100, std::string("k")), 403, "WALLET_OWNER_MISMATCH");
  expect_problem(charge(kim.wallet, kim.user + 1000, 100, std::string("k")), 404, "USER_NOT_FOUND");
  BOOST_TEST(balance_of(kim) == 1000);
  const auto first = charge(kim, 200, std::string("k"));
  expect_receipt(first, kim, 1200, 200);
  const auto replay = charge(kim, 200, std::string("k"));
  BOOST_TEST(replay.status == first.status);
  BOOST_TEST(replay.body == first.body);
  BOOST_TEST(balance_of(kim) == 1200);
}

BOOST_AUTO_TEST_CASE(keys_are_scoped_per_wallet) {
  const auto kim = create_user("kim");
  const auto lee = create_user("lee");
  expect_receipt(charge(kim, 100, std::string("shared-key")), kim, 100, 100);
  // The same key on another wallet is another charge, whatever its body.
  expect_receipt(charge(lee, 100, std::string("shared-key")), lee, 100, 100);
  const auto park = create_user("park");
  expect_receipt(charge(park, 999, std::string("shared-key")), park, 999, 999);
  BOOST_TEST(balance_of(kim) == 100);
  BOOST_TEST(balance_of(lee) == 100);
  BOOST_TEST(balance_of(park) == 999);
  // And each wallet replays its own first answer.
  expect_receipt(charge(kim, 100, std::string("shared-key")), kim, 100, 100);
  expect_receipt(charge(park, 999, std::string("shared-key")), park, 999, 999);
  expect_problem(charge(lee, 999, std::string("shared-key")), 422, "IDEMPOTENCY_KEY_REUSED");
  BOOST_TEST(balance_of(lee) == 100);
}

BOOST_AUTO_TEST_CASE(keys_are_case_sensitive_and_exact) {
  const auto kim = create_user("kim");
  expect_receipt(charge(kim, 10, std::string("Order-1")), kim, 10, 10);
  expect_receipt(charge(kim, 10, std::string("order-1")), kim, 20, 10);
  expect_receipt(charge(kim, 10, std::string("Order-10")), kim, 30, 10);
  BOOST_TEST(balance_of(kim) == 30);
}

BOOST_AUTO_TEST_CASE(keys_of_1_and_128_printable_characters_are_accepted) {
  const auto kim = create_user("kim");
  expect_receipt(charge(kim, 1, std::string("x")), kim, 1, 1);
  expect_receipt(charge(kim, 2, std::string(128, 'k')), kim, 3, 2);
  expect_receipt(charge(kim, 4, std::string("with inner space")), kim, 7, 4);
  expect_receipt(charge(kim, 8, std::string("!#$%&'*+-.^_`|~/:;<=>?@[]{}()\",\\")), kim, 15, 8);
  expect_receipt(charge(kim, 2, std::string(128, 'k')), kim, 3, 2);  // replay
  BOOST_TEST(balance_of(kim) == 15);
}

BOOST_AUTO_TEST_CASE(invalid_keys_are_invalid_request_and_charge_nothing) {
  const auto kim = create_user("kim");
  expect_problem(charge(kim, 100, std::string(129, 'k')), 400, "INVALID_REQUEST");
  expect_problem(charge(kim, 100, std::string(1000, 'k')), 400, "INVALID_REQUEST");
  // Control characters, DEL and bytes beyond ASCII, sent as they are.
  for (const std::string& key :
       {std::string("bad\x01key"), std::string("bad\x1fkey"), std::string("bad\x7fkey"),
        std::string("bad\tkey"), std::string("\xea\xb9\x80-key"), std::string("key\xff")}) {
    BOOST_TEST_CONTEXT("key bytes "
                       << json(key).dump(-1, ' ', true, json::error_handler_t::replace)) {
      expect_problem(raw_charge(kim, 100, "Idempotency-Key: " + key + "\r\n"), 400,
                     "INVALID_REQUEST");
    }
  }
  BOOST_TEST(balance_of(kim) == 0);
  // The same charge with a valid key goes through.
  expect_receipt(raw_charge(kim, 100, "Idempotency-Key: good-key\r\n"), kim, 100, 100);
}

// cpp-httplib 0.11 percent-decodes header values and drops empty headers before the server
// sees them, so "order%41" and "orderA" are one key and an empty key is no key: a documented
// limit of the packaged library (docs/http-front.md), not asserted here.

BOOST_AUTO_TEST_CASE(a_key_survives_a_node_restart) {
  const auto kim = create_user("kim");
  const auto first = charge(kim, 4200, std::string("before-restart"));
  expect_receipt(first, kim, 4200, 4200);
  expect_receipt(charge(kim, 800), kim, 5000, 800);

  start();  // a new node on the same database
  BOOST_TEST(balance_of(kim) == 5000);
  const auto replay = charge(kim, 4200, std::string("before-restart"));
  BOOST_TEST(replay.status == first.status);
  BOOST_TEST(replay.body == first.body);
  expect_problem(charge(kim, 4201, std::string("before-restart")), 422, "IDEMPOTENCY_KEY_REUSED");
  BOOST_TEST(balance_of(kim) == 5000);
  expect_receipt(charge(kim, 1), kim, 5001, 1);
}

// --- concurrency -----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(concurrent_charges_on_one_wallet_all_count) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  const auto kim = create_user("kim");
  std::vector<std::vector<Answer>> answers(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto client = node->client();
      for (int i = 0; i < kPerThread; ++i) {
        const std::int64_t amount = t * kPerThread + i + 1;
        answers[t].push_back(
            answer_of(client->Post(charges_path(kim.wallet).c_str(),
                                   charge_body(kim.user, amount).dump(), "application/json")));
      }
    });
  }
  for (auto& thread : threads) thread.join();

  constexpr std::int64_t kCount = kThreads * kPerThread;
  constexpr std::int64_t kSum = kCount * (kCount + 1) / 2;
  std::set<std::int64_t> balances;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      const auto& answer = answers[t][i];
      BOOST_TEST_CONTEXT("thread " << t << " charge " << i) {
        BOOST_TEST_REQUIRE(answer.status == 200, answer.body);
        const auto body = json::parse(answer.body, nullptr, false);
        BOOST_TEST_REQUIRE(body.is_object(), answer.body);
        BOOST_TEST(body.value("charged", json()) == t * kPerThread + i + 1, answer.body);
        balances.insert(body.at("balance").get<std::int64_t>());
      }
    }
  }
  // Every charge saw its own balance after it, and the last one saw them all.
  BOOST_TEST(balances.size() == static_cast<std::size_t>(kCount));
  BOOST_TEST(*balances.rbegin() == kSum);
  BOOST_TEST(balance_of(kim) == kSum);
}

BOOST_AUTO_TEST_CASE(concurrent_retries_with_the_same_keys_charge_each_key_once) {
  constexpr int kThreads = 8;
  constexpr int kKeys = 20;
  const auto kim = create_user("kim");
  const auto amount_of = [](int key) { return std::int64_t{10} * (key + 1); };
  // answers[key] = every answer to that key, from every thread.
  std::vector<std::vector<std::vector<Answer>>> answers(kThreads,
                                                        std::vector<std::vector<Answer>>(kKeys));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto client = node->client();
      for (int n = 0; n < kKeys; ++n) {
        const int key = (n + 3 * t) % kKeys;  // each thread starts elsewhere in the list
        const httplib::Headers headers = {{"Idempotency-Key", "retry-" + std::to_string(key)}};
        answers[t][key].push_back(answer_of(
            client->Post(charges_path(kim.wallet).c_str(), headers,
                         charge_body(kim.user, amount_of(key)).dump(), "application/json")));
      }
    });
  }
  for (auto& thread : threads) thread.join();

  std::int64_t sum = 0;
  std::map<std::int64_t, std::int64_t> charged_at;  // balance after -> amount
  for (int key = 0; key < kKeys; ++key) {
    sum += amount_of(key);
    BOOST_TEST_CONTEXT("key retry-" << key) {
      const auto& first = answers[0][key].at(0);
      const auto body = ok_body(first);
      BOOST_TEST(body.value("charged", json()) == amount_of(key), first.body);
      BOOST_TEST(body.value("walletId", json()) == kim.wallet, first.body);
      BOOST_TEST(body.value("userId", json()) == kim.user, first.body);
      charged_at[body.at("balance").get<std::int64_t>()] = amount_of(key);
      for (int t = 0; t < kThreads; ++t) {
        const auto& answer = answers[t][key].at(0);
        BOOST_TEST(answer.status == 200, "thread " << t << ": " << answer.body);
        BOOST_TEST(answer.body == first.body, "thread " << t);
      }
    }
  }
  BOOST_TEST(balance_of(kim) == sum);
  // The first answers tell one story: each key's charge was applied once, one after another.
  BOOST_TEST(charged_at.size() == static_cast<std::size_t>(kKeys));
  std::int64_t running = 0;
  for (const auto& [balance, amount] : charged_at) {
    running += amount;
    BOOST_TEST(balance == running);
  }
}

BOOST_AUTO_TEST_SUITE_END()

#include <boost/test/unit_test.hpp>
#include <thread>

#include "storage/catalog_repository.hpp"
#include "storage/migrations.hpp"
#include "storage/session_factory.hpp"
#include "storage/wallet_repository.hpp"
#include "support/actor_stack.hpp"
#include "support/test_database.hpp"

namespace boxoffice::actors {
namespace {

// One user and its wallet, behind the actors.
struct WalletActors : testing::ActorStack {
  domain::User user;

  WalletActors()
      : ActorStack("wallet_actor", {"--max-balance", "1000000000000"}), user(create_user("kim")) {}

  domain::User create_user(const std::string& name) {
    auto session = storage::open_session(database());
    return storage::CatalogRepository(*session, database().kind).create_user(name, 0);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(wallet_actor, WalletActors)

BOOST_AUTO_TEST_CASE(sixteen_threads_of_500_charges_end_exactly_at_the_sum) {
  constexpr int kThreads = 16;
  constexpr int kCharges = 500;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCharges; ++i)
        if (!gateway().charge(user.wallet_id, user.id, t + 1, "").ok()) ++failures;
    });
  for (auto& thread : threads) thread.join();
  BOOST_TEST(failures == 0);
  const long long expected = kCharges * (kThreads * (kThreads + 1) / 2);  // sum of t+1 per thread
  BOOST_TEST(gateway().wallet_balance(user.wallet_id, user.id)->balance == expected);
  const auto wallet = std::to_string(user.wallet_id);
  BOOST_TEST(scalar("SELECT balance FROM wallets WHERE id = " + wallet) == expected);
  BOOST_TEST(scalar("SELECT COALESCE(SUM(amount), 0) FROM wallet_ledger WHERE wallet_id = " +
                    wallet) == expected);
  BOOST_TEST(scalar("SELECT COUNT(*) FROM wallet_ledger WHERE wallet_id = " + wallet) ==
             kThreads * kCharges);
}

BOOST_AUTO_TEST_CASE(keys_repeated_across_threads_charge_once_per_key) {
  constexpr int kThreads = 16;
  constexpr int kKeys = 100;
  std::atomic<int> failures{0};
  std::vector<std::vector<domain::Won>> seen(kThreads, std::vector<domain::Won>(kKeys, -1));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int k = 0; k < kKeys; ++k) {
        const int key = (k + t * 7) % kKeys;  // each thread walks the keys in another order
        auto receipt =
            gateway().charge(user.wallet_id, user.id, 1000 + key, "key-" + std::to_string(key));
        if (!receipt.ok())
          ++failures;
        else
          seen[t][key] = receipt->balance;
      }
    });
  for (auto& thread : threads) thread.join();
  BOOST_TEST(failures == 0);
  long long expected = 0;
  for (int k = 0; k < kKeys; ++k) expected += 1000 + k;
  BOOST_TEST(gateway().wallet_balance(user.wallet_id, user.id)->balance == expected);
  BOOST_TEST(scalar("SELECT COUNT(*) FROM wallet_ledger") == kKeys);
  // Every answer for one key is the first answer (same balance-after).
  for (int k = 0; k < kKeys; ++k)
    for (int t = 1; t < kThreads; ++t) BOOST_TEST(seen[t][k] == seen[0][k]);
}

BOOST_AUTO_TEST_CASE(state_and_keys_survive_a_restart_of_the_actors) {
  BOOST_REQUIRE(gateway().charge(user.wallet_id, user.id, 700, "once").ok());
  restart();
  BOOST_TEST(gateway().wallet_balance(user.wallet_id, user.id)->balance == 700);
  const auto replay = gateway().charge(user.wallet_id, user.id, 700, "once");
  BOOST_REQUIRE(replay.ok());
  BOOST_TEST(replay->balance == 700);
  BOOST_TEST(gateway().wallet_balance(user.wallet_id, user.id)->balance == 700);
}

BOOST_AUTO_TEST_CASE(a_write_by_another_writer_is_never_overwritten) {
  BOOST_REQUIRE(
      gateway().charge(user.wallet_id, user.id, 100, "").ok());  // the actor holds version 1
  // Another owner (e.g. a second node during a cluster move) charges behind its back.
  scalar("UPDATE wallets SET balance = balance + 50, version = version + 1 WHERE id = " +
         std::to_string(user.wallet_id) + " RETURNING balance");
  const auto receipt = gateway().charge(user.wallet_id, user.id, 10, "");
  BOOST_REQUIRE(receipt.ok());
  BOOST_TEST(receipt->balance == 160);  // reloaded, then applied: 100 + 50 + 10
  BOOST_TEST(scalar("SELECT balance FROM wallets WHERE id = " + std::to_string(user.wallet_id)) ==
             160);
}

BOOST_AUTO_TEST_CASE(an_unknown_wallet_is_not_found_and_its_actor_does_not_linger) {
  const auto live = [this] { return stats().entities_live.load(); };
  const auto before = live();
  const auto passivated_before = stats().entities_passivated.load();
  for (domain::Id missing_id = user.wallet_id + 1000; missing_id < user.wallet_id + 1010;
       ++missing_id) {
    const auto missing = gateway().wallet_balance(missing_id, user.id);
    BOOST_REQUIRE(!missing.ok());
    BOOST_TEST(missing.error().code == domain::ErrorCode::wallet_not_found);
    const auto charge = gateway().charge(missing_id, user.id, 5, "");
    BOOST_TEST(charge.error().code == domain::ErrorCode::wallet_not_found);
  }
  // Each missing wallet's actor asks to be passivated once it answered: none of the ten stays.
  // (No event tells when the last has stopped: look again until it has, for at most 5 s.)
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (live() != before && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  BOOST_TEST(live() == before);
  BOOST_TEST(stats().entities_passivated.load() >= passivated_before + 10);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::actors

namespace boxoffice::storage {

BOOST_AUTO_TEST_SUITE(idempotency_retention)

BOOST_AUTO_TEST_CASE(records_older_than_the_cutoff_are_purged_and_newer_ones_kept) {
  const auto database = testing::fresh_database("purge");
  auto session = open_session(database);
  migrate(*session, database.kind);
  const auto user = CatalogRepository(*session, database.kind).create_user("kim", 0);
  WalletRepository wallets(*session, database.kind);
  const domain::WalletLimits limits{1000, 100000};
  auto wallet = *wallets.load(user.wallet_id);
  wallet = wallets.apply_charges(wallet, {{user.id, 10, "old", ""}}, limits, 1'000).wallet;
  wallet = wallets.apply_charges(wallet, {{user.id, 10, "new", ""}}, limits, 90'000'000).wallet;
  BOOST_TEST(wallets.purge_idempotency_keys(90'000'000 - 86'400'000) == 1);
  // The kept key still replays; the purged one is a new charge again.
  BOOST_TEST(
      static_cast<int>(wallets.apply_charges(wallet, {{user.id, 10, "new", ""}}, limits, 90'000'001)
                           .outcomes[0]
                           .kind) == static_cast<int>(ChargeOutcome::Kind::replayed));
  BOOST_TEST(
      static_cast<int>(wallets.apply_charges(wallet, {{user.id, 10, "old", ""}}, limits, 90'000'001)
                           .outcomes[0]
                           .kind) == static_cast<int>(ChargeOutcome::Kind::applied));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::storage

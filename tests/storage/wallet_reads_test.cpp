// Wallets read many at a time (one query on PostgreSQL): what the read batchers of the actor
// layer get for a batch of keys, the unknown ones left out.
#include <boost/test/unit_test.hpp>

#include "storage/catalog_repository.hpp"
#include "storage/migrations.hpp"
#include "storage/session_factory.hpp"
#include "storage/wallet_reads.hpp"
#include "storage/wallet_repository.hpp"
#include "support/test_database.hpp"

namespace boxoffice::storage {

BOOST_AUTO_TEST_CASE(wallets_are_read_many_at_a_time) {
  const auto target = testing::fresh_database("wallet_reads");
  auto session = open_session(target);
  migrate(*session, target.kind);
  CatalogRepository catalog(*session, target.kind);
  const auto ann = catalog.create_user("ann", 1);
  const auto bob = catalog.create_user("bob", 1);
  catalog.create_user("cid", 1);
  WalletRepository wallets(*session, target.kind);
  const auto charged =
      wallets.apply_charges(*wallets.load(bob.wallet_id), {PendingCharge{bob.id, 700, "", ""}},
                            domain::WalletLimits{1'000, 10'000}, 2);
  BOOST_TEST_REQUIRE(!charged.version_conflict);

  const auto loaded = load_wallets(*session, target.kind, {ann.wallet_id, bob.wallet_id, 999'999});
  BOOST_TEST(loaded.size() == 2u);
  BOOST_TEST(loaded.at(ann.wallet_id).owner == ann.id);
  BOOST_TEST(loaded.at(ann.wallet_id).balance == 0);
  BOOST_TEST(loaded.at(bob.wallet_id).owner == bob.id);
  BOOST_TEST(loaded.at(bob.wallet_id).balance == 700);
  BOOST_TEST(loaded.at(bob.wallet_id).version == wallets.load(bob.wallet_id)->version);

  const auto owned = wallets_of_users(*session, target.kind, {bob.id, ann.id, 999'999});
  BOOST_TEST(owned.size() == 2u);
  BOOST_TEST(owned.at(ann.id) == ann.wallet_id);
  BOOST_TEST(owned.at(bob.id) == bob.wallet_id);
  BOOST_TEST(load_wallets(*session, target.kind, {}).empty());
}

}  // namespace boxoffice::storage

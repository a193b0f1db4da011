#include <boost/test/unit_test.hpp>

#include "storage/catalog_repository.hpp"
#include "storage/migrations.hpp"
#include "storage/queue_repository.hpp"
#include "storage/session_factory.hpp"
#include "support/test_database.hpp"

namespace boxoffice::storage {
namespace {

constexpr domain::TimeMs kNow = 1'000'000;
constexpr domain::TimeMs kTtl = 600'000;

struct QueueDatabase {
  config::DatabaseTarget target = testing::fresh_database("queue");
  std::unique_ptr<soci::session> session = open_session(target);
  QueueDatabase() { migrate(*session, target.kind); }
  QueueRepository queue() { return QueueRepository(*session, target.kind); }

  // A WAITING token of a new user, written as the queue actor writes it.
  domain::QueueToken waiting(std::int64_t seq) {
    const auto user = CatalogRepository(*session, target.kind).create_user("fan", kNow);
    domain::QueueToken token;
    token.token = "token-" + std::to_string(seq);
    token.user = user.id;
    token.wallet = user.wallet_id;  // not written: read back with the user
    token.seq = seq;
    token.issued_at = kNow;
    token.last_seen_at = kNow;
    queue().apply({domain::QueueChange{true, domain::TokenStatus::waiting, token}}, 100, kNow);
    return token;
  }

  static domain::QueueChange admit(domain::QueueToken token, domain::TimeMs at = kNow) {
    token.status = domain::TokenStatus::active;
    token.activated_at = at;
    token.expires_at = at + kTtl;
    return domain::QueueChange{false, domain::TokenStatus::waiting, token};
  }

  long long active() {
    long long count = 0;
    *session << "SELECT COUNT(*) FROM queue_tokens WHERE status = 'ACTIVE'", soci::into(count);
    return count;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(queue_repository, QueueDatabase)

BOOST_AUTO_TEST_CASE(admissions_within_the_limit_are_written) {
  const auto first = waiting(1);
  const auto second = waiting(2);
  BOOST_TEST(queue().apply({admit(first), admit(second)}, 2, kNow) == 0);
  BOOST_TEST(active() == 2);
}

BOOST_AUTO_TEST_CASE(admissions_past_the_limit_are_refused_as_a_whole) {
  // A second queue actor (the cluster moving the queue) admitted one meanwhile.
  const auto first = waiting(1);
  const auto second = waiting(2);
  const auto third = waiting(3);
  queue().apply({admit(first)}, 2, kNow);
  BOOST_CHECK_THROW(queue().apply({admit(second), admit(third)}, 2, kNow), QueueLimitExceeded);
  BOOST_TEST(active() == 1);  // nothing of the refused batch was written
}

BOOST_AUTO_TEST_CASE(expired_active_tokens_do_not_count_against_the_limit) {
  const auto first = waiting(1);
  const auto second = waiting(2);
  queue().apply({admit(first)}, 1, kNow);
  // Past the first one's expiry (not yet written as EXPIRED), one more may be admitted.
  BOOST_TEST(queue().apply({admit(second, kNow + kTtl)}, 1, kNow + kTtl) == 0);
  BOOST_TEST(active() == 2);
}

// The queue's host learns each user's wallet with the user (a payment then needs no lookup).
BOOST_AUTO_TEST_CASE(tokens_and_users_are_read_with_their_wallets) {
  const auto first = waiting(1);
  const auto second = waiting(2);
  BOOST_TEST_REQUIRE(first.wallet != second.wallet);

  const auto loaded = queue().load_live();
  BOOST_TEST_REQUIRE(loaded.live.size() == 2u);
  BOOST_TEST(loaded.live[0].wallet == first.wallet);
  BOOST_TEST(loaded.live[1].wallet == second.wallet);
  BOOST_TEST(queue().find(second.token)->wallet == second.wallet);

  const domain::Id nobody = second.user + 1000;
  const auto users = queue().existing_users({first.user, nobody, second.user});
  BOOST_TEST(users.size() == 2u);
  BOOST_TEST(users.at(first.user) == first.wallet);
  BOOST_TEST(users.at(second.user) == second.wallet);
  BOOST_TEST(users.count(nobody) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::storage

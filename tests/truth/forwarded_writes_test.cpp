#include <boost/test/unit_test.hpp>

// A write forwarded to the node that owns its entity, which dies before answering: the
// forwarding node learns the outcome from the database by the write's request id (ADR 003,
// 004) instead of answering 503 for what may have been done. Two nodes on a PostgreSQL of the
// test's own; the owner's connections pass a PgProxy that holds its COMMIT's verdict (the
// write is committed) or the COMMIT itself (it is not), then the owner is killed.

#include <csignal>
#include <thread>

#include "config/values.hpp"
#include "domain/rendezvous.hpp"
#include "storage/session_factory.hpp"
#include "support/booking_client.hpp"
#include "support/pg_instance.hpp"
#include "support/pg_proxy.hpp"
#include "support/test_cluster.hpp"

namespace boxoffice::testing {
namespace {

struct TwoNodes {
  PgInstance pg;
  PgProxy proxy{pg.port()};
  TestCluster cluster{2,
                      *config::parse_database_url(pg.url()),
                      {"--request-timeout", "2s", "--queue-max-active", "1000"}};
  std::unique_ptr<soci::session> database;

  TwoNodes() {
    ::setenv("BOXOFFICE_COMMIT_WAIT", "4s", 1);
    // Node 2 owns the entities under test and reaches the database through the proxy.
    cluster.use_database_url(2, "postgresql://postgres@127.0.0.1:" + std::to_string(proxy.port()) +
                                    "/boxoffice?sslmode=disable&gssencmode=disable");
    cluster.start_all();
    database = storage::open_session(*config::parse_database_url(pg.url()));
  }

  long long scalar(const std::string& sql) {
    long long value = 0;
    *database << sql, soci::into(value);
    return value;
  }

  // A user whose wallet node 2 owns.
  NewUser user_on_node_2(httplib::Client& client) {
    for (int i = 0; i < 64; ++i) {
      const auto user = create_user(client, "fan" + std::to_string(i));
      if (domain::rendezvous_owner("wallet:" + std::to_string(user.wallet), {1, 2}) == 2)
        return user;
    }
    throw std::runtime_error("no wallet owned by node 2 among 64");
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(a_forwarded_write_whose_owner_died, TwoNodes)

BOOST_AUTO_TEST_CASE(is_answered_200_when_the_owner_had_committed_it) {
  auto client = cluster.client(1, std::chrono::seconds(30));
  const auto fan = user_on_node_2(*client);
  BOOST_TEST_REQUIRE(charge(*client, fan.wallet, fan.user, 1).status == 200);  // node 2 loads it
  proxy.arm("wallet_ledger", PgProxy::Break::withhold_verdict);
  Answer answer;
  std::thread sender([&] { answer = charge(*client, fan.wallet, fan.user, 777); });
  BOOST_TEST_REQUIRE(proxy.wait_fired(10'000), "node 2 never committed the charge");
  cluster.process(2).signal(SIGKILL);
  sender.join();
  BOOST_TEST(answer.status == 200, shown(answer) << "\n" << cluster.problems_logged());
  BOOST_TEST(scalar("SELECT COUNT(*) FROM wallet_ledger WHERE wallet_id = " +
                    std::to_string(fan.wallet) + " AND amount = 777") == 1);
  if (answer.status == 200) BOOST_TEST(int_field(answer.body_json(), "balance") == 778);
}

BOOST_AUTO_TEST_CASE(is_answered_503_when_the_owner_had_not_committed_it) {
  auto client = cluster.client(1, std::chrono::seconds(30));
  const auto fan = user_on_node_2(*client);
  BOOST_TEST_REQUIRE(charge(*client, fan.wallet, fan.user, 1).status == 200);
  proxy.arm("wallet_ledger", PgProxy::Break::swallow_commit);
  Answer answer;
  std::thread sender([&] { answer = charge(*client, fan.wallet, fan.user, 555); });
  BOOST_TEST_REQUIRE(proxy.wait_fired(10'000), "node 2 never sent the COMMIT");
  cluster.process(2).signal(SIGKILL);
  sender.join();
  BOOST_TEST(answer.status == 503, shown(answer) << "\n" << cluster.problems_logged());
  BOOST_TEST(scalar("SELECT COUNT(*) FROM wallet_ledger WHERE wallet_id = " +
                    std::to_string(fan.wallet) + " AND amount = 555") == 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::testing

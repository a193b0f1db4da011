// Three nodes on one PostgreSQL answer the contract's flows like one node, whichever node
// each call goes to.
#include <boost/test/unit_test.hpp>
#include <thread>

#include "support/booking_client.hpp"
#include "support/test_cluster.hpp"
#include "support/test_database.hpp"

namespace boxoffice::testing {
namespace {

constexpr std::int64_t kPrice = 50'000;

std::int64_t number(const nlohmann::json& body, const char* field) {
  BOOST_TEST_REQUIRE(body.contains(field), field << " missing in " << body.dump());
  return body.at(field).get<std::int64_t>();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cluster_flows)

BOOST_AUTO_TEST_CASE(a_booking_through_three_nodes_gives_the_single_node_answers) {
  TestCluster cluster(3, fresh_database("cluster_flows"));
  cluster.start_all();
  auto node1 = cluster.client(1);
  auto node2 = cluster.client(2);
  auto node3 = cluster.client(3);

  const auto kim = create_user(*node1, "kim");
  const auto schedule = open_schedule(*node3, 10, kPrice);

  // Issue on node 2, read on node 3.
  const auto issued = issue_token(*node2, kim.user);
  BOOST_TEST_REQUIRE(issued.status == 201, shown(issued));
  const auto token = issued.body_json().at("token").get<std::string>();
  const auto read = token_status(*node3, token);
  BOOST_TEST_REQUIRE(read.status == 200, shown(read));
  BOOST_TEST(read.body_json().value("status", "") == "ACTIVE");
  BOOST_TEST(read.body_json().value("token", "") == token);
  // One live token per user, whichever node is asked.
  const auto again = issue_token(*node1, kim.user);
  BOOST_TEST(again.status == 200, shown(again));
  BOOST_TEST(again.body_json().value("token", "") == token);

  // Charge on node 1, the balance on nodes 2 and 3; an idempotent replay on node 3.
  const auto charged = charge(*node1, kim.wallet, kim.user, 80'000, "flow-charge");
  BOOST_TEST_REQUIRE(charged.status == 200, shown(charged));
  const auto replay = charge(*node3, kim.wallet, kim.user, 80'000, "flow-charge");
  BOOST_TEST(replay.status == 200, shown(replay));
  BOOST_TEST(replay.body == charged.body);
  for (auto* node : {node2.get(), node3.get()}) {
    const auto seen = balance(*node, kim.wallet, kim.user);
    BOOST_TEST_REQUIRE(seen.status == 200, shown(seen));
    BOOST_TEST(number(seen.body_json(), "balance") == 80'000);
  }

  // Hold on node 2, the seat map on node 3, pay on node 1, read the reservation on node 3.
  const auto held = hold(*node2, token, schedule, 4);
  BOOST_TEST_REQUIRE(held.status == 201, shown(held));
  const auto reservation_id = number(held.body_json(), "reservationId");
  const auto same = hold(*node3, token, schedule, 4);
  BOOST_TEST(same.status == 200, shown(same));
  BOOST_TEST(number(same.body_json(), "reservationId") == reservation_id);
  const auto map = seats(*node3, token, schedule);
  BOOST_TEST_REQUIRE(map.status == 200, shown(map));
  BOOST_TEST(map.body_json().at("seats").at(3).value("status", "") == "HELD");

  const auto paid = pay(*node1, token, reservation_id, "flow-pay");
  BOOST_TEST_REQUIRE(paid.status == 201, shown(paid));
  BOOST_TEST(number(paid.body_json(), "balance") == 80'000 - kPrice);
  const auto confirmed = reservation(*node3, token, reservation_id);
  BOOST_TEST(confirmed.body_json().value("status", "") == "CONFIRMED", shown(confirmed));
  const auto paid_again = pay(*node2, token, reservation_id, "flow-pay");
  BOOST_TEST(paid_again.status == 201, shown(paid_again));
  BOOST_TEST(paid_again.body == paid.body);
  const auto after = balance(*node2, kim.wallet, kim.user);
  BOOST_TEST(number(after.body_json(), "balance") == 80'000 - kPrice);
  // The payment completed the token everywhere.
  BOOST_TEST(token_status(*node2, token).body_json().value("status", "") == "COMPLETED");
  const auto refused = hold(*node3, token, schedule, 5);
  BOOST_TEST((refused.status == 403 && refused.code() == "TOKEN_NOT_ACTIVE"), shown(refused));

  // Requests really crossed nodes.
  std::int64_t forwarded = 0;
  for (auto* node : {node1.get(), node2.get(), node3.get()})
    forwarded += metric_count(*node, "boxoffice_cluster_forwarded_requests_total");
  BOOST_TEST(forwarded > 0);
}

BOOST_AUTO_TEST_CASE(tokens_are_admitted_in_issue_order_across_the_cluster) {
  TestCluster cluster(3, fresh_database("cluster_queue"), {"--queue-max-active", "2"});
  cluster.start_all();
  std::vector<std::unique_ptr<httplib::Client>> nodes;
  for (int node = 1; node <= 3; ++node) nodes.push_back(cluster.client(node));
  std::vector<std::string> tokens;
  for (int i = 0; i < 6; ++i) {
    const auto user = create_user(*nodes[0], "fan" + std::to_string(i));
    const auto issued = issue_token(*nodes[static_cast<std::size_t>(i % 3)], user.user);
    BOOST_TEST_REQUIRE(issued.status == 201, shown(issued));
    tokens.push_back(issued.body_json().at("token").get<std::string>());
  }
  for (int i = 0; i < 6; ++i) {
    // Every node gives the same answer for every token.
    for (auto& node : nodes) {
      const auto body = token_status(*node, tokens[static_cast<std::size_t>(i)]).body_json();
      if (i < 2) {
        BOOST_TEST(body.value("status", "") == "ACTIVE", body.dump());
      } else {
        BOOST_TEST(body.value("status", "") == "WAITING", body.dump());
        BOOST_TEST(body.value("position", 0) == i - 1, body.dump());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_cluster_node_refuses_sqlite) {
  const auto result = run_boxoffice(
      {"serve", "--database", "sqlite:/tmp/never.db", "--cluster-listen", "127.0.0.1:7999"});
  BOOST_TEST(result.exit_code == 2, result.output);
  BOOST_TEST(result.output.find("--cluster-listen") != std::string::npos, result.output);
}

BOOST_AUTO_TEST_CASE(a_node_is_ready_alone_and_lists_its_unreached_peers) {
  TestCluster cluster(2, fresh_database("cluster_alone"));
  cluster.start(1);  // node 2 never starts
  auto node1 = cluster.client(1);
  const auto ready = node1->Get("/readyz");
  BOOST_TEST_REQUIRE(static_cast<bool>(ready));
  BOOST_TEST(ready->status == 200);
  const auto view = answer_of(node1->Get("/api/v1/admin/cluster", {{"X-Admin-Key", "k"}}));
  BOOST_TEST_REQUIRE(view.status == 200, shown(view));
  const auto nodes = view.body_json().at("nodes");
  BOOST_TEST_REQUIRE(nodes.size() == 2u, view.body);
  BOOST_TEST(nodes.at(0).value("status", "") == "up");
  BOOST_TEST(nodes.at(1).at("nodeId").is_null(), view.body);
  BOOST_TEST(nodes.at(1).value("status", "") == "down");
  BOOST_TEST(nodes.at(1).value("address", "") == cluster.cluster_address(2));
  // Alone, it serves everything itself.
  const auto kim = create_user(*node1, "kim");
  BOOST_TEST(charge(*node1, kim.wallet, kim.user, 100).status == 200);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::testing

// Every node keeps a replica of the queue's read model (issue 13, docs/adr-002 "Replicas"):
// polls and token checks on a node that does not host the queue are answered there, a token
// issued a moment ago elsewhere is never 401, a restarted node catches up, and a node cut off
// from the host still answers token reads, saying how old they are (Age).
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "support/booking_client.hpp"
#include "support/test_cluster.hpp"
#include "support/test_database.hpp"
#include "support/test_node.hpp"

namespace boxoffice::testing {
namespace {

using Clock = std::chrono::steady_clock;

// The cluster's own counter of requests a node sent on to another node.
std::int64_t forwarded(httplib::Client& client) {
  return metric_count(client, "boxoffice_cluster_forwarded_requests_total");
}

// Asks until `done` holds for the answer (false when it never does within `limit`).
bool await_answer(const std::function<Answer()>& ask,
                  const std::function<bool(const Answer&)>& done,
                  std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto give_up = Clock::now() + limit;
  do {
    if (done(ask())) return true;
  } while (Clock::now() < give_up);
  return false;
}

std::string status_of(const Answer& answer) {
  return answer.status == 200 ? answer.body_json().value("status", "")
                              : "HTTP " + std::to_string(answer.status);
}

// GET me with its Age header ("" when none).
std::pair<Answer, std::string> read_me(httplib::Client& http, const std::string& token) {
  const auto result = http.Get("/api/v1/queue/tokens/me", bearer(token));
  const auto age = result && result->has_header("Age") ? result->get_header_value("Age") : "";
  return {answer_of(result), age};
}

std::vector<std::string> issue_tokens(TestCluster& cluster, int node, int count,
                                      const std::string& prefix) {
  auto admin = cluster.client(1);
  auto http = cluster.client(node);
  std::vector<std::string> tokens;
  for (int i = 0; i < count; ++i) {
    const auto user = create_user(*admin, prefix + std::to_string(i));
    const auto issued = issue_token(*http, user.user);
    BOOST_TEST_REQUIRE(issued.status == 201, shown(issued));
    tokens.push_back(issued.body_json().at("token").get<std::string>());
  }
  return tokens;
}

// Every token reads `expected` on `node`, answered there without asking any other node (a
// round of reads that the node's forwarded-requests counter does not see), awaited: the
// replica follows the host's commits, and a node that just started gets a snapshot first.
void expect_local_answers(TestCluster& cluster, int node, const std::vector<std::string>& tokens,
                          const std::function<std::string(std::size_t)>& expected) {
  auto http = cluster.client(node);
  std::vector<std::string> seen(tokens.size());
  bool local = false;
  const auto round = [&] {
    const auto before = forwarded(*http);
    bool all = true;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      seen[i] = status_of(token_status(*http, tokens[i]));
      all = all && seen[i] == expected(i);
    }
    local = forwarded(*http) == before;
    return all && local;
  };
  const auto give_up = Clock::now() + std::chrono::seconds(10);
  while (!round() && Clock::now() < give_up) {
  }
  for (std::size_t i = 0; i < tokens.size(); ++i)
    BOOST_TEST(seen[i] == expected(i), "node " << node << ", token " << i << ": " << seen[i]);
  BOOST_TEST(local, "node " << node << " asked another node");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cluster_replica)

BOOST_AUTO_TEST_CASE(every_status_change_of_the_line_is_read_on_every_node) {
  TestCluster cluster(3, fresh_database("cluster_replica"),
                      {"--queue-max-active", "2", "--token-ttl", "3s"});
  cluster.start_all();
  // Node 1 (the lowest id) hosts the queue: issue there, read on the other two.
  const auto tokens = issue_tokens(cluster, 1, 4, "line-fan");
  for (int node = 2; node <= 3; ++node)
    expect_local_answers(cluster, node, tokens,
                         [](std::size_t i) { return i < 2 ? "ACTIVE" : "WAITING"; });
  auto http2 = cluster.client(2);
  BOOST_TEST(token_status(*http2, tokens[3]).body_json().value("position", 0) == 2);
  // The first two expire (ttl); the host admits the next two: every node shows it.
  for (int node = 2; node <= 3; ++node)
    expect_local_answers(cluster, node, tokens,
                         [](std::size_t i) { return i < 2 ? "EXPIRED" : "ACTIVE"; });
}

BOOST_AUTO_TEST_CASE(a_token_issued_on_one_node_is_known_at_once_on_another) {
  TestCluster cluster(3, fresh_database("cluster_replica_fresh"));
  cluster.start_all();
  auto admin = cluster.client(1);
  auto node2 = cluster.client(2);
  auto node3 = cluster.client(3);
  for (int i = 0; i < 30; ++i) {
    const auto user = create_user(*admin, "quick-fan" + std::to_string(i));
    const auto issued = issue_token(*node2, user.user);
    BOOST_TEST_REQUIRE(issued.status == 201, shown(issued));
    const auto token = issued.body_json().at("token").get<std::string>();
    const auto read = token_status(*node3, token);  // at once: never 401
    BOOST_TEST(read.status == 200, "fan " << i << ": " << shown(read));
  }
  // A token nobody issued is still unknown on every node.
  for (auto* node : {node2.get(), node3.get(), admin.get()})
    expect_problem(token_status(*node, "NobodyIssuedThisToken22"), 401, "TOKEN_INVALID");
}

BOOST_AUTO_TEST_CASE(a_restarted_node_knows_the_tokens_issued_while_it_was_down) {
  TestCluster cluster(3, fresh_database("cluster_replica_restart"), {"--queue-max-active", "2"});
  cluster.start_all();
  const auto before = issue_tokens(cluster, 1, 3, "early-fan");
  cluster.process(3).signal(SIGKILL);
  BOOST_TEST_REQUIRE(cluster.process(3).wait_exit(std::chrono::seconds(10)) == 128 + SIGKILL);
  BOOST_TEST_REQUIRE(cluster.wait_status(1, 3, "down", std::chrono::seconds(10)));
  auto tokens = issue_tokens(cluster, 2, 3, "late-fan");
  tokens.insert(tokens.begin(), before.begin(), before.end());
  cluster.start(3);
  BOOST_TEST_REQUIRE(cluster.wait_converged(std::chrono::seconds(20)), cluster.problems_logged());
  expect_local_answers(cluster, 3, tokens,
                       [](std::size_t i) { return i < 2 ? "ACTIVE" : "WAITING"; });
}

BOOST_AUTO_TEST_CASE(polls_answered_by_a_replica_keep_a_waiting_token_alive) {
  TestCluster cluster(3, fresh_database("cluster_replica_looks"),
                      {"--queue-max-active", "1", "--queue-idle-timeout", "2s"});
  cluster.start_all();
  // One ACTIVE token holds the place; of the two WAITING behind it, a fan polls one on node 3
  // only (its replica answers), nobody polls the other.
  const auto tokens = issue_tokens(cluster, 1, 3, "idle-fan");
  auto node3 = cluster.client(3);
  const auto until = Clock::now() + std::chrono::seconds(5);
  while (Clock::now() < until) {
    const auto read = token_status(*node3, tokens[1]);
    BOOST_TEST_REQUIRE(status_of(read) == "WAITING", shown(read));
    // A fan's poll interval (the load's pace, not a wait for anything).
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  auto host = cluster.client(1);
  BOOST_TEST(status_of(token_status(*host, tokens[1])) == "WAITING");
  BOOST_TEST(status_of(token_status(*host, tokens[2])) == "EXPIRED");
}

BOOST_AUTO_TEST_CASE(a_node_cut_off_from_the_host_answers_token_reads_saying_how_old) {
  TestCluster cluster(3, fresh_database("cluster_replica_cut"), {"--queue-max-active", "1"});
  cluster.relay_links();
  cluster.start_all();
  const auto tokens = issue_tokens(cluster, 1, 2, "cut-fan");
  auto admin = cluster.client(1);
  const auto late_fan = create_user(*admin, "cut-late-fan");
  expect_local_answers(cluster, 3, tokens,
                       [](std::size_t i) { return i < 1 ? "ACTIVE" : "WAITING"; });
  cluster.relays().cut({1});
  BOOST_TEST_REQUIRE(cluster.wait_status(3, 1, "down", std::chrono::seconds(10)));

  // Reads from the replica, with an Age (seconds since the host was last heard from).
  auto http = cluster.client(3);
  Answer read;
  std::string age;
  const bool aged = await_answer(
      [&] {
        std::tie(read, age) = read_me(*http, tokens[1]);
        return read;
      },
      [&](const Answer& a) { return a.status != 200 || !age.empty(); });
  BOOST_TEST(read.status == 200, shown(read));
  BOOST_TEST(read.body_json().value("status", "") == "WAITING", shown(read));
  BOOST_TEST_REQUIRE(aged, "no Age header: " << shown(read));
  BOOST_TEST(std::stoll(age) >= 1);
  // Writes still need the host: 503, nothing issued.
  const auto refused = issue_token(*http, late_fan.user);
  BOOST_TEST((refused.status == 503 && refused.code() == "UNAVAILABLE"), shown(refused));

  cluster.relays().heal_all();
  BOOST_TEST_REQUIRE(cluster.wait_converged(std::chrono::seconds(20)), cluster.problems_logged());
  // Healed: fresh again (no Age once the host is heard from).
  BOOST_TEST(await_answer(
      [&] {
        std::tie(read, age) = read_me(*http, tokens[1]);
        return read;
      },
      [&](const Answer& a) { return a.status == 200 && age.empty(); }));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::testing

// A network cut between nodes (issue 15): the queue host cut off from the others under
// on-sale load leaves one waiting room, admitting in issue order (docs/adr-004).
#include <soci/soci.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "domain/queue_history.hpp"
#include "storage/session_factory.hpp"
#include "support/booking_client.hpp"
#include "support/test_cluster.hpp"
#include "support/test_database.hpp"

namespace boxoffice::testing {
namespace {

constexpr int kMaxActive = 4;
constexpr int kUsersPerNode = 80;

enum class Phase { before, cut, healed };

struct Seen {
  int node = 0;
  Phase phase = Phase::before;
  std::string what;  // "issue" or "poll"
  Answer answer;
};

// Issues a token for each of `users` in turn through one node, polling the live ones between
// issues, until `stop`; records every answer with the phase it was sent in.
void fan_load(TestCluster& cluster, int node, const std::vector<std::int64_t>& users,
              const std::atomic<Phase>& phase, const std::atomic<bool>& stop, std::mutex& mutex,
              std::vector<Seen>& seen, std::map<std::string, int>& tokens) {
  auto http = cluster.client(node, std::chrono::seconds(20));
  std::vector<std::string> live;
  std::size_t next = 0;
  const auto record = [&](const char* what, const Phase sent, Answer answer) {
    std::lock_guard lock(mutex);
    seen.push_back(Seen{node, sent, what, std::move(answer)});
    return seen.back().answer;
  };
  while (!stop) {
    if (next < users.size()) {
      const Phase sent = phase;
      const auto answer = record("issue", sent, issue_token(*http, users[next]));
      if (answer.status == 201 || answer.status == 200) {
        const auto token = answer.body_json().value("token", "");
        live.push_back(token);
        std::lock_guard lock(mutex);
        tokens[token] = node;
      }
      if (answer.status != 503) ++next;  // a 503 changed nothing: the same user asks again
    }
    std::vector<std::string> still;
    for (const auto& token : live) {
      const Phase sent = phase;
      const auto answer = record("poll", sent, token_status(*http, token));
      if (answer.status != 200) {
        still.push_back(token);
        continue;
      }
      const auto status = answer.body_json().value("status", "");
      if (status == "WAITING" || status == "ACTIVE") still.push_back(token);
    }
    live = std::move(still);
    // The load's pace (a fan's poll interval), not a wait for anything.
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
  }
}

std::vector<domain::TokenLife> token_lives(soci::session& sql) {
  std::vector<domain::TokenLife> lives;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT seq, issued_at_ms, COALESCE(activated_at_ms, 0),"
                      " COALESCE(LEAST(COALESCE(ended_at_ms, expires_at_ms), expires_at_ms),"
                      " ended_at_ms, 0) FROM queue_tokens");
  for (const auto& row : rows)
    lives.push_back(domain::TokenLife{row.get<long long>(0), row.get<long long>(1),
                                      row.get<long long>(2), row.get<long long>(3)});
  return lives;
}

// The token's status on every node, asked in turn until two rounds agree with themselves
// (a token may be admitted or expire between two reads).
std::vector<std::string> statuses_everywhere(TestCluster& cluster, const std::string& token) {
  std::vector<std::string> statuses;
  for (int attempt = 0; attempt < 20; ++attempt) {
    statuses.clear();
    for (int node = 1; node <= 3; ++node) {
      auto http = cluster.client(node, std::chrono::seconds(20));
      const auto answer = token_status(*http, token);
      statuses.push_back(answer.status == 200 ? answer.body_json().value("status", "")
                                              : "HTTP " + std::to_string(answer.status));
    }
    auto again = cluster.client(1, std::chrono::seconds(20));
    const auto last = token_status(*again, token);
    if (last.status == 200 && last.body_json().value("status", "") == statuses.front()) break;
  }
  return statuses;
}

// Charges until the node answers 200 (the same Idempotency-Key each time: a retry after a 503
// or a lost answer is applied once). False when it never does within `give_up`.
bool charged(httplib::Client& http, const NewUser& fan, std::int64_t amount, const std::string& key,
             std::chrono::steady_clock::time_point give_up) {
  while (std::chrono::steady_clock::now() < give_up) {
    if (charge(http, fan.wallet, fan.user, amount, key).status == 200) return true;
  }
  return false;
}

// 24 wallets loaded on their owners, then node 1 cut from nodes 2 and 3: each side owns
// every wallet in its own view.
struct WalletsAcrossACut {
  TestCluster cluster;
  std::vector<NewUser> fans;
  std::chrono::steady_clock::time_point deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(60);

  explicit WalletsAcrossACut(const std::string& label)
      : cluster(3, fresh_database(label), {"--request-timeout", "5s"}) {
    cluster.relay_links();
    cluster.start_all();
    auto admin = cluster.client(1);
    for (int i = 0; i < 24; ++i) fans.push_back(create_user(*admin, "payer" + std::to_string(i)));
    for (const auto& fan : fans) BOOST_TEST_REQUIRE(charged(*admin, fan, 1, "before", deadline));
    cluster.relays().cut({1});
    BOOST_TEST_REQUIRE(cluster.wait_status(1, 2, "down", std::chrono::seconds(10)));
    BOOST_TEST_REQUIRE(cluster.wait_status(2, 1, "down", std::chrono::seconds(10)));
  }

  // Both sides charge every wallet: the lone side (node 1) 10, the other side (node 2) 100.
  void charge_on_both_sides(bool other_side_first) {
    auto lone = cluster.client(1);
    auto rest = cluster.client(2);
    for (const auto& fan : fans) {
      if (other_side_first) BOOST_TEST_REQUIRE(charged(*rest, fan, 100, "other side", deadline));
      BOOST_TEST_REQUIRE(charged(*lone, fan, 10, "lone side", deadline));
      if (!other_side_first) BOOST_TEST_REQUIRE(charged(*rest, fan, 100, "other side", deadline));
    }
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(cluster_partition)

BOOST_AUTO_TEST_CASE(the_queue_host_cut_off_for_ten_seconds_leaves_one_waiting_room) {
  TestCluster cluster(3, fresh_database("cluster_partition"),
                      {"--queue-max-active", std::to_string(kMaxActive), "--token-ttl", "2s",
                       "--request-timeout", "15s"});
  cluster.relay_links();
  cluster.start_all();
  auto admin = cluster.client(1);
  std::map<int, std::vector<std::int64_t>> users;
  for (int node = 1; node <= 3; ++node)
    for (int i = 0; i < kUsersPerNode; ++i)
      users[node].push_back(
          create_user(*admin, "fan" + std::to_string(node) + "-" + std::to_string(i)).user);

  std::atomic<Phase> phase{Phase::before};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::vector<Seen> seen;
  std::map<std::string, int> tokens;  // every token acknowledged, by the node that issued it
  std::vector<std::thread> fans;
  for (int node = 1; node <= 3; ++node)
    fans.emplace_back(
        [&, node] { fan_load(cluster, node, users[node], phase, stop, mutex, seen, tokens); });
  // The load's timeline: on sale, then node 1 (the queue host: lowest id) cut off for 10 s.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  cluster.relays().cut({1});
  phase = Phase::cut;
  std::this_thread::sleep_for(std::chrono::seconds(10));
  cluster.relays().heal_all();
  phase = Phase::healed;
  const bool converged = cluster.wait_converged(std::chrono::seconds(20));
  std::this_thread::sleep_for(std::chrono::seconds(2));
  stop = true;
  for (auto& fan : fans) fan.join();
  BOOST_TEST_REQUIRE(converged, cluster.problems_logged());

  // Every answer on both sides of the cut: 2xx, or 503 with Retry-After; never a 500, never
  // a hang (no answer within the client's 20 s).
  std::map<std::pair<int, Phase>, int> issued, refused;
  for (const auto& each : seen) {
    const auto& answer = each.answer;
    const bool ok = answer.status == 200 || answer.status == 201;
    const bool unavailable =
        answer.status == 503 && !answer.retry_after.empty() && answer.code() == "UNAVAILABLE";
    BOOST_TEST((ok || unavailable), "node " << each.node << " " << each.what << ": "
                                            << shown(answer) << "\n"
                                            << cluster.problems_logged());
    if (each.what != "issue") continue;
    if (ok) ++issued[{each.node, each.phase}];
    if (unavailable) ++refused[{each.node, each.phase}];
  }
  // The cut was real and the host kept its waiting room: node 1 issued tokens during it, the
  // other side could not reach the host and said so.
  const auto count = [](std::map<std::pair<int, Phase>, int>& counts, int node, Phase phase) {
    return counts[std::make_pair(node, phase)];
  };
  BOOST_TEST(count(issued, 1, Phase::cut) > 0);
  BOOST_TEST(count(refused, 2, Phase::cut) + count(refused, 3, Phase::cut) > 0);
  BOOST_TEST(count(issued, 2, Phase::healed) + count(issued, 3, Phase::healed) > 0);

  // After healing every node tells the same about every token.
  for (const auto& [token, node] : tokens) {
    const auto statuses = statuses_everywhere(cluster, token);
    BOOST_TEST_CONTEXT("token issued on node " << node) {
      BOOST_TEST(statuses[0] == statuses[1]);
      BOOST_TEST(statuses[0] == statuses[2]);
      BOOST_TEST(statuses[0].rfind("HTTP", 0) != 0, statuses[0]);
    }
  }

  // In the database: ACTIVE never above the limit, admissions in issue order, and no queue
  // write committed under a stale lease epoch.
  auto sql = storage::open_session(cluster.database());
  const auto lives = token_lives(*sql);
  BOOST_TEST(domain::max_active_overlap(lives) <= kMaxActive);
  const auto overtaken = domain::admissions_out_of_order(lives);
  for (const auto& each : overtaken)
    BOOST_TEST(false, "token " << each.admitted << " admitted at " << each.at << " while "
                               << each.skipped << " waited");
  std::vector<domain::LeaseGrant> grants;
  std::vector<domain::LeasedWrite> writes;
  soci::rowset<soci::row> grant_rows =
      (sql->prepare << "SELECT epoch, granted_at_ms FROM queue_lease_grants");
  for (const auto& row : grant_rows)
    grants.push_back({row.get<long long>(0), row.get<long long>(1)});
  soci::rowset<soci::row> write_rows =
      (sql->prepare << "SELECT epoch, at_ms FROM queue_lease_writes");
  for (const auto& row : write_rows)
    writes.push_back({row.get<long long>(0), row.get<long long>(1)});
  BOOST_TEST(!writes.empty());
  BOOST_TEST(domain::stale_queue_writes(grants, writes).empty());
}

BOOST_AUTO_TEST_CASE(a_wallet_charged_on_both_sides_of_a_cut_reads_the_same_everywhere_after) {
  WalletsAcrossACut cut("cluster_partition_wallets");
  auto& cluster = cut.cluster;
  const auto& fans = cut.fans;
  // Each side now owns every wallet in its own view: both charge each one.
  cut.charge_on_both_sides(false);
  cluster.relays().heal_all();
  BOOST_TEST_REQUIRE(cluster.wait_converged(std::chrono::seconds(20)), cluster.problems_logged());

  // The database has both charges; every node must say what it has (once the hand-overs of
  // the heal are done: a bounded wait, then the answer must be the truth).
  auto sql = storage::open_session(cluster.database());
  for (const auto& fan : fans) {
    long long stored = -1;
    *sql << "SELECT balance FROM wallets WHERE id = :id", soci::use(fan.wallet), soci::into(stored);
    BOOST_TEST(stored == 111, "wallet " << fan.wallet);
    for (int node = 1; node <= 3; ++node) {
      auto http = cluster.client(node);
      std::int64_t seen = -1;
      const auto settle = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      do {
        const auto answer = balance(*http, fan.wallet, fan.user);
        seen = answer.status == 200 ? answer.body_json().value("balance", -1LL) : -1;
      } while (seen != stored && std::chrono::steady_clock::now() < settle);
      BOOST_TEST(seen == stored, "wallet " << fan.wallet << " through node " << node << ": balance "
                                           << seen << ", stored " << stored);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_heal_that_reaches_one_peer_first_leaves_no_stale_wallet_behind) {
  WalletsAcrossACut cut("cluster_partial_heal");
  auto& cluster = cut.cluster;
  const auto& fans = cut.fans;
  // The other side charges first, then the lone side: its write conflicts, it reloads and
  // charges on top. The other side's actor still holds the balance before the lone charge.
  cut.charge_on_both_sides(true);
  // The heal reaches node 3 first: the lone side's hand-overs (and their "reload" notes) go to
  // the owners of a two-node view; then node 2.
  cluster.relays().set_between(1, 3, false);
  BOOST_TEST_REQUIRE(cluster.wait_status(1, 3, "up", std::chrono::seconds(10)));
  BOOST_TEST_REQUIRE(cluster.wait_status(3, 1, "up", std::chrono::seconds(10)));
  cluster.relays().set_between(1, 2, false);
  BOOST_TEST_REQUIRE(cluster.wait_converged(std::chrono::seconds(20)), cluster.problems_logged());

  // Every node answers the stored balance at once (a 503 while an actor reloads is the truth
  // too, and is asked again; a wrong balance is never).
  for (const auto& fan : fans)
    for (int node = 1; node <= 3; ++node) {
      auto http = cluster.client(node);
      Answer answer;
      const auto settle = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      do {
        answer = balance(*http, fan.wallet, fan.user);
      } while (answer.status != 200 && std::chrono::steady_clock::now() < settle);
      BOOST_TEST(answer.body_json().value("balance", -1LL) == 111,
                 "wallet " << fan.wallet << " through node " << node << ": " << shown(answer));
    }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::testing

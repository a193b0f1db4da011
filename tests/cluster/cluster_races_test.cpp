// Fans racing for the same seats through different nodes: one winner per seat, never a 5xx.
#include <boost/test/unit_test.hpp>
#include <map>
#include <mutex>
#include <thread>

#include "support/booking_client.hpp"
#include "support/test_cluster.hpp"
#include "support/test_database.hpp"

namespace boxoffice::testing {

BOOST_AUTO_TEST_SUITE(cluster_races)

BOOST_AUTO_TEST_CASE(holds_raced_over_three_nodes_have_one_winner_per_seat) {
  constexpr int kSeats = 10;
  constexpr int kFans = 120;  // each fan tries every seat: 120 holds per seat
  constexpr int kThreads = 24;
  TestCluster cluster(3, fresh_database("cluster_races"), {"--queue-max-active", "1000"});
  cluster.start_all();
  auto admin = cluster.client(1);
  const auto schedule = open_schedule(*admin, kSeats, 10'000);
  std::vector<std::string> tokens;
  for (int fan = 0; fan < kFans; ++fan) {
    const auto user = create_user(*admin, "fan" + std::to_string(fan));
    const auto issued = issue_token(*admin, user.user);
    BOOST_TEST_REQUIRE(issued.body_json().value("status", "") == "ACTIVE", shown(issued));
    tokens.push_back(issued.body_json().at("token").get<std::string>());
  }

  std::mutex mutex;
  std::map<int, std::vector<Answer>> answers;  // seat -> every answer
  std::vector<std::thread> threads;
  for (int thread = 0; thread < kThreads; ++thread) {
    threads.emplace_back([&, thread] {
      auto http = cluster.client(1 + thread % 3);  // spread over every node
      for (int fan = thread; fan < kFans; fan += kThreads)
        for (int seat = 1; seat <= kSeats; ++seat) {
          auto answer = hold(*http, tokens[static_cast<std::size_t>(fan)], schedule, seat);
          std::lock_guard lock(mutex);
          answers[seat].push_back(std::move(answer));
        }
    });
  }
  for (auto& thread : threads) thread.join();

  for (int seat = 1; seat <= kSeats; ++seat) {
    BOOST_TEST_CONTEXT("seat " << seat) {
      int won = 0;
      int refused = 0;
      for (const auto& answer : answers[seat]) {
        if (answer.status == 201)
          ++won;
        else if (answer.status == 409 && answer.code() == "SEAT_UNAVAILABLE")
          ++refused;
        else
          BOOST_TEST(false, "unexpected answer: " << shown(answer));
      }
      BOOST_TEST(won == 1);
      BOOST_TEST(refused == kFans - 1);
    }
  }
  // Every node shows every seat held.
  for (int node = 1; node <= 3; ++node) {
    auto http = cluster.client(node);
    const auto map = seats(*http, tokens[0], schedule);
    BOOST_TEST_REQUIRE(map.status == 200, shown(map));
    for (const auto& seat : map.body_json().at("seats"))
      BOOST_TEST(seat.value("status", "") == "HELD");
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::testing

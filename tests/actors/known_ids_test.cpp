#include "actors/known_ids.hpp"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <future>
#include <mutex>
#include <random>
#include <set>
#include <thread>

namespace boxoffice::actors {
namespace {

using namespace std::chrono_literals;

// The ids "in the database": the loader reads them as they are when it is called.
struct FakeTable {
  std::mutex mutex;
  std::set<domain::Id> ids;
  std::atomic<int> failures_to_come{0};
  std::function<void()> after_snapshot;  // runs after the loader took its snapshot

  void insert(domain::Id id) {
    std::lock_guard<std::mutex> lock(mutex);
    ids.insert(id);
  }
  KnownIds::Loader loader() {
    return [this](domain::Id from) -> domain::Result<std::vector<domain::Id>> {
      if (failures_to_come > 0) {
        --failures_to_come;
        return domain::make_error(domain::ErrorCode::unavailable, "the database is not available");
      }
      std::vector<domain::Id> out;
      {
        std::lock_guard<std::mutex> lock(mutex);
        out.assign(ids.lower_bound(from), ids.end());
      }
      if (after_snapshot) after_snapshot();
      return out;
    };
  }
};

KnownIds::Options quick(std::chrono::milliseconds gap_settle = 60s) {
  KnownIds::Options options;
  options.min_read_gap = 1ms;
  options.gap_settle = gap_settle;
  return options;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(known_ids)

BOOST_AUTO_TEST_CASE(read_once_then_answered_from_memory) {
  FakeTable table;
  for (domain::Id id = 1; id <= 100; ++id) table.insert(id);
  KnownIds known(table.loader(), quick());
  BOOST_TEST(known.exists(5).value());
  BOOST_TEST(known.reads() == 1U);
  for (const domain::Id id : {1, 50, 100}) BOOST_TEST(known.exists(id).value(), "id " << id);
  for (const domain::Id id : {0, -1, -100}) BOOST_TEST(!known.exists(id).value(), "id " << id);
  BOOST_TEST(known.reads() == 1U);
}

BOOST_AUTO_TEST_CASE(an_id_created_elsewhere_after_the_last_read_is_found) {
  FakeTable table;
  for (domain::Id id = 1; id <= 10; ++id) table.insert(id);
  KnownIds known(table.loader(), quick());
  BOOST_TEST(known.exists(3).value());
  table.insert(11);
  BOOST_TEST(known.exists(11).value());
  BOOST_TEST(!known.exists(12).value());
  BOOST_TEST(known.reads() == 3U);
}

BOOST_AUTO_TEST_CASE(an_id_created_here_is_known_without_a_read) {
  FakeTable table;
  KnownIds known(table.loader(), quick());
  known.add(7);
  BOOST_TEST(known.exists(7).value());
  BOOST_TEST(known.reads() == 0U);
}

BOOST_AUTO_TEST_CASE(made_up_ids_cost_reads_bounded_by_time_not_by_requests) {
  FakeTable table;
  for (domain::Id id = 1; id <= 1000; ++id) table.insert(id);
  KnownIds::Options options;
  options.min_read_gap = 20ms;
  KnownIds known(table.loader(), options);
  constexpr int kThreads = 8;
  constexpr int kEach = 40;
  const auto started = std::chrono::steady_clock::now();
  std::atomic<int> wrong{0};
  std::vector<std::thread> fans;
  for (int t = 0; t < kThreads; ++t)
    fans.emplace_back([&, t] {
      std::mt19937_64 random(t);
      for (int i = 0; i < kEach; ++i) {
        // Half made up above every id, half inside the known range but absent (none).
        const domain::Id id = i % 2 ? 1'000'000 + static_cast<domain::Id>(random() % 1'000'000)
                                    : 1 + static_cast<domain::Id>(random() % 1000);
        const auto exists = known.exists(id);
        if (!exists.ok() || exists.value() != (id <= 1000)) ++wrong;
      }
    });
  for (auto& fan : fans) fan.join();
  const auto elapsed = std::chrono::steady_clock::now() - started;
  BOOST_TEST(wrong == 0);
  // Reads start at least min_read_gap apart.
  const auto bound = static_cast<std::uint64_t>(elapsed / options.min_read_gap) + 1;
  BOOST_TEST(known.reads() <= bound);
  BOOST_TEST(known.reads() < static_cast<std::uint64_t>(kThreads * kEach / 4));
}

BOOST_AUTO_TEST_CASE(a_request_waits_for_a_read_that_started_after_it_arrived) {
  FakeTable table;
  for (domain::Id id = 1; id <= 10; ++id) table.insert(id);
  KnownIds known(table.loader(), quick());
  BOOST_REQUIRE(known.exists(1).value());
  // The next read takes its snapshot, then wallet 11 commits and is asked for while that
  // read is still on its way back.
  std::promise<void> snapshot_taken;
  std::promise<void> release;
  auto released = release.get_future().share();
  table.after_snapshot = [&, once = std::make_shared<std::once_flag>()] {
    std::call_once(*once, [&] {
      snapshot_taken.set_value();
      released.wait();
    });
  };
  auto early = std::async(std::launch::async, [&] { return known.exists(11); });
  snapshot_taken.get_future().wait();
  table.insert(11);
  auto late = std::async(std::launch::async, [&] { return known.exists(11); });
  release.set_value();
  BOOST_TEST(!early.get().value());  // true when its read began: 11 did not exist yet
  BOOST_TEST(late.get().value());
}

BOOST_AUTO_TEST_CASE(a_gap_is_read_again_until_it_settles) {
  FakeTable table;
  for (const domain::Id id : {1, 2, 4, 5}) table.insert(id);
  {
    KnownIds known(table.loader(), quick());
    BOOST_TEST(!known.exists(3).value());
    table.insert(3);  // its transaction committed after the others
    BOOST_TEST(known.exists(3).value());
    BOOST_TEST(known.reads() == 2U);
  }
  FakeTable settled_table;
  for (const domain::Id id : {1, 2, 4, 5}) settled_table.insert(id);
  KnownIds settled(settled_table.loader(), quick(0ms));
  BOOST_TEST(!settled.exists(3).value());
  BOOST_TEST(!settled.exists(3).value());  // the gap settles at the next read
  BOOST_TEST(settled.reads() == 2U);
  settled_table.insert(3);  // later than gap_settle: not looked for any more
  BOOST_TEST(!settled.exists(3).value());
  BOOST_TEST(settled.exists(2).value());
  BOOST_TEST(settled.reads() == 2U);
}

BOOST_AUTO_TEST_CASE(a_failed_read_answers_unavailable_and_the_next_request_reads_again) {
  FakeTable table;
  table.insert(1);
  table.failures_to_come = 1;
  KnownIds known(table.loader(), quick());
  const auto failed = known.exists(1);
  BOOST_REQUIRE(!failed.ok());
  BOOST_TEST(failed.error().code == domain::ErrorCode::unavailable);
  BOOST_TEST(known.exists(1).value());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::actors

#include "actors/slot_deadlines.hpp"

#include <boost/test/unit_test.hpp>
#include <optional>

namespace boxoffice::actors {
namespace {

using namespace std::chrono_literals;

// A request of the router and the answers its sink received.
struct Watched {
  std::vector<domain::Result<int>> answers;
  std::shared_ptr<TypedSlot<int>> slot;

  Watched(std::chrono::milliseconds timeout, bool write) {
    slot = std::make_shared<TypedSlot<int>>(
        timeout, true, write, [this](domain::Result<int> r) { answers.push_back(std::move(r)); });
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(slot_deadlines)

BOOST_AUTO_TEST_CASE(an_unanswered_read_is_answered_unavailable_once_its_deadline_passed) {
  SlotDeadlines deadlines;
  Watched read(60'000ms, false);  // far: the first look comes long before it, however slow
  deadlines.watch(read.slot, read.slot->timeout());
  const auto due = deadlines.expire(SlotDeadlines::Clock::now());
  BOOST_TEST(read.answers.empty());
  BOOST_TEST_REQUIRE(due.has_value());
  BOOST_TEST(!deadlines.expire(*due).has_value());
  BOOST_TEST_REQUIRE(read.answers.size() == 1u);
  BOOST_TEST(!read.answers[0].ok());
  BOOST_TEST((read.answers[0].error().code == domain::ErrorCode::unavailable));
  BOOST_TEST(deadlines.size() == 0u);
}

BOOST_AUTO_TEST_CASE(an_unanswered_write_is_answered_outcome_unknown) {
  SlotDeadlines deadlines;
  Watched write(0ms, true);
  deadlines.watch(write.slot, write.slot->timeout());
  deadlines.expire(SlotDeadlines::Clock::now() + 1ms);
  BOOST_TEST_REQUIRE(write.answers.size() == 1u);
  BOOST_TEST((write.answers[0].error().code == domain::ErrorCode::outcome_unknown));
}

BOOST_AUTO_TEST_CASE(an_answered_request_is_not_answered_again_and_a_forgotten_one_is_skipped) {
  SlotDeadlines deadlines;
  Watched answered(0ms, false);
  auto forgotten = std::make_unique<Watched>(0ms, true);
  deadlines.watch(answered.slot, answered.slot->timeout());
  deadlines.watch(forgotten->slot, forgotten->slot->timeout());
  answered.slot->fail(domain::make_error(domain::ErrorCode::seat_unavailable, "taken"));
  forgotten.reset();  // answered and let go by everyone else: only the watch is left
  BOOST_TEST(!deadlines.expire(SlotDeadlines::Clock::now() + 1ms).has_value());
  BOOST_TEST_REQUIRE(answered.answers.size() == 1u);
  BOOST_TEST((answered.answers[0].error().code == domain::ErrorCode::seat_unavailable));
}

BOOST_AUTO_TEST_CASE(deadlines_expire_in_order_whatever_the_order_they_were_watched_in) {
  SlotDeadlines deadlines;
  Watched late(10'000ms, false), early(0ms, false);
  deadlines.watch(late.slot, late.slot->timeout());
  deadlines.watch(early.slot, early.slot->timeout());
  const auto next = deadlines.expire(SlotDeadlines::Clock::now() + 1ms);
  BOOST_TEST(early.answers.size() == 1u);
  BOOST_TEST(late.answers.empty());
  BOOST_TEST_REQUIRE(next.has_value());
  BOOST_TEST((*next > SlotDeadlines::Clock::now() + 5'000ms));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::actors

#include "domain/poll_pace.hpp"

#include <boost/test/unit_test.hpp>

namespace boxoffice::domain {

using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(poll_pace)

BOOST_AUTO_TEST_CASE(the_head_of_the_line_looks_every_second) {
  for (const std::int64_t position : {1, 2, 50, 100})
    BOOST_TEST(poll_after_seconds(position, 2min) == 1);
}

BOOST_AUTO_TEST_CASE(the_pause_grows_with_the_position) {
  BOOST_TEST(poll_after_seconds(101, 2min) == 2);
  BOOST_TEST(poll_after_seconds(1'000, 2min) == 10);
  BOOST_TEST(poll_after_seconds(2'950, 2min) == 30);
  std::int64_t previous = 0;
  for (std::int64_t position = 1; position < 100'000; position += 37) {
    const auto pause = poll_after_seconds(position, 2min);
    BOOST_TEST(pause >= previous, "position " << position);
    previous = pause;
  }
}

BOOST_AUTO_TEST_CASE(a_fan_who_follows_it_is_never_expired_for_not_looking) {
  for (const std::chrono::milliseconds idle : {3'000ms, 120'000ms, 600'000ms}) {
    for (const std::int64_t position : {1, 1'000, 1'000'000}) {
      const auto pause = poll_after_seconds(position, idle);
      BOOST_TEST(pause >= 1);
      BOOST_TEST(pause * 2 <= std::max<std::int64_t>(2, idle / 1s), "idle " << idle.count() << " ms");
    }
  }
  BOOST_TEST(poll_after_seconds(1'000'000, 2min) == 60);
  BOOST_TEST(poll_after_seconds(1'000'000, 1s) == 1);  // never below a second
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::domain

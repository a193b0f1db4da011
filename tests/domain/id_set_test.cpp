#include "domain/id_set.hpp"

#include <boost/test/unit_test.hpp>
#include <random>
#include <set>

namespace boxoffice::domain {

BOOST_AUTO_TEST_SUITE(id_set)

BOOST_AUTO_TEST_CASE(holds_exactly_the_ids_put_in) {
  IdSet ids;
  std::set<Id> expected;
  std::mt19937_64 random(7);
  for (int i = 0; i < 20'000; ++i) {
    // Dense ids with a few far apart, across page and word edges.
    const Id id = i % 10 == 0 ? static_cast<Id>(random() >> 2) : static_cast<Id>(random() % 50'000);
    BOOST_TEST(ids.insert(id) == (id >= 1 && expected.insert(id).second), "id " << id);
  }
  BOOST_TEST(ids.size() == expected.size());
  for (Id id = -3; id < 50'003; ++id)
    BOOST_TEST(ids.contains(id) == (expected.count(id) == 1), "id " << id);
  for (const auto id : expected) BOOST_TEST(ids.contains(id), "id " << id);
}

BOOST_AUTO_TEST_CASE(ids_below_one_are_never_members) {
  IdSet ids;
  BOOST_TEST(!ids.insert(0));
  BOOST_TEST(!ids.insert(-4096));
  BOOST_TEST(!ids.contains(0));
  BOOST_TEST(ids.size() == 0U);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::domain

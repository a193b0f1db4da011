#include "domain/rendezvous.hpp"

#include <boost/test/unit_test.hpp>
#include <map>
#include <string>

using boxoffice::domain::NodeId;
using boxoffice::domain::rendezvous_owner;
using boxoffice::domain::rendezvous_weight;

namespace {

std::string key_number(int i) {
  return "wallet:" + std::to_string(i);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rendezvous)

BOOST_AUTO_TEST_CASE(no_live_node_owns_nothing) {
  BOOST_TEST(rendezvous_owner("wallet:1", {}) == 0);
}

BOOST_AUTO_TEST_CASE(the_owner_does_not_depend_on_the_order_nodes_are_listed) {
  for (int i = 0; i < 200; ++i)
    BOOST_TEST(rendezvous_owner(key_number(i), {1, 2, 3}) ==
               rendezvous_owner(key_number(i), {3, 1, 2}));
}

BOOST_AUTO_TEST_CASE(the_weight_is_the_same_in_every_process) {
  // Fixed values: a change here would move every entity of a running cluster on upgrade.
  BOOST_TEST(rendezvous_weight(1, "wallet:1") == 1650971295253660533ULL);
  BOOST_TEST(rendezvous_weight(2, "schedule:7") == 18170179329259686670ULL);
  BOOST_TEST(rendezvous_weight(1, "wallet:1") != rendezvous_weight(2, "wallet:1"));
  BOOST_TEST(rendezvous_weight(1, "wallet:1") != rendezvous_weight(1, "wallet:2"));
}

BOOST_AUTO_TEST_CASE(keys_spread_over_the_nodes) {
  std::map<NodeId, int> owned;
  constexpr int kKeys = 3000;
  for (int i = 0; i < kKeys; ++i) ++owned[rendezvous_owner(key_number(i), {1, 2, 3})];
  BOOST_TEST(owned.size() == 3u);
  for (const auto& [node, count] : owned)
    BOOST_TEST((count > kKeys / 3 - 200 && count < kKeys / 3 + 200),
               "node " << node << " owns " << count << " of " << kKeys);
}

BOOST_AUTO_TEST_CASE(when_a_node_leaves_only_its_keys_move) {
  int moved = 0;
  for (int i = 0; i < 1000; ++i) {
    const auto before = rendezvous_owner(key_number(i), {1, 2, 3});
    const auto after = rendezvous_owner(key_number(i), {1, 3});
    if (before != 2) BOOST_TEST(after == before, key_number(i) << " moved from " << before);
    if (before == 2) ++moved;
    BOOST_TEST(after != 2);
  }
  BOOST_TEST(moved > 0);
}

BOOST_AUTO_TEST_CASE(a_single_node_owns_every_key) {
  for (int i = 0; i < 100; ++i) BOOST_TEST(rendezvous_owner(key_number(i), {7}) == 7);
}

BOOST_AUTO_TEST_SUITE_END()

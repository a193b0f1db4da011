#include "domain/pointer_index.hpp"

#include <boost/test/unit_test.hpp>
#include <deque>
#include <map>
#include <random>

namespace boxoffice::domain {
namespace {

struct Item {
  std::int64_t key = 0;
};
struct KeyOf {
  std::int64_t operator()(const Item& item) const { return item.key; }
};
// Every key collides: runs wrap around the table and deletions must shift them back.
struct Collide {
  std::size_t operator()(std::int64_t key) const { return static_cast<std::size_t>(key % 3); }
};

template <class Hash>
void compare_with_a_map(std::uint64_t seed, int operations, std::int64_t key_range) {
  PointerIndex<Item, std::int64_t, KeyOf, Hash> index;
  std::map<std::int64_t, Item*> expected;
  std::deque<Item> items;
  std::mt19937_64 random(seed);
  for (int i = 0; i < operations; ++i) {
    const auto key = static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(key_range));
    if (random() % 3 != 0 && expected.count(key) == 0) {
      items.push_back(Item{key});
      index.insert(&items.back());
      expected[key] = &items.back();
    } else {
      BOOST_TEST(index.erase(key) == (expected.erase(key) == 1), "erase " << key);
    }
    if (i % 97 == 0)
      for (std::int64_t probe = 0; probe < key_range; ++probe) {
        const auto it = expected.find(probe);
        BOOST_TEST(index.find(probe) == (it == expected.end() ? nullptr : it->second),
                   "key " << probe << " after " << i << " operations");
      }
  }
  BOOST_TEST(index.size() == expected.size());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pointer_index)

BOOST_AUTO_TEST_CASE(finds_exactly_what_is_indexed_through_inserts_and_erases) {
  compare_with_a_map<std::hash<std::int64_t>>(1, 20'000, 3'000);
}

BOOST_AUTO_TEST_CASE(colliding_keys_stay_findable_after_erases) {
  compare_with_a_map<Collide>(2, 3'000, 200);
}

BOOST_AUTO_TEST_CASE(an_empty_index_finds_and_erases_nothing) {
  PointerIndex<Item, std::int64_t, KeyOf> index;
  BOOST_TEST(index.find(1) == nullptr);
  BOOST_TEST(!index.erase(1));
  BOOST_TEST(index.size() == 0U);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::domain

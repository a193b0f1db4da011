#include <boost/test/unit_test.hpp>

#include "domain/queue_history.hpp"

namespace boxoffice::domain {

BOOST_AUTO_TEST_SUITE(queue_history)

BOOST_AUTO_TEST_CASE(admissions_in_issue_order_pass) {
  // 1 and 2 admitted at once, 3 once 1 left, 4 left the line (idle) without an admission.
  const std::vector<TokenLife> lives{
      {1, 100, 100, 500}, {2, 110, 110, 600}, {3, 120, 500, 900}, {4, 130, 0, 300}};
  BOOST_TEST(admissions_out_of_order(lives).empty());
}

BOOST_AUTO_TEST_CASE(an_admission_past_an_older_waiting_token_is_found) {
  // 3 admitted at 500 while 2 (issued earlier) waited until 700.
  const std::vector<TokenLife> lives{{1, 100, 100, 500}, {2, 110, 700, 900}, {3, 120, 500, 800}};
  const auto found = admissions_out_of_order(lives);
  BOOST_TEST_REQUIRE(found.size() == 1u);
  BOOST_TEST(found[0].admitted == 3);
  BOOST_TEST(found[0].skipped == 2);
  BOOST_TEST(found[0].at == 500);
  BOOST_TEST(admissions_out_of_order(lives, 200).empty());  // within the slack
}

BOOST_AUTO_TEST_CASE(a_token_still_waiting_behind_a_younger_admitted_one_is_found) {
  const std::vector<TokenLife> lives{{1, 100, 0, 0}, {2, 110, 200, 0}};
  BOOST_TEST(admissions_out_of_order(lives).size() == 1u);
  BOOST_TEST(admissions_out_of_order(lives, 1'000'000).size() == 1u);  // never admitted
}

BOOST_AUTO_TEST_CASE(a_token_issued_after_the_admission_is_not_overtaken) {
  const std::vector<TokenLife> lives{{1, 300, 0, 0}, {2, 110, 200, 0}};  // seq 1 issued later
  BOOST_TEST(admissions_out_of_order(lives).empty());
}

BOOST_AUTO_TEST_CASE(max_active_overlap_counts_the_deepest_instant) {
  const std::vector<TokenLife> lives{
      {1, 0, 100, 300}, {2, 0, 200, 400}, {3, 0, 300, 500}, {4, 0, 0, 0}, {5, 0, 350, 0}};
  // At 350: 2, 3 and 5 (1 ended at 300, ends count before starts at one instant).
  BOOST_TEST(max_active_overlap(lives) == 3);
  BOOST_TEST(max_active_overlap({}) == 0);
}

BOOST_AUTO_TEST_CASE(a_write_after_a_later_grant_is_stale) {
  const std::vector<LeaseGrant> grants{{1, 100}, {2, 1000}};
  const std::vector<LeasedWrite> writes{{1, 500}, {2, 1200}, {1, 1100}};
  const auto stale = stale_queue_writes(grants, writes);
  BOOST_TEST_REQUIRE(stale.size() == 1u);
  BOOST_TEST(stale[0].epoch == 1);
  BOOST_TEST(stale[0].at == 1100);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::domain

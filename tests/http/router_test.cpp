#include <boost/test/unit_test.hpp>

// Unit tests of http/router.hpp: which route a request goes to, and which requests the
// connection loop runs on its own thread. No server, no database.

#include <string>

#include "http/router.hpp"

namespace {

using boxoffice::http::Handler;
using boxoffice::http::Router;

Handler named(const std::string& name) {
  return [name](const httplib::Request&, httplib::Response& response,
                const boxoffice::http::RequestContext&) { response.body = name; };
}

// The handler match() picks for a request, by the name it writes ("" when none).
std::string handler_of(const Router& router, const std::string& method, const std::string& path) {
  const auto match = router.match(method, path);
  if (!match.handler) return "";
  httplib::Request request;
  httplib::Response response;
  (*match.handler)(request, response, boxoffice::http::RequestContext{});
  return response.body;
}

struct Routes {
  Router router;
  Routes() {
    router.add("GET", "/api/v1/concerts", named("concerts"));
    router.add_on_loop("GET", "/api/v1/schedules/{scheduleId}/seats", named("seats"));
    router.add("GET", "/api/v1/reservations/{reservationId}", named("read hold"));
    router.add_on_loop("POST", "/api/v1/reservations", named("hold"));
    // A literal path added before a placeholder route of the same shape wins over it.
    router.add("GET", "/api/v1/wallets/mine", named("my wallet"));
    router.add_on_loop("GET", "/api/v1/wallets/{walletId}", named("wallet"));
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(router, Routes)

BOOST_AUTO_TEST_CASE(a_route_with_placeholders_runs_on_the_loop_for_its_own_method_only) {
  BOOST_TEST(router.runs_on_loop("GET", "/api/v1/schedules/7/seats"));
  BOOST_TEST(router.runs_on_loop("HEAD", "/api/v1/schedules/7/seats"));  // answered like GET
  BOOST_TEST(router.runs_on_loop("GET", "/api/v1/schedules/7/seats?fresh=1"));
  BOOST_TEST(router.runs_on_loop("GET", "//api/v1/schedules/7/seats/"));  // as match() splits
  BOOST_TEST(handler_of(router, "GET", "//api/v1/schedules/7/seats/") == "seats");
  BOOST_TEST(!router.runs_on_loop("POST", "/api/v1/schedules/7/seats"));  // 405 on a worker
  BOOST_TEST(router.runs_on_loop("POST", "/api/v1/reservations"));
  BOOST_TEST(!router.runs_on_loop("GET", "/api/v1/reservations"));
}

BOOST_AUTO_TEST_CASE(paths_with_other_segments_do_not_run_on_the_loop) {
  BOOST_TEST(!router.runs_on_loop("GET", "/api/v1/schedules/7"));
  BOOST_TEST(!router.runs_on_loop("GET", "/api/v1/schedules/7/seats/8"));
  BOOST_TEST(!router.runs_on_loop("GET", "/api/v1/schedules//seats"));  // one segment short
  BOOST_TEST(!router.runs_on_loop("GET", "/api/v1/concerts"));
  BOOST_TEST(!router.runs_on_loop("GET", "/api/v1/reservations/12"));
  BOOST_TEST(!router.runs_on_loop("GET", "/"));
  BOOST_TEST(!router.runs_on_loop("GET", ""));
}

BOOST_AUTO_TEST_CASE(the_loop_runs_a_request_only_where_match_sends_it_to_an_on_loop_route) {
  BOOST_TEST(handler_of(router, "GET", "/api/v1/wallets/mine") == "my wallet");
  BOOST_TEST(!router.runs_on_loop("GET", "/api/v1/wallets/mine"));
  BOOST_TEST(handler_of(router, "GET", "/api/v1/wallets/3") == "wallet");
  BOOST_TEST(router.runs_on_loop("GET", "/api/v1/wallets/3"));
}

BOOST_AUTO_TEST_SUITE_END()

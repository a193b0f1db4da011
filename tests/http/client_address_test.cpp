// The client address the access log shows: the balancer's X-Forwarded-For entry, else the
// connection's peer.
#include "http/client_address.hpp"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

namespace boxoffice::http {
namespace {

httplib::Request from_peer(const std::string& peer) {
  httplib::Request request;
  request.remote_addr = peer;
  return request;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(client_address_of_a_request)

BOOST_AUTO_TEST_CASE(is_the_peer_without_a_forwarded_header) {
  BOOST_TEST(client_address(from_peer("127.0.0.1")) == "127.0.0.1");
}

BOOST_AUTO_TEST_CASE(is_what_the_balancer_appended_last) {
  auto request = from_peer("10.0.0.9");
  request.set_header("X-Forwarded-For", "203.0.113.7");
  BOOST_TEST(client_address(request) == "203.0.113.7");

  auto listed = from_peer("10.0.0.9");
  listed.set_header("x-forwarded-for", "198.51.100.1, 2001:db8::1");
  BOOST_TEST(client_address(listed) == "2001:db8::1");
}

BOOST_AUTO_TEST_CASE(ignores_what_a_client_wrote_before_the_balancer) {
  // A client's own header comes first; HAProxy's `option forwardfor` adds another line.
  auto request = from_peer("10.0.0.9");
  request.set_header("X-Forwarded-For", "1.2.3.4");
  request.set_header("X-Forwarded-For", "203.0.113.7");
  BOOST_TEST(client_address(request) == "203.0.113.7");
}

BOOST_AUTO_TEST_CASE(falls_back_to_the_peer_for_a_malformed_value) {
  const std::vector<std::string> values{
      "", "unknown", "1.2.3.4, <script>", "1.2.3.4,", std::string(46, '1'), "1.2.3.4\r\nX: y"};
  for (const auto& value : values) {
    BOOST_TEST_CONTEXT("\"" << value << "\"") {
      auto request = from_peer("10.0.0.9");
      request.set_header("X-Forwarded-For", value);
      BOOST_TEST(client_address(request) == "10.0.0.9");
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::http

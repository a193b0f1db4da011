// SIGTERM drains (docs/deploy.md): /readyz answers 503 at once, requests are still served
// for --drain-grace, then the server stops; a second signal ends the grace at once.
#include <httplib.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <csignal>
#include <thread>

#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace boxoffice::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::unique_ptr<httplib::Client> client_of(const ServerProcess& server) {
  auto client = std::make_unique<httplib::Client>("127.0.0.1", server.port());
  client->set_keep_alive(true);
  client->set_read_timeout(std::chrono::seconds(5));
  return client;
}

int status_of(httplib::Client& client, const std::string& path) {
  const auto answer = client.Get(path);
  return answer ? answer->status : 0;
}

// Polls /readyz until it answers `status`; false after `timeout`.
bool readyz_becomes(httplib::Client& client, int status, milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (status_of(client, "/readyz") == status) return true;
    std::this_thread::sleep_for(milliseconds(10));  // a poll of another process's state
  }
  return false;
}

long long millis_since(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(drain)

BOOST_AUTO_TEST_CASE(sigterm_makes_readyz_fail_at_once_and_serves_through_the_grace) {
  const auto database = fresh_database("drain");
  ServerProcess server(
      {"serve", "--listen", "127.0.0.1:0", "--database", database.url, "--drain-grace", "2s"});
  server.start();
  auto client = client_of(server);
  BOOST_TEST_REQUIRE(status_of(*client, "/readyz") == 200);

  const auto signalled = Clock::now();
  server.signal(SIGTERM);
  BOOST_TEST_REQUIRE(readyz_becomes(*client, 503, milliseconds(1000)));
  BOOST_TEST_MESSAGE("/readyz 503 after SIGTERM: " << millis_since(signalled) << " ms");
  // The grace: a balancer still sending requests gets them answered.
  while (millis_since(signalled) < 1500) {
    BOOST_TEST_REQUIRE(status_of(*client, "/api/v1/concerts") == 200);
    BOOST_TEST_REQUIRE(server.running());
    std::this_thread::sleep_for(milliseconds(100));  // a request every 100 ms of the grace
  }
  const int status = server.wait_exit(std::chrono::seconds(10));
  const auto exited = millis_since(signalled);
  BOOST_TEST(status == 0, "exit status " << status << "\n" << server.output());
  BOOST_TEST(exited >= 2000, "exited " << exited << " ms after SIGTERM, before the grace");
  BOOST_TEST(server.output().find("draining") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_second_signal_ends_the_grace_at_once) {
  const auto database = fresh_database("drain_cut");
  ServerProcess server(
      {"serve", "--listen", "127.0.0.1:0", "--database", database.url, "--drain-grace", "60s"});
  server.start();
  auto client = client_of(server);
  server.signal(SIGTERM);
  BOOST_TEST_REQUIRE(readyz_becomes(*client, 503, milliseconds(1000)));
  const auto again = Clock::now();
  server.signal(SIGINT);
  BOOST_TEST(server.wait_exit(std::chrono::seconds(10)) == 0);
  BOOST_TEST_MESSAGE("exit after the second signal: " << millis_since(again) << " ms");
}

BOOST_AUTO_TEST_CASE(a_zero_grace_stops_at_once) {
  const auto database = fresh_database("drain_zero");
  ServerProcess server(
      {"serve", "--listen", "127.0.0.1:0", "--database", database.url, "--drain-grace", "0s"});
  server.start();
  const auto signalled = Clock::now();
  server.signal(SIGTERM);
  BOOST_TEST(server.wait_exit(std::chrono::seconds(4)) == 0);
  BOOST_TEST_MESSAGE("exit with --drain-grace 0s: " << millis_since(signalled) << " ms");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::testing

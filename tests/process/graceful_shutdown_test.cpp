#include <httplib.h>
#include <sys/resource.h>

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <future>

#include "support/raw_connection.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace boxoffice::testing {

BOOST_AUTO_TEST_SUITE(graceful_shutdown)

BOOST_AUTO_TEST_CASE(sigterm_with_a_thousand_idle_keep_alive_clients_exits_zero_promptly) {
  const auto database = fresh_database("shutdown");
  ServerProcess server({"serve", "--listen", "127.0.0.1:0", "--database", database.url});
  server.start();
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
  // Each connection asks once and stays open, idle: more than any worker pool.
  constexpr int kClients = 1000;
  std::vector<std::unique_ptr<RawConnection>> connections;
  for (int i = 0; i < kClients; ++i) {
    connections.push_back(std::make_unique<RawConnection>(server.port()));
    connections.back()->write("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
  }
  for (auto& connection : connections) BOOST_TEST_REQUIRE(connection->read_answer().status == 200);
  const auto signalled = std::chrono::steady_clock::now();
  server.signal(SIGTERM);
  // The server waits for no idle connection (each would hold it for --keep-alive-timeout,
  // 60 s): the exit comes within seconds (wait_exit gives -1 past the deadline).
  const int status = server.wait_exit(std::chrono::seconds(4));
  BOOST_TEST(status == 0, "exit status " << status << "\n" << server.output());
  BOOST_TEST(server.output().find("stopped") != std::string::npos);
  BOOST_TEST_MESSAGE("exit after SIGTERM with "
                     << kClients << " idle connections: "
                     << std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - signalled)
                            .count()
                     << " ms");
}

BOOST_AUTO_TEST_CASE(sigint_stops_the_server_too) {
  const auto database = fresh_database("sigint");
  ServerProcess server({"serve", "--listen", "127.0.0.1:0", "--database", database.url});
  server.start();
  server.signal(SIGINT);
  BOOST_TEST(server.wait_exit(std::chrono::seconds(10)) == 0);
}

BOOST_AUTO_TEST_CASE(a_request_in_flight_is_answered_before_exit) {
  const auto database = fresh_database("inflight");
  ServerProcess server({"serve", "--listen", "127.0.0.1:0", "--database", database.url,
                        "--admin-key", "k", "--log-level", "debug"});
  server.start();
  // A large schedule takes a while to create; SIGTERM arrives while it is in flight.
  httplib::Client client("127.0.0.1", server.port());
  auto concert = client.Post("/api/v1/admin/concerts", {{"X-Admin-Key", "k"}}, R"({"title":"t"})",
                             "application/json");
  BOOST_REQUIRE(concert);
  BOOST_REQUIRE(concert->status == 201);
  auto pending = std::async(std::launch::async, [&] {
    httplib::Client slow("127.0.0.1", server.port());
    slow.set_read_timeout(30, 0);
    return slow.Post(
        "/api/v1/admin/concerts/1/schedules", {{"X-Admin-Key", "k"}},
        R"({"startsAt":"2030-01-01T00:00:00Z","bookingOpensAt":"2029-01-01T00:00:00Z",)"
        R"("bookingClosesAt":"2029-12-01T00:00:00Z","seatCount":100000,"seatPrice":10})",
        "application/json");
  });
  BOOST_REQUIRE(
      server.wait_for_output("POST /api/v1/admin/concerts/\\{concertId\\}/schedules \\S+ started",
                             std::chrono::seconds(10)));
  server.signal(SIGTERM);
  const auto answer = pending.get();
  const int status = server.wait_exit(std::chrono::seconds(15));
  BOOST_TEST(status == 0);
  BOOST_REQUIRE(answer);
  BOOST_TEST(answer->status == 201);
}

BOOST_AUTO_TEST_CASE(a_database_that_cannot_be_opened_exits_one_naming_it) {
  const auto result =
      run_boxoffice({"serve", "--listen", "127.0.0.1:0", "--database", "sqlite:/proc/nope/x.db"});
  BOOST_TEST(result.exit_code == 1);
  BOOST_TEST(result.output.find("/proc/nope") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::testing

#include <boost/test/unit_test.hpp>

// The seat map is answered by the connection loop from this node's memory: it needs no HTTP
// worker, so it answers while the only worker waits on a locked database (docs/http-front.md,
// "Run on the loop"). Whole node, real HTTP, both backends.

#include <soci/soci.h>
#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "storage/session_factory.hpp"
#include "support/answer_checks.hpp"
#include "support/booking_client.hpp"
#include "support/test_database.hpp"
#include "support/test_node.hpp"

namespace {

using namespace boxoffice::testing;
using nlohmann::json;

// One worker, and a request that waits 200 ms for it is shed (503): a read that needed the
// worker while it is taken would be refused.
boxoffice::config::Config one_worker(const boxoffice::config::DatabaseTarget& database) {
  auto config = serve_config(database, {"--queue-max-active", "100"});
  config.http_threads = 1;
  config.max_queue_wait = std::chrono::milliseconds(200);
  return config;
}

// Another connection holds the write lock of the concerts table (SQLite: of the whole file)
// until release() or the end of the scope: a catalog write waits for it.
class CatalogLock {
 public:
  explicit CatalogLock(const boxoffice::config::DatabaseTarget& database)
      : session_(boxoffice::storage::open_session(database)) {
    if (database.kind == boxoffice::config::DatabaseKind::sqlite) {
      *session_ << "BEGIN IMMEDIATE";
    } else {
      *session_ << "BEGIN";
      *session_ << "LOCK TABLE concerts IN EXCLUSIVE MODE";
    }
  }
  ~CatalogLock() { release(); }
  CatalogLock(const CatalogLock&) = delete;
  CatalogLock& operator=(const CatalogLock&) = delete;

  void release() {
    if (released_) return;
    released_ = true;
    *session_ << "ROLLBACK";
  }

 private:
  std::unique_ptr<soci::session> session_;
  bool released_ = false;
};

std::int64_t gauge(httplib::Client& client, const std::string& name) {
  const auto answer = client.Get("/metrics");
  BOOST_REQUIRE(answer && answer->status == 200);
  const auto at = answer->body.find("\n" + name + " ");
  BOOST_REQUIRE(at != std::string::npos);
  return std::stoll(answer->body.substr(at + name.size() + 2));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(reads_without_workers)

BOOST_AUTO_TEST_CASE(the_seat_map_is_answered_while_the_only_worker_waits_on_the_database) {
  const auto database = fresh_database("reads_without_workers");
  TestNode node(one_worker(database));
  auto http = node.client();
  const auto schedule = open_schedule(*http, 3, 1000, kAdminKey);
  const auto fan = create_user(*http, "fan", kAdminKey);
  const auto issued = json_body(issue_token(*http, fan.user), 201, "issue");
  const auto token = issued.at("token").get<std::string>();
  const auto before = json_body(seats(*http, token, schedule), 200, "seats before");

  CatalogLock lock(database);
  // The only worker takes a catalog write, which waits for the lock.
  auto waiting_write = std::async(std::launch::async, [&node] {
    auto admin = node.client();
    return answer_of(admin->Post("/api/v1/admin/concerts", admin_headers(),
                                 json{{"title", "behind the lock"}}.dump(), "application/json"));
  });
  // In flight: the write and this /metrics request itself.
  auto probe = node.client();
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (gauge(*probe, "boxoffice_http_requests_in_flight") < 2)
    BOOST_REQUIRE(std::chrono::steady_clock::now() < give_up);

  for (int read = 0; read < 3; ++read) {
    const auto during = seats(*http, token, schedule);
    BOOST_TEST(during.status == 200, during.body);
    BOOST_TEST(json::parse(during.body, nullptr, false) == before);
  }
  BOOST_TEST(gauge(*probe, "boxoffice_http_requests_shed_total") == 0);

  lock.release();
  const auto written = waiting_write.get();
  BOOST_TEST(written.status == 201, written.body);  // it waited, and nothing was lost
}

BOOST_AUTO_TEST_SUITE_END()

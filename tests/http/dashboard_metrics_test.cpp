#include <boost/test/unit_test.hpp>

// What /metrics adds for the operators' dashboard (app/dashboard_metrics.hpp): the queue
// limit, the estimated wait at the back of the line, the histogram of waits from issue to
// ACTIVE, and the seats of each schedule by status, through a whole node.

#include <chrono>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "domain/rfc3339.hpp"
#include "support/answer_checks.hpp"
#include "support/test_database.hpp"
#include "support/test_node.hpp"

namespace {

using namespace boxoffice::testing;  // NOLINT(google-build-using-namespace): test helpers
using nlohmann::json;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct DashboardFixture {
  TestNode node{serve_config(fresh_database("dashboard_metrics"), {"--queue-max-active", "1"})};
  std::unique_ptr<httplib::Client> http = node.client();

  json post(const std::string& path, const json& body, const httplib::Headers& headers,
            int status) const {
    return json_body(answer_of(http->Post(path, headers, body.dump(), "application/json")), status,
                     path);
  }
  json admin(const std::string& path, const json& body) const {
    return post(path, body, admin_headers(), 201);
  }

  double sample(const std::string& series) const { return metric_sample(*http, series); }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(dashboard_metrics, DashboardFixture)

BOOST_AUTO_TEST_CASE(queue_limit_wait_histogram_and_seats_per_schedule) {
  BOOST_TEST(sample("boxoffice_queue_max_active") == 1);
  BOOST_TEST(sample("boxoffice_queue_wait_seconds_count") == 0);
  BOOST_TEST(sample(R"(boxoffice_queue_wait_seconds_bucket{le="+Inf"})") == 0);

  const auto first = admin("/api/v1/admin/users", {{"name", "ahn"}});
  const auto second = admin("/api/v1/admin/users", {{"name", "baek"}});
  const auto third = admin("/api/v1/admin/users", {{"name", "cho"}});
  const auto concert = admin("/api/v1/admin/concerts", {{"title", "Gala"}});
  const auto now = now_ms();
  const auto schedule = admin(
      "/api/v1/admin/concerts/" + std::to_string(concert.at("concertId").get<int>()) + "/schedules",
      {{"startsAt", boxoffice::domain::format_rfc3339(now + 86'400'000)},
       {"bookingOpensAt", boxoffice::domain::format_rfc3339(now - 3'600'000)},
       {"bookingClosesAt", boxoffice::domain::format_rfc3339(now + 3'600'000)},
       {"seatCount", 10},
       {"seatPrice", 1000}});
  const auto schedule_id = schedule.at("scheduleId").get<std::int64_t>();

  const auto token =
      post("/api/v1/queue/tokens", {{"userId", first.at("userId")}}, {}, 201).at("token");
  post("/api/v1/queue/tokens", {{"userId", second.at("userId")}}, {}, 201);
  post("/api/v1/queue/tokens", {{"userId", third.at("userId")}}, {}, 201);
  BOOST_TEST(sample("boxoffice_queue_waiting") == 2);
  BOOST_TEST(sample("boxoffice_queue_back_wait_seconds") == -1);  // one admission: no rate yet
  BOOST_TEST(sample("boxoffice_queue_wait_seconds_count") == 1);  // admitted at once
  BOOST_TEST(sample(R"(boxoffice_queue_wait_seconds_bucket{le="1"})") == 1);
  BOOST_TEST(sample(R"(boxoffice_queue_wait_seconds_bucket{le="+Inf"})") == 1);

  const httplib::Headers bearer{{"Authorization", "Bearer " + token.get<std::string>()}};
  const auto hold =
      post("/api/v1/reservations", {{"scheduleId", schedule_id}, {"seatNumber", 2}}, bearer, 201);
  const std::string labels = R"({concert=")" + std::to_string(concert.at("concertId").get<int>()) +
                             R"(",schedule=")" + std::to_string(schedule_id) + R"(",status=")";
  BOOST_TEST(sample("boxoffice_schedule_seats" + labels + R"(held"})") == 1);
  BOOST_TEST(sample("boxoffice_schedule_seats" + labels + R"(available"})") == 9);
  BOOST_TEST(sample("boxoffice_schedule_seats" + labels + R"(sold"})") == 0);

  post("/api/v1/wallets/" + std::to_string(first.at("walletId").get<int>()) + "/charges",
       {{"userId", first.at("userId")}, {"amount", 5000}}, {}, 200);
  post("/api/v1/payments", {{"reservationId", hold.at("reservationId")}}, bearer, 201);
  BOOST_TEST(sample("boxoffice_schedule_seats" + labels + R"(sold"})") == 1);
  BOOST_TEST(sample("boxoffice_schedule_seats" + labels + R"(held"})") == 0);
  // The payment freed the place: the second fan was admitted after waiting. The histogram
  // counts the admission once the queue has written it, a moment after the payment's answer.
  BOOST_TEST(sample("boxoffice_queue_waiting") == 1);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (sample("boxoffice_queue_wait_seconds_count") < 2 &&
         std::chrono::steady_clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  BOOST_TEST(sample("boxoffice_queue_wait_seconds_count") == 2);
  BOOST_TEST(sample(R"(boxoffice_queue_wait_seconds_bucket{le="+Inf"})") == 2);
  BOOST_TEST(sample("boxoffice_queue_wait_seconds_sum") >= 0);
  BOOST_TEST(sample("boxoffice_queue_back_wait_seconds") >= 0);  // two admissions: a rate
}

BOOST_AUTO_TEST_SUITE_END()

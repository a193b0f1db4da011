#include <boost/test/unit_test.hpp>

// GET /healthz, /readyz, /metrics, /openapi.json and the X-Request-Id header, through a
// whole node on a fresh database.

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/test_database.hpp"
#include "support/test_node.hpp"
#include "support/text.hpp"

namespace {

using namespace boxoffice::testing;
using nlohmann::json;

struct OpsFixture : NodeOnFreshDatabase {
  OpsFixture() : NodeOnFreshDatabase("ops_routes") {}
};

std::string content_type(const httplib::Result& result) {
  return result ? result->get_header_value("Content-Type") : std::string();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The value of the sample named exactly `series` (name and labels as rendered), or -1.
double sample(const std::string& metrics, const std::string& series) {
  for (const auto& line : lines_of(metrics)) {
    if (starts_with(line, series + " ")) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

// The paths API.md names, with their methods (lower case, as OpenAPI writes them).
const std::map<std::string, std::set<std::string>>& contract_paths() {
  static const std::map<std::string, std::set<std::string>> paths = {
      {"/api/v1/queue/tokens", {"post"}},
      {"/api/v1/queue/tokens/me", {"get"}},
      {"/api/v1/wallets/{walletId}", {"get"}},
      {"/api/v1/wallets/{walletId}/charges", {"post"}},
      {"/api/v1/concerts", {"get"}},
      {"/api/v1/concerts/{concertId}/schedules", {"get"}},
      {"/api/v1/schedules/{scheduleId}/seats", {"get"}},
      {"/api/v1/reservations", {"post"}},
      {"/api/v1/reservations/{reservationId}", {"get", "delete"}},
      {"/api/v1/payments", {"post"}},
      {"/api/v1/admin/users", {"post"}},
      {"/api/v1/admin/concerts", {"post"}},
      {"/api/v1/admin/concerts/{concertId}/schedules", {"post"}},
      {"/api/v1/admin/cluster", {"get"}},
      {"/healthz", {"get"}},
      {"/readyz", {"get"}},
      {"/metrics", {"get"}},
      {"/openapi.json", {"get"}},
  };
  return paths;
}

// Copies what the process logs at info and above while it lives.
class CapturedLog {
 public:
  CapturedLog()
      : sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(text_)),
        logger_(spdlog::default_logger()),
        level_(logger_->level()) {
    sink_->set_pattern("%v");
    logger_->sinks().push_back(sink_);
    logger_->set_level(spdlog::level::debug);  // every request is logged at debug
  }
  ~CapturedLog() {
    auto& sinks = logger_->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
    logger_->set_level(level_);
  }
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;
  std::string text() {
    sink_->flush();
    return text_.str();
  }

 private:
  std::ostringstream text_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
  std::shared_ptr<spdlog::logger> logger_;
  spdlog::level::level_enum level_;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(ops_routes, OpsFixture)

BOOST_AUTO_TEST_CASE(healthz_answers_ok) {
  const auto result = http->Get("/healthz");
  BOOST_TEST_REQUIRE(static_cast<bool>(result));
  BOOST_TEST(result->status == 200);
  BOOST_TEST(starts_with(content_type(result), "application/json"), content_type(result));
  BOOST_TEST(body_json(result) == json({{"status", "ok"}}), result->body);
}

BOOST_AUTO_TEST_CASE(readyz_answers_200_when_the_database_answers) {
  const auto result = http->Get("/readyz");
  BOOST_TEST_REQUIRE(static_cast<bool>(result));
  BOOST_TEST(result->status == 200, result->body);
  BOOST_TEST(starts_with(content_type(result), "application/json"), content_type(result));
  BOOST_TEST(body_json(result).is_object(), result->body);
}

BOOST_AUTO_TEST_CASE(head_healthz_answers_like_get_without_a_body) {
  const auto result = http->Head("/healthz");
  BOOST_TEST_REQUIRE(static_cast<bool>(result));
  BOOST_TEST(result->status == 200);
  BOOST_TEST(result->body.empty());
}

BOOST_AUTO_TEST_CASE(metrics_count_requests_by_route_and_status) {
  for (int i = 0; i < 3; ++i) BOOST_TEST_REQUIRE(http->Get("/healthz")->status == 200);
  BOOST_TEST_REQUIRE(
      http->Post("/api/v1/admin/users", R"({"name":"kim"})", "application/json")->status == 401);
  BOOST_TEST_REQUIRE(
      http->Post("/api/v1/admin/users", admin_headers(), R"({"name":"kim"})", "application/json")
          ->status == 201);
  BOOST_TEST_REQUIRE(
      http->Post("/api/v1/admin/concerts/abc/schedules", admin_headers(), "{}", "application/json")
          ->status == 400);
  BOOST_TEST_REQUIRE(http->Get("/api/v1/concerts")->status == 200);

  const auto result = http->Get("/metrics");
  BOOST_TEST_REQUIRE(static_cast<bool>(result));
  BOOST_TEST(result->status == 200);
  BOOST_TEST(starts_with(content_type(result), "text/plain"), content_type(result));
  const auto& text = result->body;
  BOOST_TEST(text.find("# TYPE boxoffice_http_requests_total counter") != std::string::npos);
  BOOST_TEST(
      sample(text,
             R"(boxoffice_http_requests_total{method="GET",route="/healthz",status="200"})") == 3,
      text);
  BOOST_TEST(
      sample(
          text,
          R"(boxoffice_http_requests_total{method="POST",route="/api/v1/admin/users",status="401"})") ==
          1,
      text);
  BOOST_TEST(
      sample(
          text,
          R"(boxoffice_http_requests_total{method="POST",route="/api/v1/admin/users",status="201"})") ==
          1,
      text);
  // The label is the route pattern, not the path asked for.
  BOOST_TEST(
      sample(
          text,
          R"(boxoffice_http_requests_total{method="POST",route="/api/v1/admin/concerts/{concertId}/schedules",status="400"})") ==
          1,
      text);
  BOOST_TEST(text.find("/api/v1/admin/concerts/abc/schedules") == std::string::npos, text);
  BOOST_TEST(
      sample(
          text,
          R"(boxoffice_http_requests_total{method="GET",route="/api/v1/concerts",status="200"})") ==
          1,
      text);
}

BOOST_AUTO_TEST_CASE(metrics_have_a_latency_histogram_per_route) {
  for (int i = 0; i < 4; ++i) BOOST_TEST_REQUIRE(http->Get("/healthz")->status == 200);
  BOOST_TEST_REQUIRE(http->Get("/readyz")->status == 200);

  const auto result = http->Get("/metrics");
  BOOST_TEST_REQUIRE(static_cast<bool>(result));
  const auto& text = result->body;
  BOOST_TEST(text.find("# TYPE boxoffice_http_request_duration_seconds histogram") !=
             std::string::npos);

  const std::string prefix = "boxoffice_http_request_duration_seconds";
  BOOST_TEST(sample(text, prefix + R"(_count{route="/healthz"})") == 4, text);
  BOOST_TEST(sample(text, prefix + R"(_bucket{route="/healthz",le="+Inf"})") == 4, text);
  BOOST_TEST(sample(text, prefix + R"(_sum{route="/healthz"})") >= 0, text);
  BOOST_TEST(sample(text, prefix + R"(_count{route="/readyz"})") == 1, text);

  // Buckets are cumulative: never decreasing with `le`, the last one equal to the count.
  const std::regex bucket(
      R"re(^boxoffice_http_request_duration_seconds_bucket\{route="/healthz",le="([^"]+)"\} (\d+)$)re");
  std::vector<std::pair<std::string, double>> buckets;
  for (const auto& line : lines_of(text)) {
    std::smatch match;
    if (std::regex_match(line, match, bucket)) buckets.emplace_back(match[1], std::stod(match[2]));
  }
  BOOST_TEST_REQUIRE(buckets.size() >= 2u, text);
  BOOST_TEST(buckets.back().first == "+Inf");
  double previous_le = -1;
  double previous_count = 0;
  for (const auto& [le, count] : buckets) {
    if (le != "+Inf") {
      const double bound = std::stod(le);
      BOOST_TEST(bound > previous_le, "le " << le << " after " << previous_le);
      previous_le = bound;
    }
    BOOST_TEST(count >= previous_count, "bucket le=" << le);
    previous_count = count;
  }
}

BOOST_AUTO_TEST_CASE(metrics_are_valid_prometheus_text) {
  BOOST_TEST_REQUIRE(http->Get("/healthz")->status == 200);
  BOOST_TEST_REQUIRE(http->Get("/no/such/route")->status == 404);
  BOOST_TEST_REQUIRE(http->Delete("/healthz")->status == 405);
  const auto result = http->Get("/metrics");
  BOOST_TEST_REQUIRE(static_cast<bool>(result));
  const std::regex comment(R"(^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*$)");
  const std::regex sample_line(
      R"re(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*",?)*\})? [-+]?([0-9.eE+-]+|Inf|NaN)$)re");
  for (const auto& line : lines_of(result->body)) {
    if (line.empty()) continue;
    BOOST_TEST((std::regex_match(line, comment) || std::regex_match(line, sample_line)), line);
  }
}

BOOST_AUTO_TEST_CASE(openapi_describes_every_path_of_the_contract) {
  const auto result = http->Get("/openapi.json");
  BOOST_TEST_REQUIRE(static_cast<bool>(result));
  BOOST_TEST(result->status == 200);
  BOOST_TEST(starts_with(content_type(result), "application/json"), content_type(result));
  const auto document = body_json(result);
  BOOST_TEST_REQUIRE(document.is_object(), "not JSON: " << result->body.substr(0, 200));
  BOOST_TEST_REQUIRE(document.contains("openapi"));
  BOOST_TEST_REQUIRE(document.at("openapi").is_string());
  BOOST_TEST(starts_with(document.at("openapi").get<std::string>(), "3."),
             document.at("openapi").get<std::string>());
  BOOST_TEST_REQUIRE(document.contains("paths"));
  const auto& paths = document.at("paths");
  for (const auto& [path, methods] : contract_paths()) {
    BOOST_TEST_CONTEXT("path " << path) {
      BOOST_TEST_REQUIRE(paths.contains(path));
      for (const auto& method : methods) BOOST_TEST(paths.at(path).contains(method), method);
    }
  }
}

BOOST_AUTO_TEST_CASE(request_id_is_echoed_when_valid) {
  for (const std::string& id :
       std::vector<std::string>{"abc-123", "7f3a9c1e-1d2b-4c5d-9e8f-0a1b2c3d4e5f",
                                std::string(128, 'x'), "~!@#$%^&*()"}) {
    BOOST_TEST_CONTEXT("X-Request-Id " << id) {
      const auto result = http->Get("/healthz", httplib::Headers{{"X-Request-Id", id}});
      BOOST_TEST_REQUIRE(static_cast<bool>(result));
      BOOST_TEST(result->status == 200);
      BOOST_TEST(result->get_header_value("X-Request-Id") == id);
    }
  }
}

BOOST_AUTO_TEST_CASE(request_id_is_generated_when_missing_or_invalid) {
  const auto first = http->Get("/healthz");
  const auto second = http->Get("/healthz");
  BOOST_TEST_REQUIRE((first && second));
  const auto first_id = first->get_header_value("X-Request-Id");
  const auto second_id = second->get_header_value("X-Request-Id");
  BOOST_TEST(!first_id.empty());
  BOOST_TEST(!second_id.empty());
  BOOST_TEST(first_id != second_id);

  for (const std::string& invalid : {std::string(129, 'x'), std::string("has space"),
                                     std::string("tab\there"), std::string("caf\xc3\xa9")}) {
    BOOST_TEST_CONTEXT("X-Request-Id " << invalid) {
      const auto result = http->Get("/healthz", httplib::Headers{{"X-Request-Id", invalid}});
      BOOST_TEST_REQUIRE(static_cast<bool>(result));
      BOOST_TEST(result->status == 200);
      const auto id = result->get_header_value("X-Request-Id");
      BOOST_TEST(!id.empty());
      BOOST_TEST(id != invalid);
    }
  }
}

BOOST_AUTO_TEST_CASE(request_id_on_error_answers) {
  const auto not_found = http->Get("/no/such/route", httplib::Headers{{"X-Request-Id", "req-404"}});
  BOOST_TEST_REQUIRE(static_cast<bool>(not_found));
  BOOST_TEST(not_found->status == 404);
  BOOST_TEST(not_found->get_header_value("X-Request-Id") == "req-404");

  const auto generated_404 = http->Get("/no/such/route");
  BOOST_TEST_REQUIRE(static_cast<bool>(generated_404));
  BOOST_TEST(!generated_404->get_header_value("X-Request-Id").empty());

  const auto not_allowed = http->Delete("/healthz", httplib::Headers{{"X-Request-Id", "req-405"}});
  BOOST_TEST_REQUIRE(static_cast<bool>(not_allowed));
  BOOST_TEST(not_allowed->status == 405);
  BOOST_TEST(not_allowed->get_header_value("X-Request-Id") == "req-405");

  const auto unauthorized =
      http->Post("/api/v1/admin/concerts", httplib::Headers{{"X-Request-Id", "req-401"}},
                 R"({"title":"x"})", "application/json");
  BOOST_TEST_REQUIRE(static_cast<bool>(unauthorized));
  BOOST_TEST(unauthorized->status == 401);
  BOOST_TEST(unauthorized->get_header_value("X-Request-Id") == "req-401");
}

BOOST_AUTO_TEST_CASE(request_id_on_payload_too_large) {
  TestNode small{serve_config(fresh_database("ops_routes_413"), {"--max-body-bytes", "1024"})};
  auto client = small.client();
  const std::string body = R"({"name":")" + std::string(2000, 'a') + R"("})";

  const auto echoed = client->Post(
      "/api/v1/admin/users",
      httplib::Headers{{"X-Admin-Key", boxoffice::testing::kAdminKey}, {"X-Request-Id", "req-413"}},
      body, "application/json");
  BOOST_TEST_REQUIRE(static_cast<bool>(echoed),
                     "no answer: " << httplib::to_string(echoed.error()));
  BOOST_TEST(echoed->status == 413);
  BOOST_TEST(echoed->get_header_value("X-Request-Id") == "req-413");

  auto second_client = small.client();
  const auto generated =
      second_client->Post("/api/v1/admin/users", admin_headers(), body, "application/json");
  BOOST_TEST_REQUIRE(static_cast<bool>(generated),
                     "no answer: " << httplib::to_string(generated.error()));
  BOOST_TEST(generated->status == 413);
  BOOST_TEST(!generated->get_header_value("X-Request-Id").empty());
}

BOOST_AUTO_TEST_CASE(request_paths_cannot_forge_log_lines) {
  // The access log line of a request is one line: a path with an encoded CR LF must not
  // start a line of its own that an operator (or a log shipper) takes for a real entry.
  CapturedLog log;
  const auto result = http->Get("/probe-path%0D%0Aforged-entry%20GET%20/healthz%20200");
  BOOST_TEST_REQUIRE(static_cast<bool>(result));
  BOOST_TEST(result->status == 404);
  const auto text = log.text();
  BOOST_TEST_REQUIRE(text.find("probe-path") != std::string::npos,
                     "the request was not logged: " << text);
  for (const auto& line : lines_of(text)) {
    std::string trimmed = line;
    if (!trimmed.empty() && trimmed.front() == '\r') trimmed.erase(0, 1);
    BOOST_TEST(!starts_with(trimmed, "forged-entry"), "forged log line: " << line);
  }
}

BOOST_AUTO_TEST_SUITE_END()

#include "support/answer_checks.hpp"

#include <sstream>

#include <boost/test/unit_test.hpp>

#include "domain/rfc3339.hpp"
#include "support/text.hpp"

namespace boxoffice::testing {
using nlohmann::json;

json Answer::body_json() const {
  return json::parse(body, nullptr, false);
}

std::string Answer::code() const {
  const auto parsed = body_json();
  return parsed.is_object() ? parsed.value("code", std::string()) : std::string();
}

Answer answer_of(const httplib::Result& result) {
  if (!result) return {};
  return {result->status, result->body, result->get_header_value("Content-Type"),
          result->get_header_value("Retry-After")};
}

Answer answer_of(const RawAnswer& raw) {
  return {raw.status, raw.body, raw.header("Content-Type"), raw.header("Retry-After")};
}

std::string shown(const Answer& answer) {
  if (answer.status == 0) return "no answer";
  return std::to_string(answer.status) + " " + answer.content_type + " " + answer.body;
}

void expect_problem(const Answer& answer, int status, const std::string& code,
                    const std::string& what) {
  const std::string expected =
      what + ": expected " + std::to_string(status) + " " + code + ", got ";
  BOOST_TEST_REQUIRE(answer.status != 0, expected << "no answer");
  const auto body = answer.body_json();
  const bool same =
      answer.status == status && body.is_object() && body.value("code", std::string()) == code;
  BOOST_TEST(same, expected << shown(answer));
  if (!same) return;
  BOOST_TEST(starts_with(answer.content_type, "application/problem+json"),
             what << ": " << answer.content_type);
  BOOST_TEST((body.contains("status") && body.at("status") == status), what << ": " << answer.body);
  for (const char* member : {"title", "detail"}) {
    BOOST_TEST((body.contains(member) && body.at(member).is_string() &&
                !body.at(member).get<std::string>().empty()),
               what << ": " << member << " missing or empty: " << answer.body);
  }
}

void expect_problem(const httplib::Result& result, int status, const std::string& code,
                    const std::string& what) {
  expect_problem(answer_of(result), status, code, what);
}

void expect_problem(const RawAnswer& raw, int status, const std::string& code,
                    const std::string& what) {
  expect_problem(answer_of(raw), status, code, what);
}

json json_body(const Answer& answer, int status, const std::string& what) {
  BOOST_TEST_REQUIRE(answer.status == status,
                     what << ": expected " << status << ", got " << shown(answer));
  BOOST_TEST(starts_with(answer.content_type, "application/json"),
             what << ": " << answer.content_type);
  const auto body = answer.body_json();
  BOOST_TEST_REQUIRE(body.is_object(), what << ": " << answer.body);
  return body;
}

std::int64_t time_field(const json& body, const char* field) {
  BOOST_TEST_REQUIRE(body.contains(field), field << " missing: " << body.dump());
  BOOST_TEST_REQUIRE(body.at(field).is_string(), field << " not a string: " << body.dump());
  const auto text = body.at(field).get<std::string>();
  BOOST_TEST(text.back() == 'Z', field << " not UTC: " << text);
  const auto parsed = domain::parse_rfc3339(text);
  BOOST_TEST_REQUIRE(parsed.has_value(), field << " not RFC 3339: " << text);
  return *parsed;
}

std::int64_t int_field(const json& body, const char* field) {
  BOOST_TEST_REQUIRE(body.contains(field), field << " missing: " << body.dump());
  BOOST_TEST_REQUIRE(body.at(field).is_number_integer(),
                     field << " not an integer: " << body.dump());
  return body.at(field).get<std::int64_t>();
}

double metric_sample(httplib::Client& http, const std::string& series) {
  const auto result = http.Get("/metrics");
  BOOST_TEST_REQUIRE(static_cast<bool>(result), "GET /metrics: no answer");
  std::istringstream lines(result->body);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  return -999;
}

std::int64_t metric_count(httplib::Client& http, const std::string& series) {
  const auto value = metric_sample(http, series);
  BOOST_TEST_REQUIRE(value != -999, series << " not in /metrics");
  return static_cast<std::int64_t>(value);
}

}  // namespace boxoffice::testing

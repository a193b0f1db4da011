#pragma once

// What a test client sees of one HTTP answer, and the checks every HTTP suite makes of it.
#include <httplib.h>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "support/raw_connection.hpp"

namespace boxoffice::testing {

struct Answer {
  int status = 0;  // 0: no answer at all (connection refused, reset, timed out)
  std::string body;
  std::string content_type;
  std::string retry_after;

  nlohmann::json body_json() const;  // discarded (not an object) when the body is no JSON
  std::string code() const;          // the problem's "code", or ""
};

Answer answer_of(const httplib::Result& result);
Answer answer_of(const RawAnswer& raw);
std::string shown(const Answer& answer);  // for failure messages

// A problem+json answer with this status and code, its `status` member matching and a
// non-empty title and detail.
void expect_problem(const Answer& answer, int status, const std::string& code,
                    const std::string& what = "");
void expect_problem(const httplib::Result& result, int status, const std::string& code,
                    const std::string& what = "");
void expect_problem(const RawAnswer& raw, int status, const std::string& code,
                    const std::string& what = "");
// An application/json answer with this status; returns its body.
nlohmann::json json_body(const Answer& answer, int status, const std::string& what = "");
// An RFC 3339 UTC time field, in ms since the epoch.
std::int64_t time_field(const nlohmann::json& body, const char* field);
std::int64_t int_field(const nlohmann::json& body, const char* field);
// The value of the /metrics sample named exactly `series`, or -999 when absent.
double metric_sample(httplib::Client& http, const std::string& series);
// The same for a counter that must be there (the test stops when it is not).
std::int64_t metric_count(httplib::Client& http, const std::string& series);

}  // namespace boxoffice::testing

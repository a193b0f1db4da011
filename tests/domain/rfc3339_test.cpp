#include <boost/test/unit_test.hpp>

#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/rfc3339.hpp"

namespace boxoffice::domain {
namespace {

// 2026-12-24T19:00:00Z (checked with `date -u -d 2026-12-24T19:00:00Z +%s`).
constexpr TimeMs kChristmasEve2026 = 1'798'138'800'000;
constexpr TimeMs kDayMs = 86'400'000;
// What parsed() returns for refused text; no test expects this instant.
constexpr TimeMs kRefused = std::numeric_limits<TimeMs>::min();

TimeMs parsed(std::string_view text) {
  return parse_rfc3339(text).value_or(kRefused);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc3339)

BOOST_AUTO_TEST_CASE(formats_the_epoch_without_milliseconds) {
  BOOST_TEST(format_rfc3339(0) == "1970-01-01T00:00:00Z");
}

BOOST_AUTO_TEST_CASE(formats_a_known_instant_in_utc) {
  BOOST_TEST(format_rfc3339(kChristmasEve2026) == "2026-12-24T19:00:00Z");
}

BOOST_AUTO_TEST_CASE(formats_milliseconds_only_when_they_are_not_zero) {
  BOOST_TEST(format_rfc3339(kChristmasEve2026 + 1) == "2026-12-24T19:00:00.001Z");
  BOOST_TEST(format_rfc3339(kChristmasEve2026 + 120) == "2026-12-24T19:00:00.120Z");
  BOOST_TEST(format_rfc3339(kChristmasEve2026 + 999) == "2026-12-24T19:00:00.999Z");
  BOOST_TEST(format_rfc3339(kChristmasEve2026 + 1000) == "2026-12-24T19:00:01Z");
}

BOOST_AUTO_TEST_CASE(formats_times_before_1970) {
  BOOST_TEST(format_rfc3339(-1) == "1969-12-31T23:59:59.999Z");
  BOOST_TEST(format_rfc3339(-1000) == "1969-12-31T23:59:59Z");
  BOOST_TEST(format_rfc3339(-kDayMs) == "1969-12-31T00:00:00Z");
  // 1900-01-01T00:00:00Z: 70 years with 17 leap days before the epoch.
  BOOST_TEST(format_rfc3339(-std::int64_t{25'567} * kDayMs) == "1900-01-01T00:00:00Z");
}

BOOST_AUTO_TEST_CASE(parses_utc_with_and_without_milliseconds) {
  BOOST_TEST(parsed("2026-12-24T19:00:00Z") == kChristmasEve2026);
  BOOST_TEST(parsed("2026-12-24T19:00:00.123Z") == kChristmasEve2026 + 123);
  BOOST_TEST(parsed("1970-01-01T00:00:00Z") == 0);
}

BOOST_AUTO_TEST_CASE(parses_short_fractions_as_tenths_and_hundredths) {
  BOOST_TEST(parsed("2026-12-24T19:00:00.5Z") == kChristmasEve2026 + 500);
  BOOST_TEST(parsed("2026-12-24T19:00:00.05Z") == kChristmasEve2026 + 50);
}

BOOST_AUTO_TEST_CASE(truncates_fractions_beyond_milliseconds) {
  BOOST_TEST(parsed("2026-12-24T19:00:00.123999Z") == kChristmasEve2026 + 123);
  BOOST_TEST(parsed("2026-12-24T19:00:00.000000001Z") == kChristmasEve2026);
}

BOOST_AUTO_TEST_CASE(converts_positive_offsets_to_utc) {
  BOOST_TEST(parsed("2026-12-25T04:00:00+09:00") == kChristmasEve2026);
  BOOST_TEST(parsed("2026-12-25T04:00:00.250+09:00") == kChristmasEve2026 + 250);
}

BOOST_AUTO_TEST_CASE(converts_negative_and_fractional_hour_offsets_to_utc) {
  BOOST_TEST(parsed("2026-12-24T14:00:00-05:00") == kChristmasEve2026);
  BOOST_TEST(parsed("2026-12-25T00:30:00+05:30") == kChristmasEve2026);
  BOOST_TEST(parsed("2026-12-24T19:00:00+00:00") == kChristmasEve2026);
  BOOST_TEST(parsed("2026-12-24T19:00:00-00:00") == kChristmasEve2026);
}

BOOST_AUTO_TEST_CASE(accepts_lowercase_t_and_z) {
  BOOST_TEST(parsed("2026-12-24t19:00:00z") == kChristmasEve2026);
}

BOOST_AUTO_TEST_CASE(round_trips_formatted_times) {
  const std::vector<TimeMs> times{0,
                                  1,
                                  999,
                                  kChristmasEve2026,
                                  kChristmasEve2026 + 7,
                                  -1,
                                  -kDayMs - 1,
                                  -std::int64_t{25'567} * kDayMs,
                                  4'102'444'799'999};  // 2099-12-31T23:59:59.999Z
  for (const TimeMs time : times) {
    BOOST_TEST_CONTEXT("time " << time << " formatted as " << format_rfc3339(time)) {
      BOOST_TEST(parsed(format_rfc3339(time)) == time);
    }
  }
}

BOOST_AUTO_TEST_CASE(round_trips_text_in_canonical_form) {
  for (const std::string text : {"2024-02-29T12:34:56Z", "2000-01-01T00:00:00.010Z",
                                 "1969-07-20T20:17:40Z", "2026-12-31T23:59:59.999Z"}) {
    BOOST_TEST_CONTEXT(text) {
      const TimeMs time = parsed(text);
      BOOST_TEST_REQUIRE(time != kRefused);
      BOOST_TEST(format_rfc3339(time) == text);
    }
  }
}

BOOST_AUTO_TEST_CASE(parses_times_before_1970) {
  BOOST_TEST(parsed("1969-12-31T23:59:59.999Z") == -1);
  BOOST_TEST(parsed("1969-12-31T00:00:00Z") == -kDayMs);
  BOOST_TEST(parsed("1970-01-01T08:59:59+09:00") == -1000);
  BOOST_TEST(parsed("1969-07-20T20:17:40Z") == -14'182'940'000);  // date -u -d ... +%s
}

BOOST_AUTO_TEST_CASE(accepts_the_leap_day_of_a_leap_year) {
  const TimeMs leap_day = parsed("2024-02-29T00:00:00Z");
  BOOST_TEST_REQUIRE(leap_day != kRefused);
  BOOST_TEST(leap_day == 1'709'164'800'000);  // date -u -d 2024-02-29 +%s
  BOOST_TEST(parsed("2024-03-01T00:00:00Z") - leap_day == kDayMs);
  BOOST_TEST(leap_day - parsed("2024-02-28T00:00:00Z") == kDayMs);
  BOOST_TEST(parse_rfc3339("2000-02-29T00:00:00Z").has_value());  // divisible by 400
}

BOOST_AUTO_TEST_CASE(refuses_the_leap_day_of_a_common_year) {
  BOOST_TEST(!parse_rfc3339("2023-02-29T00:00:00Z").has_value());
  BOOST_TEST(!parse_rfc3339("1900-02-29T00:00:00Z").has_value());  // divisible by 100 only
}

BOOST_AUTO_TEST_CASE(refuses_days_past_the_end_of_the_month) {
  BOOST_TEST(!parse_rfc3339("2026-04-31T00:00:00Z").has_value());
  BOOST_TEST(!parse_rfc3339("2026-01-32T00:00:00Z").has_value());
  BOOST_TEST(!parse_rfc3339("2026-01-00T00:00:00Z").has_value());
  BOOST_TEST(parse_rfc3339("2026-01-31T00:00:00Z").has_value());
}

BOOST_AUTO_TEST_CASE(refuses_malformed_text) {
  const std::vector<std::string> bad{
      "",                               // empty
      "2026-12-24T19:00:00",            // no zone
      "2026-12-24T19:00:00Zjunk",       // trailing junk
      "2026-12-24T19:00:00Z ",          // trailing space
      " 2026-12-24T19:00:00Z",          // leading space
      "2026-12-24T24:00:00Z",           // hour 24
      "2026-12-24T23:60:00Z",           // minute 60
      "2026-12-24T23:59:60Z",           // leap second
      "2026-13-01T00:00:00Z",           // month 13
      "2026-00-01T00:00:00Z",           // month 0
      "2026-12-24",                     // date only
      "2026-12-24 19:00:00Z",           // space instead of T
      "2026-12-24T19:00Z",              // no seconds
      "2026-12-24T19:00:00.Z",          // fraction without digits
      "2026-12-24T19:00:00+0900",       // offset without colon
      "2026-12-24T19:00:00+09",         // offset without minutes
      "2026-12-24T19:00:00+24:00",      // offset hour out of range
      "2026-12-24T19:00:00+09:60",      // offset minute out of range
      "26-12-24T19:00:00Z",             // two-digit year
      "2026-1-24T19:00:00Z",            // one-digit month
      "2026/12/24T19:00:00Z",           // wrong separators
      "1798138800000",                  // epoch milliseconds
      "Thu, 24 Dec 2026 19:00:00 GMT",  // HTTP date
  };
  for (const auto& text : bad) {
    BOOST_TEST_CONTEXT("\"" << text << "\"") {
      BOOST_TEST(!parse_rfc3339(text).has_value());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::domain

#include <boost/test/unit_test.hpp>

// Unit tests of http/json_input.hpp: the field rules every route builds its 400s from.
// No server, no database.

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "domain/error.hpp"
#include "http/json_input.hpp"

namespace {

using boxoffice::domain::ErrorCode;
using boxoffice::http::as_int64;
using boxoffice::http::integer_field;
using boxoffice::http::parse_id;
using boxoffice::http::parse_object;
using boxoffice::http::positive_id_field;
using boxoffice::http::string_field;
using nlohmann::json;

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

// The body parsed as parse_object does, failing the test when it is refused.
json object_of(const std::string& body) {
  auto parsed = parse_object(body);
  BOOST_TEST_REQUIRE(parsed.ok(), "parse_object refused " << body);
  return parsed.value();
}

template <class T>
bool refused_as_invalid_request(const boxoffice::domain::Result<T>& result) {
  return !result.ok() && result.error().code == ErrorCode::invalid_request;
}

template <class T>
std::string detail_of(const boxoffice::domain::Result<T>& result) {
  return result.ok() ? std::string("(accepted)") : result.error().detail;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(json_input)

// --- parse_object -------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(parse_object_accepts_objects) {
  const auto empty = object_of("{}");
  BOOST_TEST(empty.is_object());
  BOOST_TEST(empty.empty());

  const auto fields = object_of(R"({"name": "kim", "seatCount": 10, "nested": {"a": [1, 2]}})");
  BOOST_TEST(fields.at("name").get<std::string>() == "kim");
  BOOST_TEST(fields.at("seatCount").get<int>() == 10);
  BOOST_TEST(fields.at("nested").at("a").size() == 2u);

  const auto spaced = object_of(" \n\t{ \"a\" : 1 } \r\n");
  BOOST_TEST(spaced.at("a").get<int>() == 1);
}

BOOST_AUTO_TEST_CASE(parse_object_refuses_everything_but_an_object) {
  for (const std::string body :
       {"[]", "[{\"a\": 1}]", "null", "true", "false", "1", "-1.5", "\"x\"", "\"{}\""}) {
    BOOST_TEST_CONTEXT("body " << body) {
      const auto parsed = parse_object(body);
      BOOST_TEST(refused_as_invalid_request(parsed));
    }
  }
}

BOOST_AUTO_TEST_CASE(parse_object_refuses_empty_and_invalid_json) {
  for (const std::string body :
       {"", " ", "\n", "{", "}", "{\"name\": }", "{\"name\": \"kim\",}", "{name: \"kim\"}",
        "{'name': 'kim'}", "{\"a\": 1} {\"b\": 2}", "{\"a\": 1}x", "{\"a\": tru}", "{\"a\": 01}",
        "{\"a\": NaN}", "{\"a\": Infinity}", "{\"a\": \"\xff\"}", "{\"a\": \"\\ud800\"}",
        "{\"a\": 1e400", "1e400"}) {
    BOOST_TEST_CONTEXT("body " << body) {
      const auto parsed = parse_object(body);
      BOOST_TEST(refused_as_invalid_request(parsed));
    }
  }
  // A NUL after the object, and whatever follows it, is not JSON either.
  BOOST_TEST(refused_as_invalid_request(parse_object(std::string("{\"a\": 1}\0", 9))));
  BOOST_TEST(refused_as_invalid_request(parse_object(std::string("{\"a\": 1}\0{\"b\": [", 16))));
}

BOOST_AUTO_TEST_CASE(parse_object_keeps_overflowing_numbers_for_the_field_rules) {
  const auto body = object_of(R"({"amount": 1e400, "userId": 7})");
  BOOST_TEST_REQUIRE(body.contains("amount"));
  BOOST_TEST(!as_int64(body.at("amount")).has_value());
  BOOST_TEST(refused_as_invalid_request(integer_field(body, "amount")));
  // The other fields of the same body are read as written.
  BOOST_TEST(integer_field(body, "userId").value() == 7);

  const auto negative = object_of(R"({"amount": -1e400})");
  BOOST_TEST(!as_int64(negative.at("amount")).has_value());

  const auto huge_exponent = object_of(R"({"amount": 1E99999999999})");
  BOOST_TEST(!as_int64(huge_exponent.at("amount")).has_value());

  const auto nested = object_of(R"({"list": [1, 1e400, 3]})");
  BOOST_TEST(nested.at("list").size() == 3u);
  BOOST_TEST(as_int64(nested.at("list").at(0)).value() == 1);
  BOOST_TEST(as_int64(nested.at("list").at(2)).value() == 3);
}

BOOST_AUTO_TEST_CASE(parse_object_leaves_strings_that_look_like_huge_numbers_alone) {
  const auto body = object_of(R"({"title": "1e400", "quoted": "say \"1e400\" 2e999", "n": 1e400})");
  BOOST_TEST(body.at("title").get<std::string>() == "1e400");
  BOOST_TEST(body.at("quoted").get<std::string>() == "say \"1e400\" 2e999");
  BOOST_TEST(!as_int64(body.at("n")).has_value());

  const auto key = object_of(R"({"1e400": 5, "x": 1e400})");
  BOOST_TEST(key.contains("1e400"));
  BOOST_TEST(as_int64(key.at("1e400")).value() == 5);
}

// --- as_int64 -----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(as_int64_takes_json_integers_that_fit) {
  BOOST_TEST(as_int64(json(1)).value() == 1);
  BOOST_TEST(as_int64(json(0)).value() == 0);
  BOOST_TEST(as_int64(json(-1)).value() == -1);
  BOOST_TEST(as_int64(json::parse("1")).value() == 1);
  BOOST_TEST(as_int64(json::parse("-1")).value() == -1);
  BOOST_TEST(as_int64(json::parse("9223372036854775807")).value() == kMax);
  BOOST_TEST(as_int64(json::parse("-9223372036854775808")).value() == kMin);
  BOOST_TEST(as_int64(json(std::uint64_t{42})).value() == 42);
}

BOOST_AUTO_TEST_CASE(as_int64_refuses_everything_else) {
  BOOST_TEST(!as_int64(json(1.5)).has_value());
  BOOST_TEST(!as_int64(json::parse("1.5")).has_value());
  BOOST_TEST(!as_int64(json("100")).has_value());
  BOOST_TEST(!as_int64(json::parse("\"100\"")).has_value());
  BOOST_TEST(!as_int64(json::parse("9223372036854775808")).has_value());
  BOOST_TEST(!as_int64(json::parse("18446744073709551615")).has_value());
  BOOST_TEST(!as_int64(json::parse("18446744073709551616")).has_value());
  BOOST_TEST(!as_int64(json::parse("-9223372036854775809")).has_value());
  BOOST_TEST(!as_int64(json(std::numeric_limits<std::uint64_t>::max())).has_value());
  BOOST_TEST(!as_int64(json(true)).has_value());
  BOOST_TEST(!as_int64(json(false)).has_value());
  BOOST_TEST(!as_int64(json(nullptr)).has_value());
  BOOST_TEST(!as_int64(json::array({1})).has_value());
  BOOST_TEST(!as_int64(json::object({{"a", 1}})).has_value());
  // 1e400 as parse_object hands it over.
  BOOST_TEST(!as_int64(object_of(R"({"n": 1e400})").at("n")).has_value());
}

// --- positive_id_field --------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(positive_id_field_takes_positive_integers) {
  BOOST_TEST(positive_id_field(object_of(R"({"userId": 1})"), "userId").value() == 1);
  BOOST_TEST(positive_id_field(object_of(R"({"userId": 9223372036854775807})"), "userId").value() ==
             kMax);
}

BOOST_AUTO_TEST_CASE(positive_id_field_refuses_and_names_the_field) {
  for (const std::string body :
       {R"({})", R"({"other": 1})", R"({"userId": 0})", R"({"userId": -1})", R"({"userId": 1.5})",
        R"({"userId": "1"})", R"({"userId": null})", R"({"userId": true})", R"({"userId": [1]})",
        R"({"userId": 1e400})", R"({"userId": 9223372036854775808})",
        R"({"userId": -9223372036854775808})"}) {
    BOOST_TEST_CONTEXT("body " << body) {
      const auto result = positive_id_field(object_of(body), "userId");
      BOOST_TEST(refused_as_invalid_request(result));
      BOOST_TEST(detail_of(result).find("userId") != std::string::npos, detail_of(result));
    }
  }
}

// --- integer_field ------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(integer_field_takes_any_int64) {
  BOOST_TEST(integer_field(object_of(R"({"seatPrice": 0})"), "seatPrice").value() == 0);
  BOOST_TEST(integer_field(object_of(R"({"seatPrice": -5})"), "seatPrice").value() == -5);
  BOOST_TEST(integer_field(object_of(R"({"seatPrice": 50000})"), "seatPrice").value() == 50000);
  BOOST_TEST(
      integer_field(object_of(R"({"seatPrice": -9223372036854775808})"), "seatPrice").value() ==
      kMin);
}

BOOST_AUTO_TEST_CASE(integer_field_refuses_and_names_the_field) {
  for (const std::string body :
       {R"({})", R"({"seatprice": 1})", R"({"seatPrice": 1.5})", R"({"seatPrice": "100"})",
        R"({"seatPrice": null})", R"({"seatPrice": false})", R"({"seatPrice": {}})",
        R"({"seatPrice": 1e400})", R"({"seatPrice": 9223372036854775808})"}) {
    BOOST_TEST_CONTEXT("body " << body) {
      const auto result = integer_field(object_of(body), "seatPrice");
      BOOST_TEST(refused_as_invalid_request(result));
      BOOST_TEST(detail_of(result).find("seatPrice") != std::string::npos, detail_of(result));
    }
  }
}

// --- string_field -------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(string_field_takes_strings) {
  BOOST_TEST(string_field(object_of(R"({"name": "kim"})"), "name").value() == "kim");
  BOOST_TEST(string_field(object_of(R"({"name": ""})"), "name").value() == "");
  BOOST_TEST(string_field(object_of(R"({"name": "\u00e9\ud55c"})"), "name").value() ==
             "\xc3\xa9\xed\x95\x9c");
  BOOST_TEST(string_field(object_of(R"({"name": "a\"b"})"), "name").value() == "a\"b");
}

BOOST_AUTO_TEST_CASE(string_field_refuses_and_names_the_field) {
  for (const std::string body :
       {R"({})", R"({"Name": "kim"})", R"({"name": 5})", R"({"name": null})", R"({"name": true})",
        R"({"name": ["kim"]})", R"({"name": {"first": "kim"}})"}) {
    BOOST_TEST_CONTEXT("body " << body) {
      const auto result = string_field(object_of(body), "name");
      BOOST_TEST(refused_as_invalid_request(result));
      BOOST_TEST(detail_of(result).find("name") != std::string::npos, detail_of(result));
    }
  }
}

// --- parse_id -----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(parse_id_takes_positive_decimals) {
  BOOST_TEST(parse_id("1").value() == 1);
  BOOST_TEST(parse_id("42").value() == 42);
  BOOST_TEST(parse_id("9223372036854775807").value() == kMax);
}

BOOST_AUTO_TEST_CASE(parse_id_refuses_everything_else) {
  for (const std::string text : {"",
                                 "0",
                                 "-1",
                                 "-0",
                                 "+1",
                                 " 1",
                                 "1 ",
                                 "abc",
                                 "12a",
                                 "a12",
                                 "1.0",
                                 "1e3",
                                 "0x10",
                                 "١",
                                 "9223372036854775808",
                                 "12345678901234567890",
                                 "99999999999999999999",
                                 "-9223372036854775808",
                                 "%31",
                                 "{concertId}"}) {
    BOOST_TEST_CONTEXT("text \"" << text << "\"") {
      BOOST_TEST(!parse_id(text).has_value());
    }
  }
  BOOST_TEST(!parse_id(std::string("1\0", 2)).has_value());
}

BOOST_AUTO_TEST_SUITE_END()

#include <boost/test/unit_test.hpp>

// The Administration section of API.md (users, concerts, schedules, cluster view, each behind
// X-Admin-Key) and the public concert list, through a whole node on a fresh database.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/loader.hpp"
#include "support/answer_checks.hpp"
#include "support/test_database.hpp"
#include "support/test_node.hpp"
#include "support/text.hpp"

namespace {

using namespace boxoffice::testing;
using nlohmann::json;

struct AdminFixture : NodeOnFreshDatabase {
  AdminFixture() : NodeOnFreshDatabase("admin_routes") {}

  httplib::Result post(const std::string& path, const std::string& body,
                       const httplib::Headers& headers = admin_headers()) {
    return http->Post(path.c_str(), headers, body, "application/json");
  }
  httplib::Result post(const std::string& path, const json& body,
                       const httplib::Headers& headers = admin_headers()) {
    return post(path, body.dump(), headers);
  }

  std::int64_t create_concert(const std::string& title) {
    const auto result = post("/api/v1/admin/concerts", json{{"title", title}});
    BOOST_TEST_REQUIRE(static_cast<bool>(result));
    BOOST_TEST_REQUIRE(result->status == 201, result->body);
    return body_json(result).at("concertId").get<std::int64_t>();
  }

  static std::string schedules_path(const std::string& concert) {
    return "/api/v1/admin/concerts/" + concert + "/schedules";
  }
  static std::string schedules_path(std::int64_t concert) {
    return schedules_path(std::to_string(concert));
  }
};

json valid_schedule() {
  return {{"startsAt", "2026-12-24T19:00:00Z"},
          {"bookingOpensAt", "2026-12-01T10:00:00Z"},
          {"bookingClosesAt", "2026-12-24T18:00:00Z"},
          {"seatCount", 50},
          {"seatPrice", 120000}};
}

bool is_positive_integer(const json& value) {
  return value.is_number_integer() && value.get<std::int64_t>() > 0;
}

// A 201 application/json answer; returns its body.
json created(const httplib::Result& result) {
  return json_body(answer_of(result), 201, "create");
}

// Every admin call, with a body that would succeed given the right key.
struct AdminCall {
  std::string method;
  std::string path;
  std::string body;
};

std::vector<AdminCall> admin_calls() {
  return {{"POST", "/api/v1/admin/users", R"({"name": "kim"})"},
          {"POST", "/api/v1/admin/concerts", R"({"title": "Winter Gala"})"},
          {"POST", "/api/v1/admin/concerts/1/schedules", valid_schedule().dump()},
          {"GET", "/api/v1/admin/cluster", ""}};
}

httplib::Result send(httplib::Client& client, const AdminCall& call,
                     const httplib::Headers& headers) {
  if (call.method == "GET") return client.Get(call.path.c_str(), headers);
  return client.Post(call.path.c_str(), headers, call.body, "application/json");
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(admin_routes, AdminFixture)

// --- success shapes -----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(create_user_answers_201_with_ids_and_name) {
  const auto body = created(post("/api/v1/admin/users", json{{"name", "kim"}}));
  BOOST_TEST(is_positive_integer(body.value("userId", json())), body.dump());
  BOOST_TEST(is_positive_integer(body.value("walletId", json())), body.dump());
  BOOST_TEST(body.value("name", json()) == "kim", body.dump());
}

BOOST_AUTO_TEST_CASE(every_user_gets_its_own_wallet) {
  std::set<std::int64_t> users;
  std::set<std::int64_t> wallets;
  for (const std::string name : {"kim", "lee", "park", "kim"}) {
    const auto body = created(post("/api/v1/admin/users", json{{"name", name}}));
    BOOST_TEST(body.value("name", json()) == name);
    users.insert(body.at("userId").get<std::int64_t>());
    wallets.insert(body.at("walletId").get<std::int64_t>());
  }
  BOOST_TEST(users.size() == 4u);  // the same name twice is two users
  BOOST_TEST(wallets.size() == 4u);
}

BOOST_AUTO_TEST_CASE(create_user_keeps_unicode_names) {
  const std::string name =
      "\xea\xb9\x80\xec\xb2\xa0\xec\x88\x98 \"chul-soo\"";  // 김철수 "chul-soo"
  const auto body = created(post("/api/v1/admin/users", json{{"name", name}}));
  BOOST_TEST(body.value("name", json()) == name);
}

BOOST_AUTO_TEST_CASE(create_concert_answers_201_with_id_and_title) {
  const auto first = created(post("/api/v1/admin/concerts", json{{"title", "Winter Gala"}}));
  BOOST_TEST(is_positive_integer(first.value("concertId", json())), first.dump());
  BOOST_TEST(first.value("title", json()) == "Winter Gala");
  const auto second = created(post("/api/v1/admin/concerts", json{{"title", "Spring Live"}}));
  BOOST_TEST(is_positive_integer(second.value("concertId", json())), second.dump());
  BOOST_TEST(second.at("concertId") != first.at("concertId"));
}

BOOST_AUTO_TEST_CASE(create_schedule_echoes_the_schedule) {
  const auto concert = create_concert("Winter Gala");
  const auto body = created(post(schedules_path(concert), valid_schedule()));
  BOOST_TEST(is_positive_integer(body.value("scheduleId", json())), body.dump());
  BOOST_TEST(body.value("concertId", json()) == concert, body.dump());
  BOOST_TEST(body.value("startsAt", json()) == "2026-12-24T19:00:00Z", body.dump());
  BOOST_TEST(body.value("bookingOpensAt", json()) == "2026-12-01T10:00:00Z", body.dump());
  BOOST_TEST(body.value("bookingClosesAt", json()) == "2026-12-24T18:00:00Z", body.dump());
  BOOST_TEST(body.value("totalSeats", json()) == 50, body.dump());
  BOOST_TEST(body.value("availableSeats", json()) == 50, body.dump());

  const auto again = created(post(schedules_path(concert), valid_schedule()));
  BOOST_TEST(again.at("scheduleId") != body.at("scheduleId"));
}

BOOST_AUTO_TEST_CASE(create_schedule_answers_times_in_utc_with_milliseconds) {
  const auto concert = create_concert("Winter Gala");
  auto spec = valid_schedule();
  spec["startsAt"] = "2026-12-24T19:00:00.250Z";
  spec["bookingOpensAt"] = "2026-12-02T01:30:00+09:00";     // 2026-12-01T16:30:00Z
  spec["bookingClosesAt"] = "2026-12-24T17:59:59.5-01:00";  // 2026-12-24T18:59:59.500Z
  const auto body = created(post(schedules_path(concert), spec));
  BOOST_TEST(body.value("startsAt", json()) == "2026-12-24T19:00:00.250Z", body.dump());
  BOOST_TEST(body.value("bookingOpensAt", json()) == "2026-12-01T16:30:00Z", body.dump());
  BOOST_TEST(body.value("bookingClosesAt", json()) == "2026-12-24T18:59:59.500Z", body.dump());
}

BOOST_AUTO_TEST_CASE(create_schedule_accepts_the_bounds) {
  const auto concert = create_concert("Winter Gala");
  auto smallest = valid_schedule();
  smallest["seatCount"] = 1;
  smallest["seatPrice"] = 0;
  const auto small = created(post(schedules_path(concert), smallest));
  BOOST_TEST(small.value("totalSeats", json()) == 1);
  BOOST_TEST(small.value("availableSeats", json()) == 1);

  auto largest = valid_schedule();
  largest["seatCount"] = 100000;
  largest["seatPrice"] = 9223372036854775807LL;
  const auto large = created(post(schedules_path(concert), largest));
  BOOST_TEST(large.value("totalSeats", json()) == 100000);
  BOOST_TEST(large.value("availableSeats", json()) == 100000);

  // A window of one millisecond is a window.
  auto narrow = valid_schedule();
  narrow["bookingOpensAt"] = "2026-12-01T10:00:00.000Z";
  narrow["bookingClosesAt"] = "2026-12-01T10:00:00.001Z";
  created(post(schedules_path(concert), narrow));
}

BOOST_AUTO_TEST_CASE(cluster_view_of_a_single_node) {
  const auto result = http->Get("/api/v1/admin/cluster", admin_headers());
  BOOST_TEST_REQUIRE(static_cast<bool>(result));
  BOOST_TEST_REQUIRE(result->status == 200, result->body);
  BOOST_TEST(starts_with(result->get_header_value("Content-Type"), "application/json"));
  const auto body = body_json(result);
  BOOST_TEST_REQUIRE(body.is_object(), result->body);
  BOOST_TEST(body.value("nodeId", json()) == 1, result->body);
  BOOST_TEST_REQUIRE(body.value("nodes", json()).is_array(), result->body);
  BOOST_TEST_REQUIRE(body.at("nodes").size() == 1u, result->body);
  const auto& self = body.at("nodes").at(0);
  BOOST_TEST(self.value("nodeId", json()) == 1, result->body);
  BOOST_TEST(self.value("address", json()).is_string(), result->body);
  BOOST_TEST(self.value("status", json()) == "up", result->body);
}

BOOST_AUTO_TEST_CASE(list_concerts_is_empty_at_first) {
  const auto result = http->Get("/api/v1/concerts");
  BOOST_TEST_REQUIRE(static_cast<bool>(result));
  BOOST_TEST(result->status == 200);
  BOOST_TEST(starts_with(result->get_header_value("Content-Type"), "application/json"));
  BOOST_TEST(body_json(result) == json({{"concerts", json::array()}}), result->body);
}

BOOST_AUTO_TEST_CASE(list_concerts_answers_all_in_id_order_without_a_key) {
  const auto first = create_concert("Winter Gala");
  const auto second = create_concert("Spring Live");
  const auto result = http->Get("/api/v1/concerts");
  BOOST_TEST_REQUIRE(static_cast<bool>(result));
  BOOST_TEST(result->status == 200);
  const auto body = body_json(result);
  BOOST_TEST_REQUIRE(body.value("concerts", json()).is_array(), result->body);
  const auto& list = body.at("concerts");
  BOOST_TEST_REQUIRE(list.size() == 2u, result->body);
  BOOST_TEST(first < second);
  BOOST_TEST(list.at(0) == json({{"concertId", first}, {"title", "Winter Gala"}}), result->body);
  BOOST_TEST(list.at(1) == json({{"concertId", second}, {"title", "Spring Live"}}), result->body);
}

// --- X-Admin-Key --------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(admin_calls_without_the_right_key_are_refused) {
  const std::string key = kAdminKey;
  std::string last_char_changed = key;
  last_char_changed.back() = static_cast<char>(last_char_changed.back() + 1);
  std::string first_char_changed = key;
  first_char_changed.front() = static_cast<char>(first_char_changed.front() + 1);
  const std::vector<std::optional<std::string>> keys = {
      std::nullopt,     // no header at all
      std::string(""),  // empty header
      std::string("wrong-key"),
      key.substr(0, key.size() - 1),  // a prefix of the key
      key + "x",                      // the key and more
      key + key,
      last_char_changed,
      first_char_changed,
      std::string("TEST-ADMIN-KEY"),
      std::string(key.size(), 'a'),  // same length
  };
  create_concert("for the schedule call");
  for (const auto& call : admin_calls()) {
    for (const auto& candidate : keys) {
      BOOST_TEST_CONTEXT(call.method << " " << call.path << " with key "
                                     << (candidate ? "\"" + *candidate + "\"" : "(none)")) {
        httplib::Headers headers;
        if (candidate) headers.emplace("X-Admin-Key", *candidate);
        expect_problem(send(*http, call, headers), 401, "ADMIN_KEY_INVALID");
      }
    }
  }
  // Nothing was created by the refused calls.
  const auto concerts = body_json(http->Get("/api/v1/concerts"));
  BOOST_TEST(concerts.at("concerts").size() == 1u, concerts.dump());
}

BOOST_AUTO_TEST_CASE(admin_key_header_name_is_case_insensitive) {
  created(post("/api/v1/admin/users", json{{"name", "kim"}}, {{"x-admin-key", kAdminKey}}));
  created(post("/api/v1/admin/concerts", json{{"title", "Gala"}}, {{"X-ADMIN-KEY", kAdminKey}}));
}

BOOST_AUTO_TEST_CASE(key_is_checked_before_the_body_and_the_concert) {
  expect_problem(post("/api/v1/admin/users", std::string("{"), {}), 401, "ADMIN_KEY_INVALID");
  expect_problem(post("/api/v1/admin/concerts", json{{"title", 5}}, {{"X-Admin-Key", "nope"}}), 401,
                 "ADMIN_KEY_INVALID");
  expect_problem(post(schedules_path("abc"), std::string("[]"), {}), 401, "ADMIN_KEY_INVALID");
  expect_problem(post(schedules_path(987654), valid_schedule(), {}), 401, "ADMIN_KEY_INVALID");
}

BOOST_AUTO_TEST_CASE(admin_api_is_closed_when_no_key_is_configured) {
  auto config = serve_config(fresh_database("admin_routes_nokey"));
  config.admin_key.reset();
  TestNode closed{config};
  auto client = closed.client();
  {
    const auto concert = client->Post("/api/v1/admin/concerts", admin_headers(),
                                      R"({"title": "x"})", "application/json");
    expect_problem(concert, 401, "ADMIN_KEY_INVALID");
  }
  for (const auto& call : admin_calls()) {
    for (const std::optional<std::string>& candidate :
         {std::optional<std::string>(), std::optional<std::string>(""),
          std::optional<std::string>(kAdminKey), std::optional<std::string>("anything")}) {
      BOOST_TEST_CONTEXT(call.method << " " << call.path << " with key "
                                     << (candidate ? "\"" + *candidate + "\"" : "(none)")) {
        httplib::Headers headers;
        if (candidate) headers.emplace("X-Admin-Key", *candidate);
        expect_problem(send(*client, call, headers), 401, "ADMIN_KEY_INVALID");
      }
    }
  }
  // The public list still works, and nothing was created.
  const auto list = client->Get("/api/v1/concerts");
  BOOST_TEST_REQUIRE(static_cast<bool>(list));
  BOOST_TEST(list->status == 200);
  BOOST_TEST(body_json(list) == json({{"concerts", json::array()}}), list->body);
}

BOOST_AUTO_TEST_CASE(admin_api_is_closed_when_started_without_admin_key_flag) {
  // The same, through the command line as `boxoffice serve` reads it.
  const auto database = fresh_database("admin_routes_noflag");
  auto outcome = boxoffice::config::load_config(
      {"serve", "--listen", "127.0.0.1:0", "--database", database.url, "--log-level", "warn"},
      [](const std::string&) -> std::optional<std::string> { return std::nullopt; });
  BOOST_TEST_REQUIRE(outcome.config.has_value(), outcome.message);
  BOOST_TEST(!outcome.config->admin_key.has_value());
  TestNode closed{*outcome.config};
  auto client = closed.client();
  expect_problem(client->Post("/api/v1/admin/users", admin_headers(), R"({"name": "kim"})",
                              "application/json"),
                 401, "ADMIN_KEY_INVALID");
  expect_problem(client->Get("/api/v1/admin/cluster", admin_headers()), 401, "ADMIN_KEY_INVALID");
}

// --- validation ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(create_user_refuses_bad_names) {
  for (const std::string body :
       {R"({})", R"({"Name": "kim"})", R"({"name": 5})", R"({"name": null})", R"({"name": true})",
        R"({"name": ["kim"]})", R"({"name": {"first": "kim"}})", R"({"name": ""})",
        R"({"name": "kim\n"})", R"({"name": "a\u0000b"})", R"({"name": "tab\there"})"}) {
    BOOST_TEST_CONTEXT("body " << body) {
      expect_problem(post("/api/v1/admin/users", body), 400, "INVALID_REQUEST");
    }
  }
  const std::string too_long = json{{"name", std::string(201, 'k')}}.dump();
  expect_problem(post("/api/v1/admin/users", too_long), 400, "INVALID_REQUEST");
  created(post("/api/v1/admin/users", json{{"name", std::string(200, 'k')}}));
}

BOOST_AUTO_TEST_CASE(create_user_refuses_malformed_bodies) {
  for (const std::string body : {"", "{", "[]", "null", "\"kim\"", "{\"name\": }", "kim"}) {
    BOOST_TEST_CONTEXT("body \"" << body << "\"") {
      expect_problem(post("/api/v1/admin/users", body), 400, "INVALID_REQUEST");
    }
  }
}

BOOST_AUTO_TEST_CASE(create_concert_refuses_bad_titles) {
  for (const std::string body :
       {R"({})", R"({"name": "Gala"})", R"({"title": 5})", R"({"title": null})", R"({"title": ""})",
        R"({"title": ["Gala"]})", R"({"title": "Gala\r\n"})", "", "[]", "{\"title\": }"}) {
    BOOST_TEST_CONTEXT("body " << body) {
      expect_problem(post("/api/v1/admin/concerts", body), 400, "INVALID_REQUEST");
    }
  }
  expect_problem(post("/api/v1/admin/concerts", json{{"title", std::string(501, 't')}}), 400,
                 "INVALID_REQUEST");
  created(post("/api/v1/admin/concerts", json{{"title", std::string(500, 't')}}));
  // None of the refused ones was created.
  const auto list = body_json(http->Get("/api/v1/concerts"));
  BOOST_TEST(list.at("concerts").size() == 1u, list.dump());
}

BOOST_AUTO_TEST_CASE(create_schedule_refuses_bad_counts_and_prices) {
  const auto concert = create_concert("Winter Gala");
  const std::vector<std::pair<std::string, json>> cases = {
      {"seatCount", 0},
      {"seatCount", 100001},
      {"seatCount", -1},
      {"seatCount", "10"},
      {"seatCount", 1.5},
      {"seatCount", nullptr},
      {"seatCount", 4294967297LL},
      {"seatCount", 9223372036854775807LL},
      {"seatPrice", -1},
      {"seatPrice", "100"},
      {"seatPrice", 1.5},
      {"seatPrice", nullptr},
      {"seatPrice", json::array()},
  };
  for (const auto& [field, value] : cases) {
    BOOST_TEST_CONTEXT(field << " = " << value.dump()) {
      auto spec = valid_schedule();
      spec[field] = value;
      expect_problem(post(schedules_path(concert), spec), 400, "INVALID_REQUEST");
    }
  }
  const std::vector<std::pair<std::string, std::string>> raw_numbers = {
      {"seatCount", "1e400"}, {"seatPrice", "9223372036854775808"}, {"seatPrice", "-1e400"}};
  for (const auto& [field, literal] : raw_numbers) {
    BOOST_TEST_CONTEXT(field << " = " << literal) {
      auto spec = valid_schedule();
      spec.erase(field);
      auto text = spec.dump();
      text.pop_back();
      text += ",\"" + field + "\": " + literal + "}";
      expect_problem(post(schedules_path(concert), text), 400, "INVALID_REQUEST");
    }
  }
  for (const char* missing : {"seatCount", "seatPrice"}) {
    BOOST_TEST_CONTEXT("without " << missing) {
      auto spec = valid_schedule();
      spec.erase(missing);
      expect_problem(post(schedules_path(concert), spec), 400, "INVALID_REQUEST");
    }
  }
}

BOOST_AUTO_TEST_CASE(create_schedule_refuses_a_window_that_does_not_open_before_it_closes) {
  const auto concert = create_concert("Winter Gala");
  auto equal = valid_schedule();
  equal["bookingOpensAt"] = "2026-12-10T10:00:00Z";
  equal["bookingClosesAt"] = "2026-12-10T10:00:00Z";
  expect_problem(post(schedules_path(concert), equal), 400, "INVALID_REQUEST");

  auto same_instant = valid_schedule();  // the same instant written in two zones
  same_instant["bookingOpensAt"] = "2026-12-10T19:00:00+09:00";
  same_instant["bookingClosesAt"] = "2026-12-10T10:00:00Z";
  expect_problem(post(schedules_path(concert), same_instant), 400, "INVALID_REQUEST");

  auto reversed = valid_schedule();
  reversed["bookingOpensAt"] = "2026-12-24T18:00:00Z";
  reversed["bookingClosesAt"] = "2026-12-01T10:00:00Z";
  expect_problem(post(schedules_path(concert), reversed), 400, "INVALID_REQUEST");
}

BOOST_AUTO_TEST_CASE(create_schedule_refuses_bad_dates) {
  const auto concert = create_concert("Winter Gala");
  const std::vector<json> bad_times = {
      "",
      "yesterday",
      "2026-12-24",
      "2026-12-24 19:00:00Z",
      "2026-12-24T19:00:00",
      "2026-12-24T19:00Z",
      "2026-13-01T00:00:00Z",
      "2026-00-10T00:00:00Z",
      "2026-02-30T00:00:00Z",
      "2026-12-32T00:00:00Z",
      "2026-12-24T24:00:00Z",
      "2026-12-24T19:60:00Z",
      "2026-12-24T19:00:00.Z",
      "2026-12-24T19:00:00+0900",
      "2026-12-24T19:00:00Z ",
      " 2026-12-24T19:00:00Z",
      "26-12-24T19:00:00Z",
      1798138800,
      nullptr,
      json::object(),
  };
  for (const char* field : {"startsAt", "bookingOpensAt", "bookingClosesAt"}) {
    for (const auto& value : bad_times) {
      BOOST_TEST_CONTEXT(field << " = " << value.dump()) {
        auto spec = valid_schedule();
        spec[field] = value;
        expect_problem(post(schedules_path(concert), spec), 400, "INVALID_REQUEST");
      }
    }
    BOOST_TEST_CONTEXT("without " << field) {
      auto spec = valid_schedule();
      spec.erase(field);
      expect_problem(post(schedules_path(concert), spec), 400, "INVALID_REQUEST");
    }
  }
}

BOOST_AUTO_TEST_CASE(create_schedule_refuses_bad_concert_ids) {
  create_concert("Winter Gala");
  for (const std::string id : {"abc", "0", "-1", "1.0", "1a", "+1", "99999999999999999999",
                               "9223372036854775808", "%2D1", "1%20"}) {
    BOOST_TEST_CONTEXT("concertId " << id) {
      expect_problem(post(schedules_path(id), valid_schedule()), 400, "INVALID_REQUEST");
    }
  }
}

BOOST_AUTO_TEST_CASE(create_schedule_refuses_malformed_bodies) {
  const auto concert = create_concert("Winter Gala");
  for (const std::string body : {"", "{", "[]", "null", "\"x\"", "{\"seatCount\": }"}) {
    BOOST_TEST_CONTEXT("body \"" << body << "\"") {
      expect_problem(post(schedules_path(concert), body), 400, "INVALID_REQUEST");
    }
  }
}

BOOST_AUTO_TEST_CASE(create_schedule_for_a_missing_concert_is_404) {
  const auto concert = create_concert("Winter Gala");
  expect_problem(post(schedules_path(concert + 1), valid_schedule()), 404, "CONCERT_NOT_FOUND");
  expect_problem(post(schedules_path("9223372036854775807"), valid_schedule()), 404,
                 "CONCERT_NOT_FOUND");
  // Validation comes first (400 is listed before 404).
  auto bad = valid_schedule();
  bad["seatCount"] = 0;
  expect_problem(post(schedules_path(concert + 1), bad), 400, "INVALID_REQUEST");
}

BOOST_AUTO_TEST_SUITE_END()

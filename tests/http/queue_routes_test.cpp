#include <boost/test/unit_test.hpp>

// The "Queue tokens (waiting room)" section of API.md (issue, re-issue, GET me, admission in
// issue order, ttl and idle expiry, restart, the booking gate, metrics, concurrent issue),
// through a whole node on a fresh database, over real HTTP.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "domain/queue_token.hpp"
#include "domain/rfc3339.hpp"
#include "support/answer_checks.hpp"
#include "support/test_database.hpp"
#include "support/test_node.hpp"

namespace {

using namespace boxoffice::testing;  // Answer, checks, TestNode, databases
using nlohmann::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr const char* kTokens = "/api/v1/queue/tokens";
constexpr const char* kMe = "/api/v1/queue/tokens/me";

// Generous bound for anything the server should do within a few seconds.
constexpr auto kDeadline = std::chrono::seconds(10);

// An RFC 3339 UTC time field, in ms since the epoch (a test failure when it is not one).
// An integer field, or -1 when it is null (a test failure when it is neither).
std::int64_t int_or_null(const json& body, const char* field) {
  BOOST_TEST_REQUIRE(body.contains(field), field << " missing: " << body.dump());
  const auto& value = body.at(field);
  if (value.is_null()) return -1;
  BOOST_TEST_REQUIRE(value.is_number_integer(),
                     field << " neither integer nor null: " << body.dump());
  return value.get<std::int64_t>();
}

// The token fields of API.md, checked for shape and for what they must say about each other.
// `with_remaining`: GET me, which adds remainingSeconds.
void check_token_fields(const json& body, std::int64_t user, bool with_remaining) {
  for (const char* field : {"token", "userId", "status", "position", "estimatedWaitSeconds",
                            "pollAfterSeconds", "issuedAt", "expiresAt"})
    BOOST_TEST(body.contains(field), field << " missing: " << body.dump());
  BOOST_TEST_REQUIRE(body.value("token", json()).is_string(), body.dump());
  // At least 128 bits: 22 characters even at 6 bits per character.
  BOOST_TEST(body.at("token").get<std::string>().size() >= 22u, body.dump());
  BOOST_TEST(body.value("userId", json()) == user, body.dump());
  BOOST_TEST_REQUIRE(body.value("status", json()).is_string(), body.dump());
  const auto status = body.at("status").get<std::string>();
  BOOST_TEST(
      (status == "WAITING" || status == "ACTIVE" || status == "EXPIRED" || status == "COMPLETED"),
      status);
  time_field(body, "issuedAt");
  const auto position = int_or_null(body, "position");
  const auto wait = int_or_null(body, "estimatedWaitSeconds");
  BOOST_TEST(wait >= -1, body.dump());
  // pollAfterSeconds: an integer for WAITING (see poll_pace), else null.
  const auto poll_after = int_or_null(body, "pollAfterSeconds");
  BOOST_TEST((status == "WAITING" ? poll_after >= 1 : poll_after == -1), body.dump());
  if (status == "WAITING") {
    BOOST_TEST(position >= 1, body.dump());
    BOOST_TEST(body.at("expiresAt").is_null(), body.dump());
  } else if (status == "ACTIVE") {
    BOOST_TEST(position == 0, body.dump());
    BOOST_TEST(time_field(body, "expiresAt") >= time_field(body, "issuedAt"), body.dump());
  } else {
    BOOST_TEST(body.at("position").is_null(), body.dump());
    BOOST_TEST(body.at("expiresAt").is_null(), body.dump());
  }
  if (with_remaining) {
    const auto remaining = int_or_null(body, "remainingSeconds");
    if (status == "ACTIVE")
      BOOST_TEST(remaining >= 0, body.dump());
    else
      BOOST_TEST(body.at("remainingSeconds").is_null(), body.dump());
  }
}

std::string status_of(const json& body) {
  return body.value("status", std::string("?"));
}
std::int64_t position_of(const json& body) {
  return int_or_null(body, "position");
}

std::int64_t wall_ms() {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t ms_since(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
}

// Metric name -> value of every unlabelled sample in a Prometheus text page.
std::map<std::string, std::int64_t> parse_metrics(const std::string& text) {
  std::map<std::string, std::int64_t> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.find(' ');
    if (space == std::string::npos || line.find('{') < space) continue;
    try {
      out[line.substr(0, space)] = static_cast<std::int64_t>(std::stod(line.substr(space + 1)));
    } catch (const std::exception&) {
    }
  }
  return out;
}

struct QueueFixture {
  boxoffice::config::DatabaseTarget database = fresh_database("queue_routes");
  std::vector<std::string> flags;
  std::unique_ptr<TestNode> node;
  std::unique_ptr<httplib::Client> http;

  // Starts the node on this fixture's database with these extra flags.
  void start(const std::vector<std::string>& extra_flags = {}) {
    flags = extra_flags;
    http.reset();
    node.reset();
    node = std::make_unique<TestNode>(serve_config(database, flags));
    http = node->client();
  }

  // Stops the node and starts a new one on the same database with the same flags.
  void restart() {
    http.reset();
    node->stop();
    node.reset();
    node = std::make_unique<TestNode>(serve_config(database, flags));
    http = node->client();
  }

  static std::int64_t create_user_with(httplib::Client& client, const std::string& name) {
    const auto answer = answer_of(client.Post("/api/v1/admin/users", admin_headers(),
                                              json{{"name", name}}.dump(), "application/json"));
    BOOST_TEST_REQUIRE(answer.status == 201, "create user: " << shown(answer));
    return answer.body_json().at("userId").get<std::int64_t>();
  }
  std::int64_t create_user(const std::string& name = "kim") {
    return create_user_with(*http, name);
  }

  Answer post_tokens(const std::string& body) {
    return answer_of(http->Post(kTokens, body, "application/json"));
  }
  Answer issue(std::int64_t user) { return post_tokens(json{{"userId", user}}.dump()); }

  // A new token for this user: 201 with every field; returns the body.
  json issue_new(std::int64_t user) {
    const auto body = json_body(issue(user), 201, "issue for user " + std::to_string(user));
    check_token_fields(body, user, false);
    return body;
  }

  Answer me_with(const httplib::Headers& headers) { return answer_of(http->Get(kMe, headers)); }
  Answer me(const std::string& token) { return me_with(bearer(token)); }

  // GET me for a known token: 200 with every field; returns the body.
  json look(const std::string& token, std::int64_t user) {
    const auto body = json_body(me(token), 200, "GET me");
    check_token_fields(body, user, true);
    BOOST_TEST(body.value("token", std::string()) == token);
    return body;
  }

  std::map<std::string, std::int64_t> metrics() {
    const auto answer = answer_of(http->Get("/metrics"));
    BOOST_TEST_REQUIRE(answer.status == 200, "metrics: " << shown(answer));
    return parse_metrics(answer.body);
  }

  void expect_queue_metrics(std::int64_t waiting, std::int64_t active, std::int64_t admitted,
                            std::int64_t expired) {
    const auto values = metrics();
    const auto value = [&](const std::string& name) {
      const auto it = values.find(name);
      const bool found = it != values.end();
      BOOST_TEST(found, name << " missing from /metrics");
      return it == values.end() ? -1 : it->second;
    };
    BOOST_TEST(value("boxoffice_queue_waiting") == waiting);
    BOOST_TEST(value("boxoffice_queue_active") == active);
    BOOST_TEST(value("boxoffice_queue_admitted_total") == admitted);
    BOOST_TEST(value("boxoffice_queue_expired_total") == expired);
  }

  std::int64_t create_concert(const std::string& title) {
    const auto answer = answer_of(http->Post("/api/v1/admin/concerts", admin_headers(),
                                             json{{"title", title}}.dump(), "application/json"));
    BOOST_TEST_REQUIRE(answer.status == 201, "create concert: " << shown(answer));
    return answer.body_json().at("concertId").get<std::int64_t>();
  }

  // GET /api/v1/concerts/{id}/schedules with these headers.
  Answer schedules(std::int64_t concert, const httplib::Headers& headers) {
    const auto path = "/api/v1/concerts/" + std::to_string(concert) + "/schedules";
    return answer_of(http->Get(path.c_str(), headers));
  }

  // Polls GET me for `token` (every `every`) until `done` holds for its body; returns that
  // body, or null when kDeadline passed first.
  json poll_me(const std::string& token, std::int64_t user,
               const std::function<bool(const json&)>& done,
               milliseconds every = milliseconds(50)) {
    const auto give_up = Clock::now() + kDeadline;
    while (Clock::now() < give_up) {
      const auto body = look(token, user);
      if (done(body)) return body;
      std::this_thread::sleep_for(every);
    }
    return nullptr;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(queue_routes, QueueFixture)

// --- POST /api/v1/queue/tokens --------------------------------------------------------------

BOOST_AUTO_TEST_CASE(issue_answers_201_with_every_field) {
  start({"--queue-max-active", "1", "--token-ttl", "60s"});
  const auto kim = create_user("kim");
  const auto lee = create_user("lee");

  const auto before = wall_ms();
  const auto first = issue_new(kim);
  const auto second = issue_new(lee);
  const auto after = wall_ms();

  BOOST_TEST(status_of(first) == "ACTIVE");
  BOOST_TEST(position_of(first) == 0);
  const auto issued = time_field(first, "issuedAt");
  BOOST_TEST(issued >= before - 1'000);
  BOOST_TEST(issued <= after + 1'000);
  // ACTIVE from the start: it expires token-ttl after its issue.
  BOOST_TEST(time_field(first, "expiresAt") == issued + 60'000, first.dump());

  BOOST_TEST(status_of(second) == "WAITING");
  BOOST_TEST(position_of(second) == 1);
  BOOST_TEST(second.at("expiresAt").is_null(), second.dump());
  BOOST_TEST(time_field(second, "issuedAt") >= issued);
  BOOST_TEST(time_field(second, "issuedAt") <= after + 1'000);

  BOOST_TEST(first.at("token") != second.at("token"));
  BOOST_TEST(boxoffice::domain::plausible_token_text(first.at("token").get<std::string>()),
             first.dump());
}

BOOST_AUTO_TEST_CASE(issue_for_a_user_with_a_live_token_answers_200_and_the_same_token) {
  start({"--queue-max-active", "1"});
  const auto kim = create_user("kim");
  const auto lee = create_user("lee");
  const auto active = issue_new(kim);
  const auto waiting = issue_new(lee);

  for (const auto& [user, first] : {std::pair{kim, active}, std::pair{lee, waiting}}) {
    for (int again = 0; again < 2; ++again) {
      const auto body = json_body(issue(user), 200, "re-issue");
      check_token_fields(body, user, false);
      for (const char* field : {"token", "userId", "status", "position", "issuedAt", "expiresAt"})
        BOOST_TEST(body.at(field) == first.at(field),
                   field << ": " << body.dump() << " vs " << first.dump());
    }
  }
  // No second token went into the line.
  const auto park = create_user("park");
  BOOST_TEST(position_of(issue_new(park)) == 2);
}

BOOST_AUTO_TEST_CASE(issue_for_an_unknown_user_is_404_user_not_found) {
  start();
  const auto kim = create_user("kim");
  expect_problem(issue(kim + 1000), 404, "USER_NOT_FOUND", "unknown user");
  expect_problem(issue(9223372036854775807LL), 404, "USER_NOT_FOUND", "largest id");
  // Nothing was issued for them: kim is the first and only one in the room.
  BOOST_TEST(status_of(issue_new(kim)) == "ACTIVE");
  expect_queue_metrics(0, 1, 1, 0);
}

BOOST_AUTO_TEST_CASE(issue_with_a_bad_body_is_400_invalid_request) {
  start();
  const auto kim = create_user("kim");  // user 1 exists: "1" must be refused for its type
  BOOST_TEST_REQUIRE(kim == 1);
  for (const std::string body :
       {"{}", R"({"userId":"1"})", R"({"userId":0})", R"({"userId":-1})", R"({"userId":1.5})",
        "not json", R"({"userId":null})", R"({"userId":true})", R"({"userId":[1]})",
        R"({"user":1})", "[1]", "1", "", R"({"userId":1)", R"({"userId":99999999999999999999})",
        R"({"userId":1e400})", R"({"userId":"one"})"})
    expect_problem(post_tokens(body), 400, "INVALID_REQUEST", "body " + body);
  expect_queue_metrics(0, 0, 0, 0);
}

// --- GET /api/v1/queue/tokens/me ------------------------------------------------------------

BOOST_AUTO_TEST_CASE(get_me_answers_the_token_with_remaining_seconds) {
  start({"--queue-max-active", "1", "--token-ttl", "60s"});
  const auto kim = create_user("kim");
  const auto lee = create_user("lee");
  const auto active = issue_new(kim);
  const auto waiting = issue_new(lee);

  const auto seen_active = look(active.at("token"), kim);
  for (const char* field : {"token", "userId", "status", "position", "issuedAt", "expiresAt"})
    BOOST_TEST(seen_active.at(field) == active.at(field), field);
  BOOST_TEST(status_of(seen_active) == "ACTIVE");
  const auto remaining = int_or_null(seen_active, "remainingSeconds");
  BOOST_TEST(remaining <= 60);
  BOOST_TEST(remaining >= 50);  // a few seconds at most went by
  const auto to_expiry = time_field(seen_active, "expiresAt") - wall_ms();
  BOOST_TEST(remaining * 1000 >= to_expiry - 1'000, seen_active.dump());
  BOOST_TEST(remaining * 1000 <= to_expiry + 2'000, seen_active.dump());

  const auto seen_waiting = look(waiting.at("token"), lee);
  for (const char* field : {"token", "userId", "status", "position", "issuedAt", "expiresAt"})
    BOOST_TEST(seen_waiting.at(field) == waiting.at(field), field);
  BOOST_TEST(status_of(seen_waiting) == "WAITING");
  BOOST_TEST(position_of(seen_waiting) == 1);
  BOOST_TEST(seen_waiting.at("remainingSeconds").is_null(), seen_waiting.dump());
  BOOST_TEST(seen_waiting.at("expiresAt").is_null(), seen_waiting.dump());
}

BOOST_AUTO_TEST_CASE(get_me_without_a_usable_known_token_is_401_token_invalid) {
  start();
  const auto kim = create_user("kim");
  const auto token = issue_new(kim).at("token").get<std::string>();

  expect_problem(me_with({}), 401, "TOKEN_INVALID", "no Authorization");
  const std::vector<std::string> refused = {
      "",
      "Bearer",
      "Bearer ",
      "Basic x",
      "Basic " + token,
      "Token " + token,
      token,
      "Bearer short",
      "Bearer not a token at all",
      "Bearer ======================",
      "Bearer " + token + "%",
      "Bearer " + token + std::string(100, 'A'),
      "Bearer AAAAAAAAAAAAAAAAAAAAAA",                  // well-formed, unknown
      "Bearer " + boxoffice::domain::new_token_text(),  // well-formed, unknown
  };
  for (const auto& header : refused)
    expect_problem(me_with({{"Authorization", header}}), 401, "TOKEN_INVALID",
                   "Authorization: " + header);

  // The real token still answers.
  BOOST_TEST(status_of(look(token, kim)) == "ACTIVE");
}

// --- admission --------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(with_two_places_the_first_two_are_active_and_the_rest_wait_in_order) {
  start({"--queue-max-active", "2"});
  std::vector<std::int64_t> users;
  std::vector<std::string> tokens;
  for (int i = 0; i < 6; ++i) users.push_back(create_user("user" + std::to_string(i)));
  for (int i = 0; i < 6; ++i) {
    const auto body = issue_new(users[i]);
    tokens.push_back(body.at("token").get<std::string>());
    BOOST_TEST(status_of(body) == (i < 2 ? "ACTIVE" : "WAITING"), "token " << i);
    BOOST_TEST(position_of(body) == (i < 2 ? 0 : i - 1), "token " << i);
  }
  for (int i = 0; i < 6; ++i) {
    const auto body = look(tokens[i], users[i]);
    BOOST_TEST(status_of(body) == (i < 2 ? "ACTIVE" : "WAITING"), "token " << i);
    BOOST_TEST(position_of(body) == (i < 2 ? 0 : i - 1), "token " << i);
  }
  expect_queue_metrics(4, 2, 2, 0);
}

BOOST_AUTO_TEST_CASE(ttl_expiry_admits_the_next_waiting_token) {
  start({"--queue-max-active", "1", "--token-ttl", "2s"});
  const auto kim = create_user("kim");
  const auto lee = create_user("lee");
  const auto park = create_user("park");
  const auto concert = create_concert("Winter");

  const auto activated = Clock::now();
  const auto first = issue_new(kim);
  BOOST_TEST_REQUIRE(status_of(first) == "ACTIVE");
  const auto second = issue_new(lee);
  const auto third = issue_new(park);
  BOOST_TEST(position_of(third) == 2);

  // The next one becomes ACTIVE when the first's ttl is over, not before.
  const auto admitted = poll_me(second.at("token"), lee,
                                [](const json& body) { return status_of(body) != "WAITING"; });
  const auto waited = ms_since(activated);
  BOOST_TEST_REQUIRE(!admitted.is_null(),
                     "still WAITING " << kDeadline.count() << " s after the first was issued");
  BOOST_TEST(status_of(admitted) == "ACTIVE", admitted.dump());
  BOOST_TEST(waited >= 2'000 - 1,
             "admitted after " << waited << " ms with a 2 s ttl (ms clock: 1 ms slack)");
  BOOST_TEST(position_of(admitted) == 0);
  BOOST_TEST(int_or_null(admitted, "remainingSeconds") >= 1);
  BOOST_TEST(int_or_null(admitted, "remainingSeconds") <= 2);

  const auto expired = look(first.at("token"), kim);
  BOOST_TEST(status_of(expired) == "EXPIRED", expired.dump());
  BOOST_TEST(expired.at("position").is_null(), expired.dump());
  BOOST_TEST(expired.at("expiresAt").is_null(), expired.dump());
  BOOST_TEST(expired.at("remainingSeconds").is_null(), expired.dump());
  BOOST_TEST(expired.at("issuedAt") == first.at("issuedAt"));

  const auto behind = look(third.at("token"), park);
  BOOST_TEST(status_of(behind) == "WAITING");
  BOOST_TEST(position_of(behind) == 1);
  expect_queue_metrics(1, 1, 2, 1);

  // The expired token no longer opens the booking routes.
  expect_problem(schedules(concert, bearer(first.at("token"))), 403, "TOKEN_NOT_ACTIVE",
                 "EXPIRED token on a booking route");

  // Kim may line up again: a new token, at the end of the line.
  const auto again = issue_new(kim);
  BOOST_TEST(again.at("token") != first.at("token"));
  BOOST_TEST(status_of(again) == "WAITING");
  BOOST_TEST(position_of(again) == 2);
}

BOOST_AUTO_TEST_CASE(a_waiting_token_nobody_looks_at_expires_while_polled_ones_stay) {
  start({"--queue-max-active", "1", "--queue-idle-timeout", "2s"});
  const auto kim = create_user("kim");
  const auto lee = create_user("lee");
  const auto park = create_user("park");
  const auto choi = create_user("choi");
  const auto active = issue_new(kim);
  BOOST_TEST_REQUIRE(status_of(active) == "ACTIVE");

  const auto issued = Clock::now();
  const auto abandoned = issue_new(lee);
  const auto polled = issue_new(park);
  const auto reposted = issue_new(choi);
  BOOST_TEST_REQUIRE(position_of(polled) == 2);
  BOOST_TEST_REQUIRE(position_of(reposted) == 3);

  // Every ~300 ms park looks (GET me) and choi asks again (POST answering the live token,
  // which counts as a look too). When lee's place is given up, both move up by one.
  const auto give_up = Clock::now() + kDeadline;
  json moved_up;
  while (Clock::now() < give_up) {
    const auto park_sees = look(polled.at("token"), park);
    const auto choi_sees = json_body(issue(choi), 200, "re-issue for choi");
    BOOST_TEST_REQUIRE(choi_sees.at("token") == reposted.at("token"));
    BOOST_TEST_REQUIRE(status_of(choi_sees) == "WAITING", choi_sees.dump());
    if (status_of(park_sees) != "WAITING" || position_of(park_sees) != 2) {
      moved_up = park_sees;
      break;
    }
    BOOST_TEST_REQUIRE(position_of(choi_sees) == 3, choi_sees.dump());
    std::this_thread::sleep_for(milliseconds(300));
  }
  const auto waited = ms_since(issued);
  BOOST_TEST_REQUIRE(!moved_up.is_null(), "the abandoned token still holds its place after "
                                              << kDeadline.count() << " s");
  BOOST_TEST(status_of(moved_up) == "WAITING", moved_up.dump());
  BOOST_TEST(position_of(moved_up) == 1, moved_up.dump());
  BOOST_TEST(waited >= 2'000 - 1,
             "expired after " << waited << " ms with a 2 s idle timeout (ms clock: 1 ms slack)");

  // Both keep looking and keep their places, well past the idle timeout.
  const auto until = issued + std::chrono::milliseconds(5'000);
  while (Clock::now() < until) {
    const auto park_sees = look(polled.at("token"), park);
    BOOST_TEST_REQUIRE(status_of(park_sees) == "WAITING", park_sees.dump());
    BOOST_TEST_REQUIRE(position_of(park_sees) == 1, park_sees.dump());
    const auto choi_sees = json_body(issue(choi), 200, "re-issue for choi");
    BOOST_TEST_REQUIRE(status_of(choi_sees) == "WAITING", choi_sees.dump());
    BOOST_TEST_REQUIRE(position_of(choi_sees) == 2, choi_sees.dump());
    std::this_thread::sleep_for(milliseconds(300));
  }

  const auto gone = look(abandoned.at("token"), lee);
  BOOST_TEST(status_of(gone) == "EXPIRED", gone.dump());
  BOOST_TEST(gone.at("position").is_null(), gone.dump());
  BOOST_TEST(gone.at("remainingSeconds").is_null(), gone.dump());
  BOOST_TEST(gone.at("issuedAt") == abandoned.at("issuedAt"));
  // The ACTIVE token is not subject to the idle timeout.
  BOOST_TEST(status_of(look(active.at("token"), kim)) == "ACTIVE");
  expect_queue_metrics(2, 1, 1, 1);

  // After a restart the expired token still answers, from the database.
  restart();
  const auto remembered = look(abandoned.at("token"), lee);
  BOOST_TEST(status_of(remembered) == "EXPIRED", remembered.dump());
  BOOST_TEST(remembered.at("position").is_null(), remembered.dump());
  BOOST_TEST(position_of(look(polled.at("token"), park)) == 1);
  BOOST_TEST(position_of(look(reposted.at("token"), choi)) == 2);

  // Looking again does not bring it back; a new POST gives lee a new token at the end.
  const auto again = issue_new(lee);
  BOOST_TEST(again.at("token") != abandoned.at("token"));
  BOOST_TEST(status_of(again) == "WAITING");
  BOOST_TEST(position_of(again) == 3);
}

BOOST_AUTO_TEST_CASE(a_restart_keeps_statuses_and_positions) {
  start({"--queue-max-active", "2"});
  std::vector<std::int64_t> users;
  std::vector<json> before;
  for (int i = 0; i < 6; ++i) users.push_back(create_user("user" + std::to_string(i)));
  for (int i = 0; i < 6; ++i) before.push_back(look(issue_new(users[i]).at("token"), users[i]));

  restart();

  for (int i = 0; i < 6; ++i) {
    const auto after = look(before[i].at("token"), users[i]);
    for (const char* field : {"token", "userId", "status", "position", "issuedAt", "expiresAt"})
      BOOST_TEST(after.at(field) == before[i].at(field), "token " << i << " " << field << ": "
                                                                  << after.dump() << " vs "
                                                                  << before[i].dump());
  }
  // The line goes on: a live token is found again, a newcomer goes to the end.
  const auto reissued = json_body(issue(users[3]), 200, "re-issue after restart");
  BOOST_TEST(reissued.at("token") == before[3].at("token"));
  BOOST_TEST(position_of(reissued) == 2);
  const auto newcomer = issue_new(create_user("late"));
  BOOST_TEST(status_of(newcomer) == "WAITING");
  BOOST_TEST(position_of(newcomer) == 5);
  BOOST_TEST(time_field(newcomer, "issuedAt") >= time_field(before[5], "issuedAt"));
  // The gauges describe the restored line (the counters start again with the process).
  auto values = metrics();
  BOOST_TEST(values["boxoffice_queue_waiting"] == 5);
  BOOST_TEST(values["boxoffice_queue_active"] == 2);
}

// --- the booking gate -------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_waiting_token_does_not_open_the_booking_routes) {
  start({"--queue-max-active", "1"});
  const auto kim = create_user("kim");
  const auto lee = create_user("lee");
  const auto concert = create_concert("Winter");
  const auto active = issue_new(kim);
  const auto waiting = issue_new(lee);
  BOOST_TEST_REQUIRE(status_of(waiting) == "WAITING");

  expect_problem(schedules(concert, bearer(waiting.at("token"))), 403, "TOKEN_NOT_ACTIVE",
                 "WAITING token");
  expect_problem(schedules(concert, {}), 401, "TOKEN_INVALID", "no token");
  expect_problem(schedules(concert, bearer("AAAAAAAAAAAAAAAAAAAAAA")), 401, "TOKEN_INVALID",
                 "unknown token");
  const auto open = schedules(concert, bearer(active.at("token")));
  BOOST_TEST(open.status == 200, "ACTIVE token: " << shown(open));
  // Being turned away changed nothing in the line.
  const auto still = look(waiting.at("token"), lee);
  BOOST_TEST(status_of(still) == "WAITING");
  BOOST_TEST(position_of(still) == 1);
}

// --- metrics ----------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(metrics_count_waiting_active_admitted_and_expired) {
  start({"--queue-max-active", "2", "--token-ttl", "2s"});
  expect_queue_metrics(0, 0, 0, 0);
  std::vector<std::int64_t> users;
  std::vector<json> issued;
  for (int i = 0; i < 5; ++i) users.push_back(create_user("user" + std::to_string(i)));
  const auto first_issued = Clock::now();
  for (int i = 0; i < 5; ++i) issued.push_back(issue_new(users[i]));
  expect_queue_metrics(3, 2, 2, 0);

  // Both ACTIVE ones run out and the next two are admitted with nobody asking about the
  // queue: only /metrics is read meanwhile.
  const auto give_up = Clock::now() + kDeadline;
  std::map<std::string, std::int64_t> values;
  while (Clock::now() < give_up) {
    values = metrics();
    if (values["boxoffice_queue_expired_total"] >= 2) break;
    std::this_thread::sleep_for(milliseconds(50));
  }
  const auto waited = ms_since(first_issued);
  BOOST_TEST_REQUIRE(
      values["boxoffice_queue_expired_total"] == 2,
      "expired_total " << values["boxoffice_queue_expired_total"] << " after " << waited << " ms");
  BOOST_TEST(waited >= 2'000 - 1, "expired after " << waited << " ms with a 2 s ttl");
  expect_queue_metrics(1, 2, 4, 2);

  // Each was admitted the moment a place was freed, not when it was next looked at.
  for (const int i : {2, 3}) {
    const auto body = look(issued[i].at("token"), users[i]);
    BOOST_TEST_REQUIRE(status_of(body) == "ACTIVE", body.dump());
    const auto freed = time_field(issued[i - 2], "expiresAt");
    const auto expires = time_field(body, "expiresAt");
    BOOST_TEST(expires >= freed + 2'000,
               "token " << i << ": " << body.dump() << ", place freed at " << freed);
    BOOST_TEST(expires <= freed + 2'000 + 1'000,
               "token " << i << ": " << body.dump() << ", place freed at " << freed);
  }
  BOOST_TEST(position_of(look(issued[4].at("token"), users[4])) == 1);
  for (const int i : {0, 1})
    BOOST_TEST(status_of(look(issued[i].at("token"), users[i])) == "EXPIRED");
  expect_queue_metrics(1, 2, 4, 2);
}

// --- concurrency ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(concurrent_issues_for_one_user_give_one_token) {
  start({"--queue-max-active", "1"});
  const auto kim = create_user("kim");
  const auto lee = create_user("lee");
  BOOST_TEST_REQUIRE(status_of(issue_new(kim)) == "ACTIVE");

  constexpr int kThreads = 16;
  std::vector<Answer> answers(kThreads);
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t)
    workers.emplace_back([&, t] {
      auto client = node->client();
      answers[t] =
          answer_of(client->Post(kTokens, json{{"userId", lee}}.dump(), "application/json"));
    });
  for (auto& worker : workers) worker.join();

  int created = 0;
  std::set<std::string> tokens;
  for (const auto& answer : answers) {
    BOOST_TEST_REQUIRE((answer.status == 201 || answer.status == 200), shown(answer));
    if (answer.status == 201) ++created;
    const auto body = json_body(answer, answer.status, "concurrent issue");
    check_token_fields(body, lee, false);
    BOOST_TEST(status_of(body) == "WAITING");
    BOOST_TEST(position_of(body) == 1);
    tokens.insert(body.at("token").get<std::string>());
  }
  BOOST_TEST(created == 1);
  BOOST_TEST(tokens.size() == 1u);
  expect_queue_metrics(1, 1, 1, 0);
}

BOOST_AUTO_TEST_CASE(a_thousand_tokens_issued_at_once_get_a_gapless_line) {
  start({"--queue-max-active", "10"});
  // BOXOFFICE_TEST_BURST raises the burst (issue 13 asks for 10,000; ctest keeps 1,000).
  const char* burst = std::getenv("BOXOFFICE_TEST_BURST");
  const int kUsers = burst ? std::max(20, std::atoi(burst)) : 1'000;
  constexpr int kThreads = 32;

  // Users first, from a few threads. (Boost.Test assertions stay on this thread.)
  std::vector<std::int64_t> users(kUsers, 0);
  std::vector<std::string> user_errors(kUsers);
  {
    std::vector<std::thread> workers;
    for (int t = 0; t < 8; ++t)
      workers.emplace_back([&, t] {
        auto client = node->client();
        for (int i = t; i < kUsers; i += 8) {
          const auto answer = answer_of(client->Post("/api/v1/admin/users", admin_headers(),
                                                     json{{"name", "u" + std::to_string(i)}}.dump(),
                                                     "application/json"));
          const auto body = answer.body_json();
          if (answer.status == 201 && body.is_object() &&
              body.value("userId", json()).is_number_integer())
            users[i] = body.at("userId").get<std::int64_t>();
          else
            user_errors[i] = shown(answer);
        }
      });
    for (auto& worker : workers) worker.join();
  }
  for (int i = 0; i < kUsers; ++i)
    BOOST_TEST_REQUIRE(users[i] > 0, "user " << i << ": " << user_errors[i]);
  BOOST_TEST_REQUIRE(std::set<std::int64_t>(users.begin(), users.end()).size() ==
                     static_cast<std::size_t>(kUsers));

  // Runs `request(client, i)` for every i from kThreads keep-alive clients at once.
  const auto in_parallel = [&](const std::function<Answer(httplib::Client&, int)>& request) {
    std::vector<Answer> answers(kUsers);
    std::atomic<int> next{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < kThreads; ++t)
      workers.emplace_back([&] {
        auto client = node->client();
        for (int i = next++; i < kUsers; i = next++) answers[i] = request(*client, i);
      });
    for (auto& worker : workers) worker.join();
    return answers;
  };

  const auto issued = in_parallel([&](httplib::Client& client, int i) {
    return answer_of(client.Post(kTokens, json{{"userId", users[i]}}.dump(), "application/json"));
  });
  std::vector<json> posted(kUsers);
  for (int i = 0; i < kUsers; ++i) {
    posted[i] = json_body(issued[i], 201, "issue " + std::to_string(i));
    check_token_fields(posted[i], users[i], false);
  }

  const auto looked = in_parallel([&](httplib::Client& client, int i) {
    return answer_of(client.Get(kMe, bearer(posted[i].at("token"))));
  });
  std::vector<json> seen(kUsers);
  for (int i = 0; i < kUsers; ++i) {
    seen[i] = json_body(looked[i], 200, "GET me " + std::to_string(i));
    check_token_fields(seen[i], users[i], true);
    BOOST_TEST(seen[i].at("token") == posted[i].at("token"));
  }

  std::set<std::string> tokens;
  for (const auto& body : posted) tokens.insert(body.at("token").get<std::string>());
  BOOST_TEST(tokens.size() == static_cast<std::size_t>(kUsers));

  // Exactly 10 ACTIVE, and the WAITING positions are 1..990, each once: read back, and as
  // the POST answers gave them (nobody left the line in between).
  for (const auto* bodies : {&seen, &posted}) {
    const char* what = bodies == &seen ? "GET me" : "POST";
    int active = 0;
    std::vector<std::int64_t> positions;
    for (const auto& body : *bodies) {
      if (status_of(body) == "ACTIVE") {
        ++active;
        BOOST_TEST(position_of(body) == 0);
      } else {
        BOOST_TEST(status_of(body) == "WAITING", what << ": " << body.dump());
        positions.push_back(position_of(body));
      }
    }
    BOOST_TEST(active == 10, what);
    std::sort(positions.begin(), positions.end());
    std::vector<std::int64_t> expected(kUsers - 10);
    for (std::size_t i = 0; i < expected.size(); ++i)
      expected[i] = static_cast<std::int64_t>(i) + 1;
    BOOST_TEST((positions == expected),
               what << ": WAITING positions are not exactly 1.." << expected.size());
  }

  // The line is in issue order: issuedAt never goes down along the positions.
  std::vector<std::pair<std::int64_t, std::int64_t>> by_position;  // (position, issuedAt)
  for (const auto& body : seen)
    by_position.emplace_back(position_of(body), time_field(body, "issuedAt"));
  std::sort(by_position.begin(), by_position.end());
  for (std::size_t i = 1; i < by_position.size(); ++i)
    BOOST_TEST(by_position[i].second >= by_position[i - 1].second,
               "position " << by_position[i].first);

  expect_queue_metrics(kUsers - 10, 10, 10, 0);
}

BOOST_AUTO_TEST_SUITE_END()

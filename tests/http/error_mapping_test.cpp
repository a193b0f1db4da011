#include <boost/test/unit_test.hpp>

// Bad input of every kind is answered with the contract's problem+json, never a 500:
// unknown paths, wrong methods, bodies over the limit, malformed JSON and plain garbage.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support/answer_checks.hpp"
#include "support/raw_connection.hpp"
#include "support/test_database.hpp"
#include "support/test_node.hpp"
#include "support/text.hpp"

namespace {

using namespace boxoffice::testing;
using nlohmann::json;

struct ErrorMappingFixture : NodeOnFreshDatabase {
  ErrorMappingFixture() : NodeOnFreshDatabase("error_mapping") {}
};

httplib::Result send(httplib::Client& client, const std::string& method, const std::string& path,
                     const httplib::Headers& headers = {}, const std::string& body = "",
                     const std::string& content_type = "application/json") {
  httplib::Request request;
  request.method = method;
  request.path = path;
  request.headers = headers;
  request.body = body;
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
    request.set_header("Content-Type", content_type);
  return client.send(request);
}

std::vector<std::string> allowed_methods(const std::string& allow) {
  std::vector<std::string> methods;
  std::string current;
  for (const char c : allow + ",") {
    if (c == ',') {
      if (!current.empty()) methods.push_back(current);
      current.clear();
    } else if (c != ' ') {
      current.push_back(c);
    }
  }
  return methods;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
  for (const auto& x : list)
    if (x == item) return true;
  return false;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(error_mapping, ErrorMappingFixture)

// --- 404 ----------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(unknown_paths_are_404_route_not_found) {
  for (const std::string path :
       // "/" is the waiting room page now (web front); its unknown neighbours stay 404.
       {"/index.htm", "/nope", "/api", "/api/v1", "/api/v1/nope", "/api/v2/concerts",
        "/healthz/extra", "/api/v1/concerts/1", "/api/v1/admin",
        "/api/v1/admin/concerts/1/schedules/2", "/API/V1/CONCERTS", "/openapi.yaml", "/metrics.txt",
        "/assets", "/seats/1"}) {
    BOOST_TEST_CONTEXT("GET " << path) {
      expect_problem(http->Get(path.c_str(), admin_headers()), 404, "ROUTE_NOT_FOUND");
    }
  }
  for (const std::string method : {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
    BOOST_TEST_CONTEXT(method << " /nope") {
      expect_problem(send(*http, method, "/nope", admin_headers(), method == "OPTIONS" ? "" : "{}"),
                     404, "ROUTE_NOT_FOUND");
    }
  }
}

// --- 405 ----------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(wrong_method_is_405_with_allow) {
  struct Case {
    std::string method;
    std::string path;
    std::string allowed;
  };
  const std::vector<Case> cases = {
      {"DELETE", "/healthz", "GET"},
      {"POST", "/healthz", "GET"},
      {"PUT", "/readyz", "GET"},
      {"PATCH", "/metrics", "GET"},
      {"POST", "/openapi.json", "GET"},
      {"OPTIONS", "/healthz", "GET"},  // no body: see a_body_on_get_head_options_...
      {"GET", "/api/v1/admin/users", "POST"},
      {"DELETE", "/api/v1/admin/users", "POST"},
      {"GET", "/api/v1/admin/concerts", "POST"},
      {"PUT", "/api/v1/admin/concerts/1/schedules", "POST"},
      {"GET", "/api/v1/admin/concerts/abc/schedules", "POST"},
      {"POST", "/api/v1/admin/cluster", "GET"},
      {"POST", "/api/v1/concerts", "GET"},
      {"DELETE", "/api/v1/concerts", "GET"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.method << " " << c.path) {
      const bool with_body = c.method == "POST" || c.method == "PUT" || c.method == "PATCH";
      const auto result = send(*http, c.method, c.path, admin_headers(), with_body ? "{}" : "");
      expect_problem(result, 405, "METHOD_NOT_ALLOWED");
      BOOST_TEST_REQUIRE(static_cast<bool>(result));
      BOOST_TEST_REQUIRE(result->has_header("Allow"));
      const auto allow = allowed_methods(result->get_header_value("Allow"));
      BOOST_TEST(contains(allow, c.allowed), result->get_header_value("Allow"));
      BOOST_TEST(!contains(allow, c.method), result->get_header_value("Allow"));
    }
  }
}

BOOST_AUTO_TEST_CASE(head_on_a_post_only_route_is_405) {
  const auto result = http->Head("/api/v1/admin/users", admin_headers());
  BOOST_TEST_REQUIRE(static_cast<bool>(result));
  BOOST_TEST(result->status == 405);
  BOOST_TEST(contains(allowed_methods(result->get_header_value("Allow")), "POST"));
}

BOOST_AUTO_TEST_CASE(trace_on_a_known_path_is_405) {
  // TRACE is an HTTP method like any other: a known path answers 405 with Allow, as for DELETE.
  const auto answer = raw_exchange(
      node.port(), "TRACE /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  expect_problem(answer, 405, "METHOD_NOT_ALLOWED");
  BOOST_TEST(contains(allowed_methods(answer.header("Allow")), "GET"), answer.headers);
}

// --- 413 ----------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(body_over_the_limit_is_413) {
  TestNode small{serve_config(fresh_database("error_mapping_413"), {"--max-body-bytes", "1024"})};
  auto client = small.client();
  const auto padded = [](std::size_t size) {  // a valid user body of exactly `size` bytes
    std::string body = R"({"name":"kim"})";
    body.insert(1, size - body.size(), ' ');
    return body;
  };

  const auto at_limit =
      client->Post("/api/v1/admin/users", admin_headers(), padded(1024), "application/json");
  BOOST_TEST_REQUIRE(static_cast<bool>(at_limit));
  BOOST_TEST(at_limit->status == 201, at_limit->body);

  for (const std::size_t size : {std::size_t{1025}, std::size_t{4096}, std::size_t{200000}}) {
    BOOST_TEST_CONTEXT("body of " << size << " bytes") {
      auto fresh = small.client();
      expect_problem(
          fresh->Post("/api/v1/admin/users", admin_headers(), padded(size), "application/json"),
          413, "PAYLOAD_TOO_LARGE");
    }
  }
  // The limit applies before the key is looked at, and on any path.
  expect_problem(small.client()->Post("/api/v1/admin/concerts", padded(1025), "application/json"),
                 413, "PAYLOAD_TOO_LARGE");
  expect_problem(small.client()->Post("/no/such/route", padded(1025), "application/json"), 413,
                 "PAYLOAD_TOO_LARGE");

  // The node keeps serving afterwards.
  const auto health = small.client()->Get("/healthz");
  BOOST_TEST_REQUIRE(static_cast<bool>(health));
  BOOST_TEST(health->status == 200);
}

BOOST_AUTO_TEST_CASE(chunked_bodies_are_decoded_within_the_limit_and_refused_beyond_it) {
  // Chunked framing in any letter case is decoded and bounded by --max-body-bytes; anything
  // the chunks cannot frame ends the connection, so no byte of it is read as a request.
  TestNode small{serve_config(fresh_database("error_mapping_chunk"), {"--max-body-bytes", "1024"})};
  const std::string head = "POST /api/v1/admin/users HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Admin-Key: " +
                           std::string(kAdminKey) + "\r\nContent-Type: application/json\r\n";
  {
    RawConnection connection(small.port());
    connection.write(
        head + "Transfer-Encoding: Chunked\r\n\r\n8\r\n{\"name\":\r\n6\r\n\"kim\"}\r\n0\r\n\r\n");
    const auto created = connection.read_answer();
    BOOST_TEST(created.status == 201, created.headers << "\n" << created.body);
    BOOST_TEST(json::parse(created.body, nullptr, false).value("name", "") == "kim");
    // The connection stays usable.
    connection.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    BOOST_TEST(connection.read_answer().status == 200);
  }
  const std::string smuggled =
      "POST /api/v1/admin/users HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Admin-Key: " +
      std::string(kAdminKey) + "\r\nContent-Length: 14\r\n\r\n{\"name\":\"eve\"}";
  const struct {
    std::string encoding, body;
    int status;
  } refused[] = {
      {"chunked", "400\r\n" + std::string(1024, ' ') + "\r\n1\r\n \r\n0\r\n\r\n", 413},
      {"chunked", "8\r\n{\"name\":\r\n" + smuggled, 400},
      {"chunked , gzip", "0\r\n\r\n" + smuggled, 400},
      {"gzip", smuggled, 400},
  };
  for (const auto& c : refused) {
    BOOST_TEST_CONTEXT("Transfer-Encoding: " << c.encoding << ", body " << c.body.substr(0, 12)) {
      RawConnection connection(small.port());
      connection.write(head + "Transfer-Encoding: " + c.encoding + "\r\n\r\n" + c.body);
      const auto first = connection.read_answer();
      expect_problem(first, c.status, c.status == 413 ? "PAYLOAD_TOO_LARGE" : "INVALID_REQUEST");
      BOOST_TEST(first.header("Connection") == "close");
      BOOST_TEST(connection.read_answer().status == 0);
    }
  }
  const auto users = small.client()->Post("/api/v1/admin/users", admin_headers(),
                                          R"({"name":"after"})", "application/json");
  BOOST_TEST_REQUIRE(static_cast<bool>(users));
  BOOST_TEST(users->status == 201);
  BOOST_TEST(json::parse(users->body).value("userId", 0) == 2);  // only kim before it
}

BOOST_AUTO_TEST_CASE(range_headers_are_ignored_on_api_answers) {
  // A multi-range request must not turn a JSON answer into a larger multipart one.
  RawConnection connection(node.port());
  connection.write(
      "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=0-0,0-0,0-0,0-0\r\n\r\n");
  const auto answer = connection.read_answer();
  BOOST_TEST(answer.status == 200);
  BOOST_TEST(starts_with(answer.header("Content-Type"), "application/json"), answer.headers);
  BOOST_TEST(json::parse(answer.body, nullptr, false).value("status", "") == "ok", answer.body);
  connection.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=zzz\r\n\r\n");
  BOOST_TEST(connection.read_answer().status == 200);  // not 416: the header is not read
}

BOOST_AUTO_TEST_CASE(a_write_without_content_length_has_an_empty_body_and_is_answered_at_once) {
  // RFC 9112 6.3: no Content-Length and no Transfer-Encoding is an empty body, not "read
  // until the client closes".
  RawConnection connection(node.port());
  connection.write("POST /api/v1/admin/users HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Admin-Key: " +
                   std::string(kAdminKey) + "\r\n\r\n");
  BOOST_TEST_REQUIRE(connection.readable_within(std::chrono::seconds(2)));
  expect_problem(connection.read_answer(), 400, "INVALID_REQUEST");
  connection.write("DELETE /api/v1/reservations/1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  BOOST_TEST_REQUIRE(connection.readable_within(std::chrono::seconds(2)));
  expect_problem(connection.read_answer(), 401, "TOKEN_INVALID");
}

BOOST_AUTO_TEST_CASE(negative_content_length_is_400) {
  // Content-Length is 1*DIGIT: "-5" is malformed framing (400), not a body over the limit.
  const auto answer =
      raw_exchange(node.port(),
                   "POST /api/v1/admin/users HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                   "X-Admin-Key: " +
                       std::string(kAdminKey) + "\r\nContent-Length: -5\r\n\r\n{}");
  expect_problem(answer, 400, "INVALID_REQUEST");
}

// --- request framing ----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_body_on_get_head_options_is_skipped_and_never_run_as_a_request) {
  // HTTP/1.1 frames a body by Content-Length whatever the method. If a server took a GET's
  // body for the start of the next request, a body shaped like a request would run as one
  // (request smuggling behind a proxy). The node reads the body, drops it, answers the
  // request, and goes on with what really follows.
  for (const std::string& method :
       {std::string("GET"), std::string("HEAD"), std::string("OPTIONS")}) {
    BOOST_TEST_CONTEXT(method << " /healthz with a body shaped like a request") {
      const std::string smuggled = "GET /smuggled HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
      RawConnection connection(node.port());
      connection.write(
          method + " /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " +
          std::to_string(smuggled.size()) + "\r\n\r\n" + smuggled +
          "GET /openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      const auto first = connection.read_answer(method == "HEAD");
      BOOST_TEST(first.status == (method == "OPTIONS" ? 405 : 200), first.headers);
      const auto second = connection.read_answer();
      BOOST_TEST(second.status == 200, "the body was run as a request:\n"
                                           << second.headers << "\n"
                                           << second.body);
      BOOST_TEST(second.body.find("openapi") != std::string::npos);
      BOOST_TEST(connection.read_answer().status == 0);
    }
  }
}

// --- malformed JSON -----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(malformed_json_is_400_invalid_request) {
  const auto concert = http->Post("/api/v1/admin/concerts", admin_headers(), R"({"title":"Gala"})",
                                  "application/json");
  BOOST_TEST_REQUIRE(static_cast<bool>(concert));
  BOOST_TEST_REQUIRE(concert->status == 201, concert->body);
  const auto concert_id = body_json(concert).at("concertId").get<std::int64_t>();
  const std::vector<std::string> paths = {
      "/api/v1/admin/users", "/api/v1/admin/concerts",
      "/api/v1/admin/concerts/" + std::to_string(concert_id) + "/schedules"};
  const std::vector<std::string> bodies = {"{",     "[]",           "null",          "",
                                           "\"x\"", "{\"name\": }", "{\"title\": }", "}",
                                           "true",  "42",           "{\"a\":1}}",    "\xff\xfe"};
  for (const auto& path : paths) {
    for (const auto& body : bodies) {
      BOOST_TEST_CONTEXT("POST " << path << " body \"" << body << "\"") {
        expect_problem(http->Post(path.c_str(), admin_headers(), body, "application/json"), 400,
                       "INVALID_REQUEST");
      }
    }
  }
  // A valid object followed by a NUL and more bytes is not JSON either.
  const std::string nul_and_garbage("{\"name\":\"kim\"}\0{\"junk", 21);
  expect_problem(
      http->Post("/api/v1/admin/users", admin_headers(), nul_and_garbage, "application/json"), 400,
      "INVALID_REQUEST");
}

BOOST_AUTO_TEST_CASE(content_type_does_not_turn_bad_input_into_500) {
  for (const std::string type : {"text/plain", "application/x-www-form-urlencoded",
                                 "multipart/form-data; boundary=xyz", "", "garbage/;;;"}) {
    BOOST_TEST_CONTEXT("Content-Type \"" << type << "\"") {
      const auto result =
          send(*http, "POST", "/api/v1/admin/users", admin_headers(), "name=kim", type);
      BOOST_TEST_REQUIRE(static_cast<bool>(result));
      BOOST_TEST(result->status == 400, result->body);
    }
  }
}

// --- no 500 for anything ------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(assorted_garbage_never_gets_a_5xx) {
  const auto concert = http->Post("/api/v1/admin/concerts", admin_headers(), R"({"title":"Gala"})",
                                  "application/json");
  BOOST_TEST_REQUIRE(static_cast<bool>(concert));
  const auto concert_id = std::to_string(body_json(concert).at("concertId").get<std::int64_t>());

  const std::vector<std::string> paths = {
      "/api/v1/admin/users",
      "/api/v1/admin/concerts",
      "/api/v1/admin/concerts/" + concert_id + "/schedules",
      "/api/v1/admin/concerts//schedules",
      "/api/v1/admin/concerts/99999999999999999999/schedules",
      "/api/v1/admin/concerts/-5/schedules",
      "/api/v1/admin/concerts/%00/schedules",
      "/api/v1/admin/concerts/%ff%fe/schedules",
      "/api/v1/admin/concerts/1%2F2/schedules",
      "/api/v1/admin/concerts/{concertId}/schedules",
      "/api/v1/admin/cluster",
      "/api/v1/concerts",
      "/api/v1//concerts",
      "//",
      "/..",
      "/api/v1/../../etc/passwd",
      "/healthz?x=%zz",
      "/api/v1/concerts?" + std::string(2000, 'q'),
      "/" + std::string(3000, 'a'),
  };
  const std::vector<std::string> methods = {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};

  std::mt19937 random(20261224);  // fixed seed: the same garbage every run
  const auto garbage = [&random](std::size_t size) {
    std::string bytes(size, '\0');
    for (auto& c : bytes) c = static_cast<char>(random() & 0xff);
    return bytes;
  };
  const std::vector<std::string> structured = {
      R"({"name": {"$gt": ""}})",
      R"({"name": "x", "name": 5})",
      R"({"title": "x"})" + std::string(100, ' '),
      R"({"startsAt": 1e400, "seatCount": -1e400, "seatPrice": 1e-400})",
      R"({"seatCount": 100000, "seatPrice": 9223372036854775807, "startsAt": "9999-12-31T23:59:59Z", "bookingOpensAt": "0000-01-01T00:00:00Z", "bookingClosesAt": "9999-12-31T23:59:59Z"})",
      R"({"seatCount": 1, "seatPrice": 0, "startsAt": "1970-01-01T00:00:00Z", "bookingOpensAt": "1969-12-31T23:59:59.999Z", "bookingClosesAt": "1970-01-01T00:00:00.001+23:59"})",
      std::string(500, '[') + std::string(500, ']'),
      std::string(20000, '{'),
      "{\"name\": \"" + std::string(50000, 'n') + "\"}",
      "{\"name\": \"\\u0000\\ud83d\\ude00\"}",
      R"({"title": "\ud800"})",
  };

  int requests = 0;
  for (std::size_t round = 0; round < 300; ++round) {
    const auto& path = paths[round % paths.size()];
    const auto& method = methods[(round / paths.size()) % methods.size()];
    std::string body;  // none on GET/OPTIONS (see a_body_on_get_head_options_...)
    if (method != "GET" && method != "OPTIONS") {
      switch (round % 4) {
        case 0: body = garbage(1 + random() % 2048); break;
        case 1: body = structured[round % structured.size()]; break;
        case 2: body = ""; break;
        default: body = garbage(random() % 64); break;
      }
    }
    httplib::Headers headers = admin_headers();
    if (round % 3 == 0)
      headers.emplace("X-Junk", std::string(4000, static_cast<char>('a' + round % 26)));
    if (round % 5 == 0) {
      auto id = garbage(40);  // any byte but the ones that end a header line
      for (auto& c : id)
        if (c == '\r' || c == '\n' || c == '\0') c = '?';
      headers.emplace("X-Request-Id", id);
    }
    if (round % 7 == 0) headers.emplace("Idempotency-Key", std::string(300, 'k'));
    const auto result = send(*http, method, path, headers, body,
                             round % 6 == 0 ? "application/octet-stream" : "application/json");
    BOOST_TEST_CONTEXT("#" << round << " " << method << " " << path.substr(0, 80)) {
      if (!result) {
        BOOST_TEST(false, "no answer: " << httplib::to_string(result.error()));
        http = node.client();
        continue;
      }
      ++requests;
      BOOST_TEST(result->status < 500, result->status << " " << result->body);
      BOOST_TEST(result->status >= 200);
      if (result->status >= 400 && method != "HEAD")
        BOOST_TEST(
            starts_with(result->get_header_value("Content-Type"), "application/problem+json"),
            result->status << " " << result->get_header_value("Content-Type"));
    }
  }
  BOOST_TEST(requests == 300);

  // The node is still healthy.
  const auto health = http->Get("/healthz");
  BOOST_TEST_REQUIRE(static_cast<bool>(health));
  BOOST_TEST(health->status == 200);
}

BOOST_AUTO_TEST_CASE(raw_garbage_requests_never_get_a_5xx) {
  const std::vector<std::string> requests = {
      "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      "GET /api/v1/admin/concerts//schedules HTTP/1.1\r\nConnection: close\r\n\r\n",
      "GET /api/v1/admin/concerts/99999999999999999999/schedules HTTP/1.1\r\nConnection: "
      "close\r\n\r\n",
      "POST /api/v1/admin/concerts/99999999999999999999/schedules HTTP/1.1\r\nConnection: close\r\n"
      "X-Admin-Key: test-admin-key\r\nContent-Length: 2\r\n\r\n{}",
      "POST /api/v1/admin/users HTTP/1.1\r\nConnection: close\r\nX-Admin-Key: test-admin-key\r\n"
      "Content-Length: abc\r\n\r\n{}",
      "POST /api/v1/admin/users HTTP/1.1\r\nConnection: close\r\nX-Admin-Key: test-admin-key\r\n"
      "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
      "GET /api/v1/concerts?%%%%=%% HTTP/1.1\r\nConnection: close\r\n\r\n",
      "GET /%2e%2e/%2e%2e/healthz HTTP/1.1\r\nConnection: close\r\n\r\n",
      "GET /api/v1/concerts%00 HTTP/1.1\r\nConnection: close\r\n\r\n",
      "GET /healthz%0d%0aX-Injected:%201 HTTP/1.1\r\nConnection: close\r\n\r\n",
      "GET healthz HTTP/1.1\r\nConnection: close\r\n\r\n",
      "GET * HTTP/1.1\r\nConnection: close\r\n\r\n",
      "GET http://127.0.0.1/healthz HTTP/1.1\r\nConnection: close\r\n\r\n",
      "GET /healthz HTTP/9.9\r\nConnection: close\r\n\r\n",
      "GET /healthz\r\n\r\n",
      "FOO /healthz HTTP/1.1\r\nConnection: close\r\n\r\n",
      "get /healthz HTTP/1.1\r\nConnection: close\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nNo colon here\r\nConnection: close\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nX-Request-Id: " + std::string(4000, 'r') +
          "\r\nConnection: close\r\n\r\n",
      std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not really TLS\r\n\r\n", 30),
  };
  int answered = 0;
  for (const auto& request : requests) {
    BOOST_TEST_CONTEXT("request " << request.substr(0, request.find('\r'))) {
      const auto answer = raw_exchange(node.port(), request);
      if (answer.status != 0) {
        ++answered;
        BOOST_TEST(answer.status < 500, answer.headers << "\n" << answer.body);
        if (answer.status >= 400)
          BOOST_TEST(starts_with(answer.header("Content-Type"), "application/problem+json"),
                     answer.headers);
      }
    }
  }
  BOOST_TEST(answered >= static_cast<int>(requests.size()) - 2);
  const auto health = http->Get("/healthz");
  BOOST_TEST_REQUIRE(static_cast<bool>(health));
  BOOST_TEST(health->status == 200);
}

BOOST_AUTO_TEST_CASE(garbage_methods_do_not_corrupt_metrics) {
  // A request line httplib refuses still reaches the metrics: its method must not break the
  // exposition format (nor add a series per garbage method).
  for (const std::string method : {"G\"ET", "X{}Y", "A\\B"}) {
    const auto answer = raw_exchange(
        node.port(), method + " /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    BOOST_TEST(answer.status < 500);
  }
  const auto metrics = http->Get("/metrics");
  BOOST_TEST_REQUIRE(static_cast<bool>(metrics));
  const std::regex comment(R"(^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*$)");
  const std::regex sample_line(
      R"re(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*",?)*\})? [-+]?([0-9.eE+-]+|Inf|NaN)$)re");
  std::istringstream lines(metrics->body);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    BOOST_TEST((std::regex_match(line, comment) || std::regex_match(line, sample_line)), line);
  }
}

BOOST_AUTO_TEST_SUITE_END()

#include <boost/test/unit_test.hpp>

// The web front's files: content types, ETag and 304, the security headers, --web-root,
// unknown files and path traversal.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "http/static_files.hpp"
#include "http/web_bundle.hpp"
#include "support/test_database.hpp"
#include "support/test_node.hpp"

namespace {

namespace fs = std::filesystem;
using boxoffice::http::content_type_for;
using boxoffice::http::embedded_web_files;
using boxoffice::http::etag_for;
using boxoffice::http::etag_matches;
using boxoffice::http::is_plain_relative_path;
using boxoffice::http::StaticFiles;
using boxoffice::testing::body_json;
using boxoffice::testing::fresh_database;
using boxoffice::testing::serve_config;
using boxoffice::testing::TestNode;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A folder of its own under the temp directory, removed at the end of the test.
struct TempFolder {
  fs::path path;
  TempFolder() {
    std::random_device random;
    path = fs::temp_directory_path() /
           ("boxoffice-web-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    fs::create_directories(path / "assets");
  }
  ~TempFolder() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  void write(const std::string& relative, const std::string& text) const {
    std::ofstream(path / relative, std::ios::binary | std::ios::trunc) << text;
  }
};

// Sends `request_line` as is (no client-side normalisation) and returns the whole answer.
std::string raw_request(int port, const std::string& request_line) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return "";
  }
  const std::string request = request_line + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (::send(fd, request.data(), request.size(), 0) < 0) {
    ::close(fd);
    return "";
  }
  std::string answer;
  char buffer[4096];
  ssize_t n = 0;
  while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0)
    answer.append(buffer, static_cast<std::size_t>(n));
  ::close(fd);
  return answer;
}

struct WebFixture {
  TestNode node{serve_config(fresh_database("static_files"))};
  std::unique_ptr<httplib::Client> http = node.client();
};

}  // namespace

BOOST_AUTO_TEST_SUITE(static_files)

BOOST_AUTO_TEST_CASE(content_types_follow_the_extension) {
  BOOST_TEST(content_type_for("index.html") == "text/html; charset=utf-8");
  BOOST_TEST(content_type_for("assets/style.css") == "text/css; charset=utf-8");
  BOOST_TEST(content_type_for("assets/app.js") == "text/javascript; charset=utf-8");
  BOOST_TEST(content_type_for("assets/icon.svg") == "image/svg+xml");
  BOOST_TEST(content_type_for("assets/logo.png") == "image/png");
  BOOST_TEST(content_type_for("assets/blob.bin") == "application/octet-stream");
  BOOST_TEST(content_type_for("html") == "application/octet-stream");
}

BOOST_AUTO_TEST_CASE(plain_relative_paths_only) {
  for (const char* good : {"index.html", "assets/app.js", "assets/a-b_c.1.css"})
    BOOST_TEST(is_plain_relative_path(good), good);
  for (const char* bad : {"", "/etc/passwd", "../x", "assets/../../x", "assets/..", ".env",
                          "assets/.hidden", "a//b", "a/", "a\\b", "a b", "a%2e", "assets/./x"})
    BOOST_TEST(!is_plain_relative_path(bad), bad);
}

BOOST_AUTO_TEST_CASE(etags_change_with_the_content_and_match_if_none_match) {
  const auto tag = etag_for("hello");
  BOOST_TEST(tag.size() == 18U);
  BOOST_TEST(tag.front() == '"');
  BOOST_TEST(tag != etag_for("hello!"));
  BOOST_TEST(tag == etag_for("hello"));
  BOOST_TEST(etag_matches(tag, tag));
  BOOST_TEST(etag_matches("\"other\", " + tag, tag));
  BOOST_TEST(etag_matches("W/" + tag, tag));
  BOOST_TEST(etag_matches("*", tag));
  BOOST_TEST(!etag_matches("\"other\"", tag));
  BOOST_TEST(!etag_matches("", tag));
}

BOOST_AUTO_TEST_CASE(every_embedded_file_has_a_known_type_and_no_inline_code) {
  const auto& files = embedded_web_files();
  BOOST_TEST_REQUIRE(!files.empty());
  bool has_index = false;
  bool has_ops = false;
  bool has_seats = false;
  for (const auto& file : files) {
    BOOST_TEST_CONTEXT(file.path) {
      const std::string path(file.path);
      has_index = has_index || path == "index.html";
      has_ops = has_ops || path == "ops.html";
      has_seats = has_seats || path == "seats.html";
      BOOST_TEST(content_type_for(path) != "application/octet-stream");
      BOOST_TEST(is_plain_relative_path(path));
      if (path.size() > 5 && path.substr(path.size() - 5) == ".html") {
        const std::string text(file.body);
        // The Content-Security-Policy would block these: none may be written.
        BOOST_TEST(!contains(text, "<script>"));
        BOOST_TEST(!contains(text, "<style"));
        BOOST_TEST(!contains(text, " style="));
        BOOST_TEST(!contains(text, " onclick="));
        BOOST_TEST(!contains(text, "http://"));
        BOOST_TEST(!contains(text, "https://"));
      }
    }
  }
  BOOST_TEST(has_index);
  BOOST_TEST(has_ops);
  BOOST_TEST(has_seats);
}

BOOST_AUTO_TEST_CASE(refuses_paths_out_of_the_web_root_even_through_a_link) {
  TempFolder root;
  TempFolder outside;
  root.write("index.html", "inside");
  outside.write("secret.txt", "secret");
  fs::create_symlink(outside.path / "secret.txt", root.path / "assets" / "leak.txt");
  const StaticFiles files(root.path);
  BOOST_TEST(files.find("index.html").has_value());
  BOOST_TEST(files.find("index.html")->body == "inside");
  BOOST_TEST(!files.find("assets/leak.txt").has_value());
  BOOST_TEST(!files.find("../" + outside.path.filename().string() + "/secret.txt").has_value());
  BOOST_TEST(!files.find("assets").has_value());  // a folder is no file
  BOOST_TEST(!files.find("missing.html").has_value());
}

BOOST_FIXTURE_TEST_CASE(serves_the_pages_with_their_headers, WebFixture) {
  for (const auto& [path, marker] : std::vector<std::pair<std::string, std::string>>{
           {"/", "Waiting room"}, {"/seats", "Choose your seat"}, {"/ops", "Operators"}}) {
    BOOST_TEST_CONTEXT(path) {
      const auto result = http->Get(path);
      BOOST_TEST_REQUIRE(static_cast<bool>(result));
      BOOST_TEST(result->status == 200);
      BOOST_TEST(result->get_header_value("Content-Type") == "text/html; charset=utf-8");
      BOOST_TEST(contains(result->body, marker));
      const auto policy = result->get_header_value("Content-Security-Policy");
      BOOST_TEST(contains(policy, "default-src 'self'"), policy);
      BOOST_TEST(contains(policy, "script-src 'self'"), policy);
      BOOST_TEST(contains(policy, "style-src 'self'"), policy);
      BOOST_TEST(contains(policy, "frame-ancestors 'none'"), policy);
      BOOST_TEST(!contains(policy, "unsafe-inline"), policy);
      BOOST_TEST(!contains(policy, "unsafe-eval"), policy);
      BOOST_TEST(result->get_header_value("X-Content-Type-Options") == "nosniff");
      BOOST_TEST(result->get_header_value("Cache-Control") == "no-cache");
      BOOST_TEST(!result->get_header_value("ETag").empty());
    }
  }
}

BOOST_FIXTURE_TEST_CASE(serves_assets_with_their_content_type, WebFixture) {
  const auto css = http->Get("/assets/style.css");
  BOOST_TEST_REQUIRE(static_cast<bool>(css));
  BOOST_TEST(css->status == 200);
  BOOST_TEST(css->get_header_value("Content-Type") == "text/css; charset=utf-8");
  const auto js = http->Get("/assets/waiting-room.js");
  BOOST_TEST_REQUIRE(static_cast<bool>(js));
  BOOST_TEST(js->status == 200);
  BOOST_TEST(js->get_header_value("Content-Type") == "text/javascript; charset=utf-8");
  BOOST_TEST(js->get_header_value("X-Content-Type-Options") == "nosniff");
  const auto svg = http->Get("/assets/icon.svg");
  BOOST_TEST_REQUIRE(static_cast<bool>(svg));
  BOOST_TEST(svg->get_header_value("Content-Type") == "image/svg+xml");
}

BOOST_FIXTURE_TEST_CASE(answers_304_when_the_etag_matches, WebFixture) {
  const auto first = http->Get("/assets/style.css");
  BOOST_TEST_REQUIRE(static_cast<bool>(first));
  const auto tag = first->get_header_value("ETag");
  BOOST_TEST_REQUIRE(!tag.empty());

  const auto again = http->Get("/assets/style.css", httplib::Headers{{"If-None-Match", tag}});
  BOOST_TEST_REQUIRE(static_cast<bool>(again));
  BOOST_TEST(again->status == 304);
  BOOST_TEST(again->body.empty());
  BOOST_TEST(again->get_header_value("ETag") == tag);

  const auto weak = http->Get("/assets/style.css", httplib::Headers{{"If-None-Match", "W/" + tag}});
  BOOST_TEST_REQUIRE(static_cast<bool>(weak));
  BOOST_TEST(weak->status == 304);

  const auto other = http->Get("/assets/style.css", httplib::Headers{{"If-None-Match", "\"x\""}});
  BOOST_TEST_REQUIRE(static_cast<bool>(other));
  BOOST_TEST(other->status == 200);
  BOOST_TEST(other->body == first->body);

  const auto page = http->Get("/");
  BOOST_TEST_REQUIRE(static_cast<bool>(page));
  BOOST_TEST(page->get_header_value("ETag") != tag);  // one tag per content
}

BOOST_FIXTURE_TEST_CASE(head_answers_the_headers_without_the_body, WebFixture) {
  const auto result = http->Head("/ops");
  BOOST_TEST_REQUIRE(static_cast<bool>(result));
  BOOST_TEST(result->status == 200);
  BOOST_TEST(result->body.empty());
  BOOST_TEST(!result->get_header_value("ETag").empty());
}

BOOST_FIXTURE_TEST_CASE(unknown_files_are_route_not_found, WebFixture) {
  for (const std::string path : {"/assets/missing.js", "/index.html", "/assets/", "/nope",
                                 "/assets/.hidden", "/ops/extra"}) {
    BOOST_TEST_CONTEXT(path) {
      const auto result = http->Get(path);
      BOOST_TEST_REQUIRE(static_cast<bool>(result));
      BOOST_TEST(result->status == 404);
      BOOST_TEST(result->get_header_value("Content-Type") == "application/problem+json");
      BOOST_TEST(body_json(result).value("code", "") == "ROUTE_NOT_FOUND", result->body);
    }
  }
  const auto post = http->Post("/", "{}", "application/json");
  BOOST_TEST_REQUIRE(static_cast<bool>(post));
  BOOST_TEST(post->status == 405);
}

BOOST_FIXTURE_TEST_CASE(path_traversal_finds_nothing, WebFixture) {
  for (const std::string target :
       {"/assets/../../../../etc/passwd", "/assets/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/assets/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/assets/..", "/assets/%2e%2e",
        "/assets/..%2Findex.html", "/assets/....//....//etc/passwd"}) {
    BOOST_TEST_CONTEXT(target) {
      const auto answer = raw_request(node.port(), "GET " + target + " HTTP/1.1");
      BOOST_TEST_REQUIRE(!answer.empty());
      BOOST_TEST(contains(answer.substr(0, 20), " 404 "), answer.substr(0, 200));
      BOOST_TEST(!contains(answer, "root:"));
      BOOST_TEST(!contains(answer, "<!doctype html>"));
    }
  }
}

BOOST_AUTO_TEST_CASE(web_root_serves_a_folder_and_sees_edits) {
  TempFolder root;
  root.write("index.html", "<!doctype html><title>dev</title>first");
  root.write("assets/app.js", "export const x = 1;\n");
  TestNode node{
      serve_config(fresh_database("static_files_root"), {"--web-root", root.path.string()})};
  auto http = node.client();

  const auto first = http->Get("/");
  BOOST_TEST_REQUIRE(static_cast<bool>(first));
  BOOST_TEST(first->status == 200);
  BOOST_TEST(first->body == "<!doctype html><title>dev</title>first");
  BOOST_TEST(!first->get_header_value("Content-Security-Policy").empty());

  root.write("index.html", "<!doctype html><title>dev</title>second");
  const auto second =
      http->Get("/", httplib::Headers{{"If-None-Match", first->get_header_value("ETag")}});
  BOOST_TEST_REQUIRE(static_cast<bool>(second));
  BOOST_TEST(second->status == 200);
  BOOST_TEST(second->body == "<!doctype html><title>dev</title>second");
  BOOST_TEST(second->get_header_value("ETag") != first->get_header_value("ETag"));

  const auto script = http->Get("/assets/app.js");
  BOOST_TEST_REQUIRE(static_cast<bool>(script));
  BOOST_TEST(script->get_header_value("Content-Type") == "text/javascript; charset=utf-8");

  // What the folder lacks is missing, even though the binary has it built in.
  const auto ops = http->Get("/ops");
  BOOST_TEST_REQUIRE(static_cast<bool>(ops));
  BOOST_TEST(ops->status == 404);
  BOOST_TEST(body_json(ops).value("code", "") == "ROUTE_NOT_FOUND");

  const auto traversal = raw_request(node.port(), "GET /assets/..%2F..%2Fetc%2Fpasswd HTTP/1.1");
  BOOST_TEST(contains(traversal.substr(0, 20), " 404 "), traversal.substr(0, 200));
}

BOOST_AUTO_TEST_SUITE_END()

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "config/values.hpp"

namespace boxoffice::config {
namespace {

// Printable forms, so a failing check shows what the parser returned.
std::string shown(const std::optional<std::chrono::milliseconds>& value) {
  return value ? std::to_string(value->count()) + "ms" : "refused";
}

std::string shown(const std::optional<std::int64_t>& value) {
  return value ? std::to_string(*value) : "refused";
}

std::string shown(const std::optional<HostPort>& value) {
  return value ? "{" + value->host + "}:" + std::to_string(value->port) : "refused";
}

std::string shown(const std::optional<std::vector<HostPort>>& value) {
  if (!value) return "refused";
  std::string out;
  for (const auto& item : *value) out += (out.empty() ? "" : ",") + item.to_string();
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(config_values)

BOOST_AUTO_TEST_SUITE(duration)

BOOST_AUTO_TEST_CASE(reads_each_unit) {
  BOOST_TEST(shown(parse_duration("1500ms")) == "1500ms");
  BOOST_TEST(shown(parse_duration("2s")) == "2000ms");
  BOOST_TEST(shown(parse_duration("5m")) == "300000ms");
  BOOST_TEST(shown(parse_duration("1h")) == "3600000ms");
  BOOST_TEST(shown(parse_duration("1ms")) == "1ms");
}

BOOST_AUTO_TEST_CASE(reads_the_largest_number_without_overflow) {
  BOOST_TEST(shown(parse_duration("999999999999h")) == "3599999999996400000ms");
}

BOOST_AUTO_TEST_CASE(refuses_zero_negative_fractional_and_unitless_values) {
  for (const std::string text :
       {"0s", "0ms", "-1s", "1.5s", "5", "s", "10d", "", "1 s", " 1s", "1s ", "1S", "1sec", "+1s",
        "1m30s", "0x10s", "99999999999999999999h"}) {
    BOOST_TEST_CONTEXT("\"" << text << "\"") {
      BOOST_TEST(shown(parse_duration(text)) == "refused");
    }
  }
}

BOOST_AUTO_TEST_CASE(zero_is_allowed_only_where_asked_for) {
  BOOST_TEST(shown(parse_duration_or_zero("0s")) == "0ms");
  BOOST_TEST(shown(parse_duration_or_zero("0ms")) == "0ms");
  BOOST_TEST(shown(parse_duration_or_zero("4s")) == "4000ms");
  for (const std::string text : {"0", "-1s", "", "0.5s"}) {
    BOOST_TEST_CONTEXT("\"" << text << "\"") {
      BOOST_TEST(shown(parse_duration_or_zero(text)) == "refused");
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(count)

BOOST_AUTO_TEST_CASE(accepts_both_bounds) {
  BOOST_TEST(shown(parse_count("1", 1, 100)) == "1");
  BOOST_TEST(shown(parse_count("100", 1, 100)) == "100");
  BOOST_TEST(shown(parse_count("0", 0, 0)) == "0");
}

BOOST_AUTO_TEST_CASE(refuses_values_just_outside_the_bounds) {
  BOOST_TEST(shown(parse_count("0", 1, 100)) == "refused");
  BOOST_TEST(shown(parse_count("101", 1, 100)) == "refused");
  BOOST_TEST(shown(parse_count("-1", 0, 100)) == "refused");
}

BOOST_AUTO_TEST_CASE(reads_the_full_int64_range) {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  BOOST_TEST(shown(parse_count("9223372036854775807", 1, kMax)) == "9223372036854775807");
  BOOST_TEST(shown(parse_count("9223372036854775808", 1, kMax)) == "refused");
}

BOOST_AUTO_TEST_CASE(refuses_text_that_is_not_a_plain_decimal_integer) {
  for (const std::string text :
       {"", "abc", "12abc", "1.0", "1e3", " 5", "5 ", "+5", "0x10", "1,000"}) {
    BOOST_TEST_CONTEXT("\"" << text << "\"") {
      BOOST_TEST(shown(parse_count(text, 0, 1'000'000)) == "refused");
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(host_port)

BOOST_AUTO_TEST_CASE(reads_an_ipv4_address) {
  BOOST_TEST(shown(parse_host_port("127.0.0.1:8080")) == "{127.0.0.1}:8080");
}

BOOST_AUTO_TEST_CASE(reads_a_hostname) {
  BOOST_TEST(shown(parse_host_port("node-2.internal:7001")) == "{node-2.internal}:7001");
}

BOOST_AUTO_TEST_CASE(reads_a_bracketed_ipv6_address_without_the_brackets) {
  BOOST_TEST(shown(parse_host_port("[::1]:8080")) == "{::1}:8080");
  BOOST_TEST(shown(parse_host_port("[fe80::1]:1")) == "{fe80::1}:1");
}

BOOST_AUTO_TEST_CASE(accepts_ports_0_and_65535) {
  BOOST_TEST(shown(parse_host_port("localhost:0")) == "{localhost}:0");
  BOOST_TEST(shown(parse_host_port("localhost:65535")) == "{localhost}:65535");
}

BOOST_AUTO_TEST_CASE(refuses_malformed_addresses) {
  for (const std::string text :
       {"localhost", "localhost:", ":8080", "localhost:65536", "localhost:-1", "localhost:http", "",
        "[::1]", "[::1]:", "[::1]8080", "[]:8080", "::1:8080", "[::1:8080", "my host:80", "a/b:80",
        "a,b:80", "localhost:80 "}) {
    BOOST_TEST_CONTEXT("\"" << text << "\"") {
      BOOST_TEST(shown(parse_host_port(text)) == "refused");
    }
  }
}

BOOST_AUTO_TEST_CASE(prints_ipv6_hosts_in_brackets) {
  BOOST_TEST((HostPort{"::1", 8080}.to_string()) == "[::1]:8080");
  BOOST_TEST((HostPort{"127.0.0.1", 8080}.to_string()) == "127.0.0.1:8080");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(host_port_list)

BOOST_AUTO_TEST_CASE(reads_one_address) {
  BOOST_TEST(shown(parse_host_port_list("10.0.0.2:7001")) == "10.0.0.2:7001");
}

BOOST_AUTO_TEST_CASE(reads_several_addresses_in_order) {
  BOOST_TEST(shown(parse_host_port_list("a:1,[::1]:2,c:3")) == "a:1,[::1]:2,c:3");
}

BOOST_AUTO_TEST_CASE(refuses_empty_items_and_bad_addresses) {
  for (const std::string text : {"", ",", "a:1,", ",a:1", "a:1,,b:2", "a:1,b", "a:1, b:2"}) {
    BOOST_TEST_CONTEXT("\"" << text << "\"") {
      BOOST_TEST(shown(parse_host_port_list(text)) == "refused");
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(database_url)

BOOST_AUTO_TEST_CASE(reads_a_relative_sqlite_path) {
  const auto target = parse_database_url("sqlite:var/x.db");
  BOOST_TEST_REQUIRE(target.has_value());
  BOOST_TEST((target->kind == DatabaseKind::sqlite));
  BOOST_TEST(target->sqlite_path == "var/x.db");
  BOOST_TEST(target->url == "sqlite:var/x.db");
  BOOST_TEST(target->connect_string.find("db=var/x.db") != std::string::npos,
             target->connect_string);
}

BOOST_AUTO_TEST_CASE(reads_an_absolute_sqlite_path) {
  const auto target = parse_database_url("sqlite:///tmp/box.db");
  BOOST_TEST_REQUIRE(target.has_value());
  BOOST_TEST((target->kind == DatabaseKind::sqlite));
  BOOST_TEST(target->sqlite_path == "/tmp/box.db");
}

BOOST_AUTO_TEST_CASE(reads_postgresql_urls_with_either_scheme_into_libpq_keywords) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"postgresql://u@h:5432/db", "user='u' port='5432' host='h' dbname='db'"},
      {"postgres://u@h:5432/db", "user='u' port='5432' host='h' dbname='db'"},
      {"postgresql://u:secret@db.internal/boxoffice",
       "user='u' password='secret' host='db.internal' dbname='boxoffice'"},
      {"postgresql://u:p%40ss%27w@[::1]:6543/my%20db?options=-csearch_path%3Dx&sslmode=disable",
       "user='u' password='p@ss\\'w' port='6543' host='::1' dbname='my db' "
       "options='-csearch_path=x' sslmode='disable'"},
  };
  for (const auto& [url, keywords] : cases) {
    BOOST_TEST_CONTEXT(url) {
      const auto target = parse_database_url(url);
      BOOST_TEST_REQUIRE(target.has_value());
      BOOST_TEST((target->kind == DatabaseKind::postgresql));
      BOOST_TEST(target->url == url);
      BOOST_TEST(target->connect_string == keywords);
      BOOST_TEST(target->sqlite_path.empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(refuses_malformed_postgresql_urls) {
  for (const std::string url :
       {"postgresql://u@h:notaport/db", "postgresql://u@h/db?novalue",
        "postgresql://u@h/db?bad%zz=1", "postgresql://u@[::1/db", "postgresql://u@h:70000/db"}) {
    BOOST_TEST_CONTEXT(url) {
      BOOST_TEST(!parse_database_url(url).has_value());
    }
  }
}

BOOST_AUTO_TEST_CASE(refuses_other_schemes_and_empty_targets) {
  for (const std::string url :
       {"mysql://u@h/db", "mysql://", "sqlite:", "sqlite://", "postgresql://", "postgres://", "",
        "var/x.db", "SQLITE:var/x.db", "sqlite:var/my db.db"}) {
    BOOST_TEST_CONTEXT("\"" << url << "\"") {
      BOOST_TEST(!parse_database_url(url).has_value());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::config

#include "config/values.hpp"

#include <cctype>
#include <charconv>
#include <limits>

namespace boxoffice::config {

std::string HostPort::to_string() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

std::optional<std::chrono::milliseconds> parse_duration_or_zero(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0 || digits > 12) return std::nullopt;
  std::int64_t number = 0;
  std::from_chars(text.data(), text.data() + digits, number);
  const std::string_view unit = text.substr(digits);
  std::int64_t factor = 0;
  if (unit == "ms")
    factor = 1;
  else if (unit == "s")
    factor = 1000;
  else if (unit == "m")
    factor = 60'000;
  else if (unit == "h")
    factor = 3'600'000;
  else
    return std::nullopt;
  return std::chrono::milliseconds(number * factor);
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  auto duration = parse_duration_or_zero(text);
  if (duration && duration->count() <= 0) return std::nullopt;
  return duration;
}

std::optional<std::int64_t> parse_count(std::string_view text, std::int64_t min, std::int64_t max) {
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (value < min || value > max) return std::nullopt;
  return value;
}

std::optional<HostPort> parse_host_port(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return std::nullopt;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return std::nullopt;
  }
  if (host.empty()) return std::nullopt;
  for (const char c : host)
    if (c == ' ' || c == '/' || c == ',' || static_cast<unsigned char>(c) < 0x21)
      return std::nullopt;
  const auto number = parse_count(port, 0, 65535);
  if (!number) return std::nullopt;
  return HostPort{std::string(host), static_cast<std::uint16_t>(*number)};
}

std::optional<std::vector<HostPort>> parse_host_port_list(std::string_view text) {
  std::vector<HostPort> out;
  while (true) {
    const auto comma = text.find(',');
    const auto item = parse_host_port(text.substr(0, comma));
    if (!item) return std::nullopt;
    out.push_back(*item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

namespace {

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    int value = 0;
    const auto [end, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
    if (ec != std::errc() || end != text.data() + i + 3) return std::nullopt;
    out.push_back(static_cast<char>(value));
    i += 2;
  }
  return out;
}

// A libpq keyword=value pair, the value single-quoted with \ and ' escaped.
std::string keyword(const std::string& name, const std::string& value) {
  std::string quoted;
  for (const char c : value) {
    if (c == '\\' || c == '\'') quoted.push_back('\\');
    quoted.push_back(c);
  }
  return name + "='" + quoted + "' ";
}

// postgresql://[user[:password]@][host][:port][/dbname][?key=value&...] in libpq's
// keyword=value form (SOCI's backend mangles URIs that carry parameters).
std::optional<std::string> libpq_keywords(std::string_view rest) {
  std::string out;
  std::string_view query;
  if (const auto question = rest.find('?'); question != std::string_view::npos) {
    query = rest.substr(question + 1);
    rest = rest.substr(0, question);
  }
  std::string_view authority = rest;
  std::string_view path;
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    authority = rest.substr(0, slash);
    path = rest.substr(slash + 1);
  }
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    const auto userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const auto colon = userinfo.find(':');
    const auto user = percent_decode(userinfo.substr(0, colon));
    if (!user) return std::nullopt;
    if (!user->empty()) out += keyword("user", *user);
    if (colon != std::string_view::npos) {
      const auto password = percent_decode(userinfo.substr(colon + 1));
      if (!password) return std::nullopt;
      out += keyword("password", *password);
    }
  }
  std::string_view host = authority;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(1, close - 1);
    authority = authority.substr(close + 1);
    if (!authority.empty() && authority.front() != ':') return std::nullopt;
    if (!authority.empty()) {
      if (!parse_count(authority.substr(1), 1, 65535)) return std::nullopt;
      out += keyword("port", std::string(authority.substr(1)));
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    if (!parse_count(authority.substr(colon + 1), 1, 65535)) return std::nullopt;
    out += keyword("port", std::string(authority.substr(colon + 1)));
  }
  const auto decoded_host = percent_decode(host);
  if (!decoded_host) return std::nullopt;
  if (!decoded_host->empty()) out += keyword("host", *decoded_host);
  const auto dbname = percent_decode(path);
  if (!dbname) return std::nullopt;
  if (!dbname->empty()) out += keyword("dbname", *dbname);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    const auto equals = pair.find('=');
    if (equals == std::string_view::npos || equals == 0) return std::nullopt;
    const auto name = percent_decode(pair.substr(0, equals));
    const auto value = percent_decode(pair.substr(equals + 1));
    if (!name || !value) return std::nullopt;
    for (const char c : *name)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return std::nullopt;
    out += keyword(*name, *value);
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  if (out.empty()) return std::nullopt;
  out.pop_back();
  return out;
}

}  // namespace

std::optional<DatabaseTarget> parse_database_url(std::string_view text) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (text.substr(0, kSqlite.size()) == kSqlite) {
    std::string_view path = text.substr(kSqlite.size());
    if (path.substr(0, 2) == "//") path.remove_prefix(2);
    if (path.empty() || path.find_first_of(" \t\n") != std::string_view::npos) return std::nullopt;
    DatabaseTarget target;
    target.kind = DatabaseKind::sqlite;
    target.url = std::string(text);
    target.sqlite_path = std::string(path);
    target.connect_string = "db=" + target.sqlite_path + " timeout=10";
    return target;
  }
  for (const std::string_view scheme : {"postgresql://", "postgres://"}) {
    if (text.substr(0, scheme.size()) == scheme) {
      if (text.size() == scheme.size()) return std::nullopt;
      auto keywords = libpq_keywords(text.substr(scheme.size()));
      if (!keywords) return std::nullopt;
      DatabaseTarget target;
      target.kind = DatabaseKind::postgresql;
      target.url = std::string(text);
      target.connect_string = std::move(*keywords);
      return target;
    }
  }
  return std::nullopt;
}

}  // namespace boxoffice::config

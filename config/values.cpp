#include "config/values.hpp"

#include <charconv>
#include <limits>

namespace boxoffice::config {

std::string HostPort::to_string() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0 || digits > 12) return std::nullopt;
  std::int64_t number = 0;
  std::from_chars(text.data(), text.data() + digits, number);
  const std::string_view unit = text.substr(digits);
  std::int64_t factor = 0;
  if (unit == "ms") factor = 1;
  else if (unit == "s") factor = 1000;
  else if (unit == "m") factor = 60'000;
  else if (unit == "h") factor = 3'600'000;
  else return std::nullopt;
  if (number <= 0) return std::nullopt;
  return std::chrono::milliseconds(number * factor);
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
    if (c == ' ' || c == '/' || c == ',' || static_cast<unsigned char>(c) < 0x21) return std::nullopt;
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
      DatabaseTarget target;
      target.kind = DatabaseKind::postgresql;
      target.url = std::string(text);
      target.connect_string = std::string(text);  // libpq understands the URI form itself
      return target;
    }
  }
  return std::nullopt;
}

}  // namespace boxoffice::config

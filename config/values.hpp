#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace boxoffice::config {

// Parsers for single setting values; each returns nullopt when the text is not valid.
// "1500ms", "2s", "5m", "1h" -> milliseconds; must be > 0.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
// The same, "0s" and "0ms" (any unit) allowed: for a wait that may be skipped.
std::optional<std::chrono::milliseconds> parse_duration_or_zero(std::string_view text);
// Decimal integer within [min, max].
std::optional<std::int64_t> parse_count(std::string_view text, std::int64_t min, std::int64_t max);
// "host:port" or "[v6]:port".
std::optional<HostPort> parse_host_port(std::string_view text);
// "a:1,b:2" (no empty items).
std::optional<std::vector<HostPort>> parse_host_port_list(std::string_view text);
// "sqlite:PATH" or "postgresql://user@host:port/db" (also "postgres://").
std::optional<DatabaseTarget> parse_database_url(std::string_view text);

}  // namespace boxoffice::config

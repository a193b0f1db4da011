#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/clock.hpp"

namespace boxoffice::domain {

// "2026-12-24T19:00:00Z", with ".123" milliseconds when they are not zero.
std::string format_rfc3339(TimeMs time);

// Accepts RFC 3339 date-times with 'Z' or a "+hh:mm" offset and optional fractions
// (truncated to milliseconds). Anything else is nullopt.
std::optional<TimeMs> parse_rfc3339(std::string_view text);

}  // namespace boxoffice::domain

#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "domain/result.hpp"

namespace boxoffice::http {

// Parses a request body that must be one JSON object. Numbers too large for a double
// (1e400) parse as a non-integer instead of failing the whole body, so that a field rule
// can name them.
domain::Result<nlohmann::json> parse_object(std::string_view body);

// Required field rules; each refusal is INVALID_REQUEST naming the field.
domain::Result<std::int64_t> positive_id_field(const nlohmann::json& object, const char* field);
domain::Result<std::int64_t> integer_field(const nlohmann::json& object, const char* field);
domain::Result<std::string> string_field(const nlohmann::json& object, const char* field);

// A JSON integer that fits in int64 (not 1.5, not "100", not 1e400), else nullopt.
std::optional<std::int64_t> as_int64(const nlohmann::json& value);

// A positive decimal id from a path segment or query value.
std::optional<std::int64_t> parse_id(std::string_view text);

}  // namespace boxoffice::http

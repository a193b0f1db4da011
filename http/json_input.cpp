#include "http/json_input.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace boxoffice::http {

using domain::ErrorCode;
using domain::make_error;

namespace {

bool is_number_char(char c) {
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

// Rewrites number literals outside strings that overflow a double (1e400) as 0.5, which
// every field rule refuses as "not an integer" with the field's own error code.
std::string tame_overflowing_numbers(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < text.size())
        out.push_back(text[++i]);
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
      out.push_back(c);
      continue;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      std::size_t end = i;
      while (end < text.size() && is_number_char(text[end])) ++end;
      const std::string literal(text.substr(i, end - i));
      const double value = std::strtod(literal.c_str(), nullptr);
      out += std::isinf(value) ? std::string("0.5") : literal;
      i = end - 1;
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

domain::Result<nlohmann::json> parse_object(std::string_view body) {
  if (body.empty())
    return make_error(ErrorCode::invalid_request, "request body must be a JSON object");
  // nlohmann stops at a NUL byte; whatever follows it must not be silently ignored.
  if (body.find('\0') != std::string_view::npos)
    return make_error(ErrorCode::invalid_request, "request body is not valid JSON (NUL byte)");
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_discarded())
    parsed = nlohmann::json::parse(tame_overflowing_numbers(body), nullptr, false);
  if (parsed.is_discarded())
    return make_error(ErrorCode::invalid_request, "request body is not valid JSON");
  if (!parsed.is_object())
    return make_error(ErrorCode::invalid_request, "request body must be a JSON object");
  return parsed;
}

std::optional<std::int64_t> as_int64(const nlohmann::json& value) {
  if (value.is_number_unsigned()) {
    const auto number = value.get<std::uint64_t>();
    if (number > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return std::nullopt;
    return static_cast<std::int64_t>(number);
  }
  if (value.is_number_integer()) return value.get<std::int64_t>();
  return std::nullopt;
}

domain::Result<std::int64_t> integer_field(const nlohmann::json& object, const char* field) {
  const auto it = object.find(field);
  if (it == object.end())
    return make_error(ErrorCode::invalid_request, std::string(field) + " is required");
  const auto value = as_int64(*it);
  if (!value)
    return make_error(ErrorCode::invalid_request, std::string(field) + " must be a JSON integer");
  return *value;
}

domain::Result<std::int64_t> positive_id_field(const nlohmann::json& object, const char* field) {
  auto value = integer_field(object, field);
  if (!value) return value;
  if (value.value() <= 0)
    return make_error(ErrorCode::invalid_request,
                      std::string(field) + " must be a positive integer");
  return value;
}

domain::Result<std::string> string_field(const nlohmann::json& object, const char* field) {
  const auto it = object.find(field);
  if (it == object.end())
    return make_error(ErrorCode::invalid_request, std::string(field) + " is required");
  if (!it->is_string())
    return make_error(ErrorCode::invalid_request, std::string(field) + " must be a string");
  return it->get<std::string>();
}

std::optional<std::int64_t> parse_id(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

}  // namespace boxoffice::http

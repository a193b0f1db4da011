#include "http/client_address.hpp"

#include <string_view>

namespace boxoffice::http {
namespace {

constexpr std::size_t kLongestAddress = 45;  // an IPv6 address with an embedded IPv4 one

bool address_characters(std::string_view text) {
  if (text.empty() || text.size() > kLongestAddress) return false;
  for (const char c : text) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex && c != '.' && c != ':') return false;
  }
  return true;
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string client_address(const httplib::Request& request) {
  const auto forwarded = request.get_header_value_count("X-Forwarded-For");
  if (forwarded > 0) {
    const std::string& value = request.get_header_value("X-Forwarded-For", forwarded - 1);
    std::string_view last(value);
    if (const auto comma = last.rfind(','); comma != std::string_view::npos)
      last.remove_prefix(comma + 1);
    last = trimmed(last);
    if (address_characters(last)) return std::string(last);
  }
  return request.remote_addr;
}

}  // namespace boxoffice::http

#include "domain/write_tag.hpp"

#include <algorithm>
#include <cstdio>
#include <random>

namespace boxoffice::domain {
namespace {

constexpr std::size_t kMaxRequestId = 96;
constexpr std::size_t kMaxHttpPart = 64;

bool safe_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == ':' || c == '-';
}

}  // namespace

bool safe_request_id(const std::string& id) {
  return !id.empty() && id.size() <= kMaxRequestId && std::all_of(id.begin(), id.end(), safe_char);
}

std::string make_request_id(const std::string& http_request_id) {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  std::string id;
  for (const char c : http_request_id) {
    if (id.size() == kMaxHttpPart) break;
    if (safe_char(c)) id.push_back(c);
  }
  char random[17];
  std::snprintf(random, sizeof random, "%016llx", static_cast<unsigned long long>(generator()));
  if (!id.empty()) id.push_back('.');
  id += random;
  return id;
}

}  // namespace boxoffice::domain

#include "domain/queue_token.hpp"

#include <sys/random.h>
#include <functional>
#include <stdexcept>

namespace boxoffice::domain {

const char* status_name(TokenStatus status) {
  switch (status) {
    case TokenStatus::waiting: return "WAITING";
    case TokenStatus::active: return "ACTIVE";
    case TokenStatus::expired: return "EXPIRED";
    case TokenStatus::completed: return "COMPLETED";
  }
  return "EXPIRED";
}

std::optional<TokenStatus> parse_token_status(const std::string& name) {
  for (const auto status :
       {TokenStatus::waiting, TokenStatus::active, TokenStatus::expired, TokenStatus::completed})
    if (name == status_name(status)) return status;
  return std::nullopt;
}

std::string new_token_text() {
  unsigned char bytes[16];
  std::size_t filled = 0;
  while (filled < sizeof bytes) {
    const auto n = getrandom(bytes + filled, sizeof bytes - filled, 0);
    if (n < 0) throw std::runtime_error("getrandom failed");
    filled += static_cast<std::size_t>(n);
  }
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string text;
  unsigned buffer = 0;
  int bits = 0;
  for (const unsigned char byte : bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      text.push_back(kAlphabet[(buffer >> bits) & 0x3f]);
    }
  }
  if (bits > 0) text.push_back(kAlphabet[(buffer << (6 - bits)) & 0x3f]);
  return text;
}

std::uint64_t token_fingerprint(const std::string& text) {
  return std::hash<std::string>{}(text);
}

bool plausible_token_text(const std::string& text) {
  if (text.size() < 16 || text.size() > 64) return false;
  for (const char c : text)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_'))
      return false;
  return true;
}

}  // namespace boxoffice::domain

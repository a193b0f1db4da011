#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "domain/catalog.hpp"
#include "domain/clock.hpp"

namespace boxoffice::domain {

enum class TokenStatus { waiting, active, expired, completed };

const char* status_name(TokenStatus status);  // "WAITING", ...
std::optional<TokenStatus> parse_token_status(const std::string& name);

struct QueueToken {
  std::string token;
  Id user = 0;
  Id wallet = 0;         // the user's wallet, learned with the user (0: not known)
  std::int64_t seq = 0;  // issue order, assigned by the database
  TokenStatus status = TokenStatus::waiting;
  TimeMs issued_at = 0;
  TimeMs last_seen_at = 0;
  TimeMs activated_at = 0;  // 0: never active
  TimeMs expires_at = 0;    // ACTIVE only
  TimeMs ended_at = 0;      // EXPIRED / COMPLETED

  bool live() const { return status == TokenStatus::waiting || status == TokenStatus::active; }
};

// What a client sees of a token at `now`.
struct TokenView {
  std::string token;
  Id user = 0;
  Id wallet = 0;  // the user's wallet when the queue's host knows it (0: not known here)
  TokenStatus status = TokenStatus::waiting;
  std::optional<std::int64_t> position;  // WAITING: >= 1; ACTIVE: 0; else none
  std::optional<std::int64_t> estimated_wait_seconds;
  TimeMs issued_at = 0;
  std::optional<TimeMs> expires_at;               // ACTIVE only
  std::optional<std::int64_t> remaining_seconds;  // ACTIVE only
  bool created = false;                           // issue: a new token (201) or the live one (200)
  // Read from a replica whose host was last heard from this many seconds ago (0: fresh).
  std::int64_t age_seconds = 0;
};

// A fresh queue token text: 128 bits from the OS CSPRNG, URL-safe base64 (22 characters).
std::string new_token_text();

// A 64-bit hash of a token text (sets of many tokens that only need "maybe this one").
std::uint64_t token_fingerprint(const std::string& text);

// Whether text could be a token at all (cheap check before any lookup).
bool plausible_token_text(const std::string& text);

}  // namespace boxoffice::domain

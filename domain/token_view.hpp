#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "domain/queue_token.hpp"

namespace boxoffice::domain {

// The recent admission pace: `samples` admissions since `first_at`.
struct AdmissionRate {
  std::int64_t samples = 0;
  TimeMs first_at = 0;
};

// Seconds until `position` is admitted at that pace (none while it is unknown).
std::optional<std::int64_t> estimated_wait(std::int64_t position, AdmissionRate rate, TimeMs now);

// The facts of a token a view is made of.
struct TokenFacts {
  Id user = 0;
  std::int64_t seq = 0;
  TokenStatus status = TokenStatus::waiting;
  TimeMs issued_at = 0;
  TimeMs expires_at = 0;  // ACTIVE only
  Id wallet = 0;          // the user's wallet; the host's model only (replicas: 0)
};

// What a client sees of a token at `now`; `position` counts only when it is WAITING. An
// ACTIVE token past its expiry reads as EXPIRED.
TokenView token_view(const std::string& token, const TokenFacts& facts, std::int64_t position,
                     AdmissionRate rate, TimeMs now);

}  // namespace boxoffice::domain

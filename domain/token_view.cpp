#include "domain/token_view.hpp"

namespace boxoffice::domain {

std::optional<std::int64_t> estimated_wait(std::int64_t position, AdmissionRate rate, TimeMs now) {
  if (rate.samples < 2) return std::nullopt;
  const TimeMs span = now - rate.first_at;
  if (span <= 0) return std::nullopt;
  const double per_second = static_cast<double>(rate.samples) * 1000.0 / static_cast<double>(span);
  return static_cast<std::int64_t>(static_cast<double>(position) / per_second + 0.999);
}

TokenView token_view(const std::string& token, const TokenFacts& facts, std::int64_t position,
                     AdmissionRate rate, TimeMs now) {
  TokenView view;
  view.token = token;
  view.user = facts.user;
  view.wallet = facts.wallet;
  view.status = facts.status;
  view.issued_at = facts.issued_at;
  if (facts.status == TokenStatus::active && facts.expires_at <= now)
    view.status = TokenStatus::expired;
  if (view.status == TokenStatus::waiting) {
    view.position = position;
    view.estimated_wait_seconds = estimated_wait(position, rate, now);
  } else if (view.status == TokenStatus::active) {
    view.position = 0;
    view.estimated_wait_seconds = 0;
    view.expires_at = facts.expires_at;
    view.remaining_seconds = (facts.expires_at - now + 999) / 1000;
  }
  return view;
}

}  // namespace boxoffice::domain

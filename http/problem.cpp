#include "http/problem.hpp"

#include <nlohmann/json.hpp>

namespace boxoffice::http {

using domain::ErrorCode;

namespace {

struct ProblemKind {
  int status;
  const char* title;
};

ProblemKind kind_of(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_request: return {400, "Invalid request"};
    case ErrorCode::invalid_amount: return {400, "Invalid amount"};
    case ErrorCode::token_invalid: return {401, "Queue token invalid"};
    case ErrorCode::admin_key_invalid: return {401, "Admin key invalid"};
    case ErrorCode::token_not_active: return {403, "Queue token not active"};
    case ErrorCode::wallet_owner_mismatch: return {403, "Wallet belongs to another user"};
    case ErrorCode::reservation_not_owned: return {403, "Reservation belongs to another user"};
    case ErrorCode::user_not_found: return {404, "User not found"};
    case ErrorCode::wallet_not_found: return {404, "Wallet not found"};
    case ErrorCode::concert_not_found: return {404, "Concert not found"};
    case ErrorCode::schedule_not_found: return {404, "Schedule not found"};
    case ErrorCode::seat_not_found: return {404, "Seat not found"};
    case ErrorCode::reservation_not_found: return {404, "Reservation not found"};
    case ErrorCode::schedule_not_bookable: return {409, "Schedule not bookable now"};
    case ErrorCode::seat_unavailable: return {409, "Seat unavailable"};
    case ErrorCode::reservation_expired: return {409, "Reservation no longer held"};
    case ErrorCode::insufficient_balance: return {409, "Insufficient balance"};
    case ErrorCode::balance_limit_exceeded: return {409, "Balance limit exceeded"};
    case ErrorCode::idempotency_key_reused: return {422, "Idempotency-Key reused"};
    case ErrorCode::route_not_found: return {404, "Route not found"};
    case ErrorCode::method_not_allowed: return {405, "Method not allowed"};
    case ErrorCode::payload_too_large: return {413, "Payload too large"};
    case ErrorCode::headers_too_large: return {431, "Request header fields too large"};
    case ErrorCode::request_timeout: return {408, "Request timeout"};
    case ErrorCode::unavailable: return {503, "Service unavailable"};
    case ErrorCode::internal: return {500, "Internal error"};
    case ErrorCode::outcome_unknown: return {504, "Outcome unknown"};
  }
  return {500, "Internal error"};
}

}  // namespace

void write_problem(httplib::Response& response, const domain::Error& error) {
  const auto kind = kind_of(error.code);
  nlohmann::json body = {
      {"type", "about:blank"},
      {"status", kind.status},
      {"code", std::string(domain::code_name(error.code))},
      {"title", kind.title},
      {"detail", error.detail.empty() ? std::string(kind.title) : error.detail},
  };
  response.status = kind.status;
  if (error.code == ErrorCode::unavailable) response.set_header("Retry-After", "1");
  response.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                       "application/problem+json");
}

}  // namespace boxoffice::http

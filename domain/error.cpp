#include "domain/error.hpp"

namespace boxoffice::domain {

std::string_view code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_request: return "INVALID_REQUEST";
    case ErrorCode::invalid_amount: return "INVALID_AMOUNT";
    case ErrorCode::token_invalid: return "TOKEN_INVALID";
    case ErrorCode::admin_key_invalid: return "ADMIN_KEY_INVALID";
    case ErrorCode::token_not_active: return "TOKEN_NOT_ACTIVE";
    case ErrorCode::wallet_owner_mismatch: return "WALLET_OWNER_MISMATCH";
    case ErrorCode::reservation_not_owned: return "RESERVATION_NOT_OWNED";
    case ErrorCode::user_not_found: return "USER_NOT_FOUND";
    case ErrorCode::wallet_not_found: return "WALLET_NOT_FOUND";
    case ErrorCode::concert_not_found: return "CONCERT_NOT_FOUND";
    case ErrorCode::schedule_not_found: return "SCHEDULE_NOT_FOUND";
    case ErrorCode::seat_not_found: return "SEAT_NOT_FOUND";
    case ErrorCode::reservation_not_found: return "RESERVATION_NOT_FOUND";
    case ErrorCode::schedule_not_bookable: return "SCHEDULE_NOT_BOOKABLE";
    case ErrorCode::seat_unavailable: return "SEAT_UNAVAILABLE";
    case ErrorCode::reservation_expired: return "RESERVATION_EXPIRED";
    case ErrorCode::insufficient_balance: return "INSUFFICIENT_BALANCE";
    case ErrorCode::balance_limit_exceeded: return "BALANCE_LIMIT_EXCEEDED";
    case ErrorCode::idempotency_key_reused: return "IDEMPOTENCY_KEY_REUSED";
    case ErrorCode::route_not_found: return "ROUTE_NOT_FOUND";
    case ErrorCode::method_not_allowed: return "METHOD_NOT_ALLOWED";
    case ErrorCode::payload_too_large: return "PAYLOAD_TOO_LARGE";
    case ErrorCode::unavailable: return "UNAVAILABLE";
    case ErrorCode::headers_too_large: return "HEADERS_TOO_LARGE";
    case ErrorCode::request_timeout: return "REQUEST_TIMEOUT";
    case ErrorCode::internal: return "INTERNAL";
    case ErrorCode::outcome_unknown: return "OUTCOME_UNKNOWN";
  }
  return "INTERNAL";
}

}  // namespace boxoffice::domain

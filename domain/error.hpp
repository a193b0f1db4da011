#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

namespace boxoffice::domain {

// Mirrors the error codes of the REST contract (shared/API.md). http/ maps each one to a
// status in one table; everything below http/ speaks only in these codes.
enum class ErrorCode : std::uint8_t {
  invalid_request = 1,
  invalid_amount,
  token_invalid,
  admin_key_invalid,
  token_not_active,
  wallet_owner_mismatch,
  reservation_not_owned,
  user_not_found,
  wallet_not_found,
  concert_not_found,
  schedule_not_found,
  seat_not_found,
  reservation_not_found,
  schedule_not_bookable,
  seat_unavailable,
  reservation_expired,
  insufficient_balance,
  balance_limit_exceeded,
  idempotency_key_reused,
  route_not_found,
  method_not_allowed,
  payload_too_large,
  headers_too_large,
  request_timeout,
  unavailable,
  internal,
  // A write reached COMMIT and the database neither confirmed nor refused it in time.
  outcome_unknown,
};

// The stable machine-readable name, e.g. "SEAT_UNAVAILABLE".
std::string_view code_name(ErrorCode code);

inline std::ostream& operator<<(std::ostream& out, ErrorCode code) {
  return out << code_name(code);
}

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string detail;

  bool operator==(const Error& other) const { return code == other.code; }
};

inline Error make_error(ErrorCode code, std::string detail) {
  return Error{code, std::move(detail)};
}

}  // namespace boxoffice::domain

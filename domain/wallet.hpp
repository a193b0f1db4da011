#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "domain/catalog.hpp"
#include "domain/result.hpp"

namespace boxoffice::domain {

// A wallet as its actor holds it; `version` is the row version its next write must match.
struct Wallet {
  Id id = 0;
  Id owner = 0;
  Won balance = 0;
  std::int64_t version = 0;
};

struct WalletLimits {
  Won max_charge = 0;
  Won max_balance = 0;
};

// A charge as the client asked for it; `amount` is nullopt when the JSON value was not an
// integer (1.5, "100", 1e400) so that the charge rules can refuse it in contract order.
struct ChargeRequest {
  Id user = 0;
  std::optional<std::int64_t> amount;
  std::string idempotency_key;  // empty: none
};

struct ChargeReceipt {
  Id wallet = 0;
  Id user = 0;
  Won balance = 0;  // after the charge
  Won charged = 0;
};

struct BalanceView {
  Id wallet = 0;
  Id user = 0;
  Won balance = 0;
};

// INVALID_AMOUNT unless 1 <= amount <= max_charge.
Result<Won> validate_charge_amount(const std::optional<std::int64_t>& amount,
                                   const WalletLimits& limits);

// The balance after adding `amount`, or BALANCE_LIMIT_EXCEEDED (never overflows).
Result<Won> balance_after_charge(Won balance, Won amount, const WalletLimits& limits);

// Who may see or charge the wallet: WALLET_OWNER_MISMATCH unless `user` owns it. (Whether
// `user` exists at all is asked before this, since USER_NOT_FOUND comes first.)
Result<Done> check_owner(const Wallet& wallet, Id user);

// What makes two charges "the same request" for an Idempotency-Key.
std::string charge_fingerprint(Id user, Won amount);

// Idempotency-Key: 1 to 128 printable ASCII characters.
bool valid_idempotency_key(const std::string& key);

}  // namespace boxoffice::domain

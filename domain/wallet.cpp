#include "domain/wallet.hpp"

namespace boxoffice::domain {

Result<Won> validate_charge_amount(const std::optional<std::int64_t>& amount,
                                   const WalletLimits& limits) {
  if (!amount) return make_error(ErrorCode::invalid_amount, "amount must be a JSON integer");
  if (*amount <= 0) return make_error(ErrorCode::invalid_amount, "amount must be positive");
  if (*amount > limits.max_charge)
    return make_error(ErrorCode::invalid_amount, "amount is above the per-charge limit of " +
                                                     std::to_string(limits.max_charge));
  return *amount;
}

Result<Won> balance_after_charge(Won balance, Won amount, const WalletLimits& limits) {
  if (amount > limits.max_balance || balance > limits.max_balance - amount)
    return make_error(ErrorCode::balance_limit_exceeded,
                      "the balance would pass the limit of " + std::to_string(limits.max_balance));
  return balance + amount;
}

Result<Done> check_owner(const Wallet& wallet, Id user) {
  if (wallet.owner != user)
    return make_error(
        ErrorCode::wallet_owner_mismatch,
        "wallet " + std::to_string(wallet.id) + " is not user " + std::to_string(user) + "'s");
  return Done{};
}

std::string charge_fingerprint(Id user, Won amount) {
  return "charge:user=" + std::to_string(user) + ":amount=" + std::to_string(amount);
}

bool valid_idempotency_key(const std::string& key) {
  if (key.empty() || key.size() > 128) return false;
  for (const char c : key)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

}  // namespace boxoffice::domain

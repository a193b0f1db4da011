#include "storage/wallet_repository.hpp"

#include <nlohmann/json.hpp>

#include "storage/changed_rows.hpp"
#include "storage/write_transaction.hpp"

namespace boxoffice::storage {

std::string wallet_scope(domain::Id wallet) {
  return "wallet:" + std::to_string(wallet);
}

std::string encode_receipt(const domain::ChargeReceipt& receipt) {
  return nlohmann::json{{"walletId", receipt.wallet},
                        {"userId", receipt.user},
                        {"balance", receipt.balance},
                        {"charged", receipt.charged}}
      .dump();
}

domain::ChargeReceipt decode_charge_receipt(const std::string& text) {
  const auto json = nlohmann::json::parse(text);
  return domain::ChargeReceipt{
      json.at("walletId").get<domain::Id>(), json.at("userId").get<domain::Id>(),
      json.at("balance").get<domain::Won>(), json.at("charged").get<domain::Won>()};
}

std::optional<domain::Wallet> WalletRepository::load(domain::Id wallet) {
  long long owner = 0, balance = 0, version = 0;
  session_ << "SELECT user_id, balance, version FROM wallets WHERE id = :id", soci::use(wallet),
      soci::into(owner), soci::into(balance), soci::into(version);
  if (!session_.got_data()) return std::nullopt;
  return domain::Wallet{wallet, owner, balance, version};
}

bool WalletRepository::user_exists(domain::Id user) {
  int count = 0;
  session_ << "SELECT COUNT(*) FROM users WHERE id = :id", soci::use(user), soci::into(count);
  return count > 0;
}

ChargeBatch WalletRepository::apply_charges(const domain::Wallet& start,
                                            const std::vector<PendingCharge>& charges,
                                            const domain::WalletLimits& limits,
                                            domain::TimeMs now) {
  using Kind = ChargeOutcome::Kind;
  WriteTransaction transaction(session_, kind_);
  ChargeBatch batch;
  batch.wallet = start;
  const std::string scope = wallet_scope(start.id);
  bool changed = false;
  for (const auto& charge : charges) {
    ChargeOutcome outcome;
    const std::string fingerprint = domain::charge_fingerprint(charge.user, charge.amount);
    if (!charge.idempotency_key.empty()) {
      std::string stored_fingerprint, stored_body;
      session_ << "SELECT request_hash, response_body FROM idempotency_keys"
                  " WHERE scope = :scope AND idem_key = :key",
          soci::use(scope), soci::use(charge.idempotency_key), soci::into(stored_fingerprint),
          soci::into(stored_body);
      if (session_.got_data()) {
        if (stored_fingerprint == fingerprint) {
          outcome.kind = Kind::replayed;
          outcome.receipt = decode_charge_receipt(stored_body);
        } else {
          // BALANCE_LIMIT_EXCEEDED comes before IDEMPOTENCY_KEY_REUSED in the contract.
          const bool over =
              !domain::balance_after_charge(batch.wallet.balance, charge.amount, limits).ok();
          outcome.kind = over ? Kind::limit_exceeded : Kind::key_reused;
        }
        batch.outcomes.push_back(outcome);
        continue;
      }
    }
    const auto after = domain::balance_after_charge(batch.wallet.balance, charge.amount, limits);
    if (!after.ok()) {
      outcome.kind = Kind::limit_exceeded;
      batch.outcomes.push_back(outcome);
      continue;
    }
    batch.wallet.balance = after.value();
    outcome.kind = Kind::applied;
    outcome.receipt = domain::ChargeReceipt{start.id, charge.user, after.value(), charge.amount};
    session_ << "INSERT INTO wallet_ledger(wallet_id, kind, amount, balance_after, created_at_ms)"
                " VALUES(:wallet, 'CHARGE', :amount, :after, :now)",
        soci::use(start.id), soci::use(charge.amount), soci::use(after.value()), soci::use(now);
    if (!charge.idempotency_key.empty()) {
      const std::string body = encode_receipt(outcome.receipt);
      const int status = 200;
      session_
          << "INSERT INTO idempotency_keys(scope, idem_key, request_hash, status_code,"
             " response_body, created_at_ms) VALUES(:scope, :key, :hash, :status, :body, :now)",
          soci::use(scope), soci::use(charge.idempotency_key), soci::use(fingerprint),
          soci::use(status), soci::use(body), soci::use(now);
    }
    changed = true;
    batch.outcomes.push_back(outcome);
  }
  if (changed) {
    const long long updated =
        changed_rows(session_,
                     "UPDATE wallets SET balance = :balance, version = version + 1,"
                     " updated_at_ms = :now WHERE id = :id AND version = :version",
                     soci::use(batch.wallet.balance), soci::use(now), soci::use(start.id),
                     soci::use(start.version));
    if (updated != 1) {
      ChargeBatch conflict;
      conflict.version_conflict = true;
      return conflict;  // ~WriteTransaction rolls back
    }
    batch.wallet.version = start.version + 1;
  }
  transaction.commit();
  return batch;
}

long long WalletRepository::purge_idempotency_keys(domain::TimeMs cutoff) {
  soci::statement purge =
      (session_.prepare << "DELETE FROM idempotency_keys WHERE created_at_ms < :cutoff",
       soci::use(cutoff));
  purge.execute(true);
  return purge.get_affected_rows();
}

}  // namespace boxoffice::storage

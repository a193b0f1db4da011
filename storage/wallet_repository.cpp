#include "storage/wallet_repository.hpp"

#include <nlohmann/json.hpp>

#include "storage/changed_rows.hpp"
#include "storage/sql_literal.hpp"
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
  bool refused_for_limit = false;
  std::string proof_request;  // the first applied charge's request id
  std::string ledger;         // the applied charges' rows, written by one INSERT
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
          refused_for_limit = refused_for_limit || over;
        }
        batch.outcomes.push_back(outcome);
        continue;
      }
    }
    const auto after = domain::balance_after_charge(batch.wallet.balance, charge.amount, limits);
    if (!after.ok()) {
      outcome.kind = Kind::limit_exceeded;
      refused_for_limit = true;
      batch.outcomes.push_back(outcome);
      continue;
    }
    batch.wallet.balance = after.value();
    outcome.kind = Kind::applied;
    outcome.receipt = domain::ChargeReceipt{start.id, charge.user, after.value(), charge.amount};
    ledger += std::string(ledger.empty() ? "" : ",") + "(" + std::to_string(start.id) +
              ",'CHARGE'," + std::to_string(charge.amount) + "," + std::to_string(after.value()) +
              "," + std::to_string(now) + "," + sql_quoted_or_null(charge.request_id) + ")";
    if (proof_request.empty()) proof_request = charge.request_id;
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
  if (!ledger.empty())
    session_ << "INSERT INTO wallet_ledger(wallet_id, kind, amount, balance_after, created_at_ms,"
                " request_id) VALUES " +
                    ledger;
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
  } else if (refused_for_limit) {
    long long version = -1;
    session_ << "SELECT version FROM wallets WHERE id = :id", soci::use(start.id),
        soci::into(version);
    if (version != start.version) {  // the balance refused against is not the committed one
      ChargeBatch conflict;
      conflict.version_conflict = true;
      return conflict;
    }
  }
  if (!changed) {
    transaction.nothing_written();
  } else if (!proof_request.empty()) {  // else no proof: a broken COMMIT is OutcomeUnknown
    transaction.prove_with([kind = kind_, wallet = start.id, proof_request](soci::session& s) {
      return WalletRepository(s, kind).find_charge(wallet, proof_request).has_value();
    });
  }
  transaction.commit();
  return batch;
}

std::optional<domain::ChargeReceipt> WalletRepository::find_charge(domain::Id wallet,
                                                                   const std::string& request_id) {
  long long amount = 0, after = 0, owner = 0;
  session_ << "SELECT l.amount, l.balance_after, w.user_id FROM wallet_ledger l"
              " JOIN wallets w ON w.id = l.wallet_id"
              " WHERE l.wallet_id = :wallet AND l.request_id = :request AND l.kind = 'CHARGE'",
      soci::use(wallet), soci::use(request_id), soci::into(amount), soci::into(after),
      soci::into(owner);
  if (!session_.got_data()) return std::nullopt;
  return domain::ChargeReceipt{wallet, owner, after, amount};
}

long long WalletRepository::purge_idempotency_keys(domain::TimeMs cutoff) {
  soci::statement purge =
      (session_.prepare << "DELETE FROM idempotency_keys WHERE created_at_ms < :cutoff",
       soci::use(cutoff));
  purge.execute(true);
  return purge.get_affected_rows();
}

}  // namespace boxoffice::storage

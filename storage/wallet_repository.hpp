#pragma once

#include <soci/soci.h>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "domain/wallet.hpp"

namespace boxoffice::storage {

// A validated charge waiting for its wallet's next write.
struct PendingCharge {
  domain::Id user = 0;
  domain::Won amount = 0;
  std::string idempotency_key;  // empty: none
  std::string request_id;       // stored with its ledger row (empty: none)
};

struct ChargeOutcome {
  enum class Kind { applied, replayed, key_reused, limit_exceeded };
  Kind kind = Kind::applied;
  domain::ChargeReceipt receipt;  // applied and replayed
};

struct ChargeBatch {
  bool version_conflict = false;        // another writer changed the wallet: nothing was written
  domain::Wallet wallet;                // as committed
  std::vector<ChargeOutcome> outcomes;  // one per charge, in order
};

class WalletRepository {
 public:
  WalletRepository(soci::session& session, config::DatabaseKind kind)
      : session_(session), kind_(kind) {}

  std::optional<domain::Wallet> load(domain::Id wallet);
  bool user_exists(domain::Id user);

  // Applies the charges in order in one transaction, starting from `start` (the state the
  // actor holds): each keyed charge first looks up its Idempotency-Key (a replay or a
  // reuse applies nothing), each applied charge writes a ledger entry (with its request id)
  // and its key's record, and the wallet row is updated once, only if its version is still
  // start.version. A batch that applies nothing but refuses a charge for the limit checks
  // that version too: a refusal comes from the committed balance, never from a stale one.
  ChargeBatch apply_charges(const domain::Wallet& start, const std::vector<PendingCharge>& charges,
                            const domain::WalletLimits& limits, domain::TimeMs now);

  // The receipt of a charge by its request id, if it is in the ledger (the wallet's owner as
  // its user): how a forwarding node learns what a charge whose owner died did.
  std::optional<domain::ChargeReceipt> find_charge(domain::Id wallet,
                                                   const std::string& request_id);

  // Deletes Idempotency-Key records created before `cutoff`; returns how many.
  long long purge_idempotency_keys(domain::TimeMs cutoff);

 private:
  soci::session& session_;
  config::DatabaseKind kind_;
};

std::string wallet_scope(domain::Id wallet);
std::string encode_receipt(const domain::ChargeReceipt& receipt);
domain::ChargeReceipt decode_charge_receipt(const std::string& text);

}  // namespace boxoffice::storage

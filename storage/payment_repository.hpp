#pragma once

#include <soci/soci.h>

#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "domain/payment.hpp"
#include "domain/wallet.hpp"

namespace boxoffice::storage {

struct PaymentOutcome {
  enum class Kind {
    paid,
    replayed,    // the Idempotency-Key's first answer
    key_reused,  // the key was used for another payment of this user
    insufficient_balance,
    reservation_expired,  // the seat or reservation was not a live hold of this user any more
    token_not_active,     // the token was not ACTIVE any more (expired meanwhile)
    version_conflict,     // the wallet changed under us: reload and retry
    already_paid,         // a unique index refused it: the reservation or seat is paid
    failed,  // the database refused this payment's writes for another reason (a deadlock,
             // say): they were rolled back alone, nothing of it was written; `detail` says why
  };
  Kind kind = Kind::paid;
  domain::PaymentReceipt receipt;
  domain::Wallet wallet;  // after the payment (paid); as committed (insufficient_balance)
  std::string detail;     // failed: what the database said
};

// One payment of a batch: the order, and the wallet as its owning actor holds it.
struct PaymentEntry {
  domain::Wallet wallet;
  domain::PaymentOrder order;
};

// How far the writes of one payment got (payment_writes.cpp); anything but `written` means
// nothing of that payment is to be committed.
enum class PaymentStep { written, wallet_refused, reservation_gone, token_gone };

class PaymentRepository {
 public:
  PaymentRepository(soci::session& session, config::DatabaseKind kind)
      : session_(session), kind_(kind) {}

  // Several payments as one transaction, each all-or-nothing on its own: the price leaves
  // the wallet (only if the balance covers it and the wallet version is still
  // `wallet.version`), a payment row (with the order's request id), the seat SOLD to the
  // user, the reservation CONFIRMED, the token COMPLETED, a ledger entry and the
  // Idempotency-Key record. A condition that fails rolls back that payment alone (a
  // savepoint); the others commit together. INSUFFICIENT_BALANCE is decided by that
  // conditional debit against the committed wallet (a version that moved is a
  // version_conflict, never a refusal). The outcomes are in the order of `entries`. Throws
  // when the transaction as a whole fails (then nothing of the batch is committed, or, for
  // OutcomeUnknown, perhaps every payment answered `paid`); a broken COMMIT is settled by the
  // request id of one paid payment (all of them committed, or none). On PostgreSQL the
  // batch is one statement, its own transaction (one round trip): a connection that broke
  // while it ran is settled by the request ids of all its payments, and each payment's
  // outcome read back.
  std::vector<PaymentOutcome> pay_batch(const std::vector<PaymentEntry>& entries,
                                        domain::TimeMs now);
  // A batch of one.
  PaymentOutcome pay(const domain::Wallet& wallet, const domain::PaymentOrder& order,
                     domain::TimeMs now);

  // The first answer recorded for a user's Idempotency-Key, if it was for this reservation.
  // nullopt: no record; a receipt with payment 0: the key was used for another payment.
  std::optional<domain::PaymentReceipt> replay(domain::Id user, const std::string& key,
                                               domain::Id reservation);

  // The receipt of the payment of `reservation` made by the request `request_id`, if it
  // committed (how a payment whose connection or node broke is settled).
  std::optional<domain::PaymentReceipt> find_payment(domain::Id reservation,
                                                     const std::string& request_id);

 private:
  std::vector<PaymentOutcome> pay_batch_in_one_statement(const std::vector<PaymentEntry>& entries,
                                                         domain::TimeMs now);
  // PostgreSQL: the batch as one call of boxoffice_pay_batch, and the outcomes its answer
  // names (payment_batch_call.cpp).
  std::string call_pay_batch(const std::vector<PaymentEntry>& entries, domain::TimeMs now);
  std::vector<PaymentOutcome> outcomes_of(const std::vector<PaymentEntry>& entries,
                                          const std::string& answer, domain::TimeMs now);
  // A committed batch whose answer was lost: each payment as the database has it.
  std::vector<PaymentOutcome> recovered(const std::vector<PaymentEntry>& entries);
  // SQLite (no round trips): each payment statement by statement inside a savepoint.
  PaymentOutcome write_in_savepoint(const PaymentEntry& entry, domain::TimeMs now);
  PaymentOutcome write_one(const PaymentEntry& entry, domain::TimeMs now);
  // The outcome of a payment whose writes all went in / whose debit the wallet refused.
  static PaymentOutcome paid(const PaymentEntry& entry, long long payment, domain::Won balance,
                             domain::TimeMs now);
  static PaymentOutcome wallet_refused(const PaymentEntry& entry, domain::Won committed_balance,
                                       long long committed_version);
  PaymentStep write_step_by_step(const domain::Wallet& wallet, const domain::PaymentOrder& order,
                                 domain::Won balance, domain::TimeMs now, long long& payment);

  soci::session& session_;
  config::DatabaseKind kind_;
};

std::string encode_payment_receipt(const domain::PaymentReceipt& receipt);
domain::PaymentReceipt decode_payment_receipt(const std::string& text);

}  // namespace boxoffice::storage

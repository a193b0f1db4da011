#pragma once

#include <soci/soci.h>

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
  };
  Kind kind = Kind::paid;
  domain::PaymentReceipt receipt;
  domain::Wallet wallet;  // after the payment (paid); as committed (insufficient_balance)
};

// How far the writes of one payment got (payment_writes.cpp); anything but `written` means
// nothing is to be committed.
enum class PaymentStep { written, wallet_refused, reservation_gone, token_gone };

class PaymentRepository {
 public:
  PaymentRepository(soci::session& session, config::DatabaseKind kind)
      : session_(session), kind_(kind) {}

  // The whole payment as one transaction: the price leaves the wallet (only if the
  // balance covers it and the wallet version is still `wallet.version`), a payment row
  // (with the order's request id), the seat SOLD to the user, the reservation CONFIRMED, the
  // token COMPLETED, a ledger entry and the Idempotency-Key record. Any condition that fails
  // rolls all of it back. INSUFFICIENT_BALANCE is decided by that conditional debit against
  // the committed wallet (a version that moved is a version_conflict, never a refusal).
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
  PaymentStep write_step_by_step(const domain::Wallet& wallet, const domain::PaymentOrder& order,
                                 domain::Won balance, domain::TimeMs now, long long& payment);
  PaymentStep write_in_one_statement(const domain::Wallet& wallet,
                                     const domain::PaymentOrder& order, domain::Won balance,
                                     domain::TimeMs now, long long& payment);

  soci::session& session_;
  config::DatabaseKind kind_;
};

std::string encode_payment_receipt(const domain::PaymentReceipt& receipt);
domain::PaymentReceipt decode_payment_receipt(const std::string& text);

}  // namespace boxoffice::storage

// The writes of one payment of a batch on SQLite (storage/payment_repository.hpp), inside the
// batch's transaction: the debit, the seat SOLD, the reservation CONFIRMED, the token
// COMPLETED, the payment row and its ledger entry. Each step runs only if the one before
// changed its row; the payment's savepoint is rolled back unless all did.
#include "storage/changed_rows.hpp"
#include "storage/payment_repository.hpp"
#include "storage/sql_error.hpp"

namespace boxoffice::storage {

// SQLite (in-process, a statement costs no round trip): one statement per step.
PaymentStep PaymentRepository::write_step_by_step(const domain::Wallet& wallet,
                                                  const domain::PaymentOrder& order,
                                                  domain::Won balance, domain::TimeMs now,
                                                  long long& payment) {
  if (changed_rows(
          session_,
          "UPDATE wallets SET balance = :balance, version = version + 1, updated_at_ms = :now"
          " WHERE id = :id AND version = :version AND balance >= :price",
          soci::use(balance), soci::use(now), soci::use(wallet.id), soci::use(wallet.version),
          soci::use(order.price)) != 1)
    return PaymentStep::wallet_refused;
  if (changed_rows(
          session_,
          "UPDATE seats SET status = 'SOLD', held_until_ms = NULL, version = version + 1"
          " WHERE schedule_id = :schedule AND seat_number = :seat AND status = 'HELD'"
          " AND holder_user_id = :user AND reservation_id = :reservation AND held_until_ms > :now",
          soci::use(order.schedule), soci::use(order.seat), soci::use(order.user),
          soci::use(order.reservation), soci::use(now)) != 1 ||
      changed_rows(session_,
                   "UPDATE reservations SET status = 'CONFIRMED', updated_at_ms = :now, "
                   "version = version + 1"
                   " WHERE id = :id AND status = 'HELD' AND user_id = :user",
                   soci::use(now), soci::use(order.reservation), soci::use(order.user)) != 1)
    return PaymentStep::reservation_gone;
  if (changed_rows(
          session_,
          "UPDATE queue_tokens SET status = 'COMPLETED', ended_at_ms = :now, version = version + 1"
          " WHERE token = :token AND user_id = :user AND status = 'ACTIVE' AND expires_at_ms > "
          ":now2",
          soci::use(now), soci::use(order.token), soci::use(order.user), soci::use(now)) != 1)
    return PaymentStep::token_gone;
  soci::indicator request_set = order.tag.request_id.empty() ? soci::i_null : soci::i_ok;
  session_ << "INSERT INTO payments(reservation_id, user_id, wallet_id, schedule_id, seat_number, "
              "amount, created_at_ms, request_id)"
              " VALUES(:reservation, :user, :wallet, :schedule, :seat, :amount, :now, :request)"
              " RETURNING id",
      soci::use(order.reservation), soci::use(order.user), soci::use(wallet.id),
      soci::use(order.schedule), soci::use(order.seat), soci::use(order.price), soci::use(now),
      soci::use(order.tag.request_id, request_set), soci::into(payment);
  const domain::Won debit = -order.price;
  session_ << "INSERT INTO wallet_ledger(wallet_id, kind, amount, balance_after, payment_id, "
              "created_at_ms)"
              " VALUES(:wallet, 'PAYMENT', :amount, :after, :payment, :now)",
      soci::use(wallet.id), soci::use(debit), soci::use(balance), soci::use(payment),
      soci::use(now);
  return PaymentStep::written;
}

// One payment of a SQLite batch: its first answer if its Idempotency-Key has one, else its
// writes and the key's record.
PaymentOutcome PaymentRepository::write_one(const PaymentEntry& entry, domain::TimeMs now) {
  using Kind = PaymentOutcome::Kind;
  const auto& order = entry.order;
  PaymentOutcome outcome;
  if (!order.idempotency_key.empty()) {
    if (auto first = replay(order.user, order.idempotency_key, order.reservation)) {
      outcome.kind = first->payment == 0 ? Kind::key_reused : Kind::replayed;
      outcome.receipt = *first;
      return outcome;
    }
  }
  const domain::Won balance = entry.wallet.balance - order.price;
  long long payment = 0;
  switch (write_step_by_step(entry.wallet, order, balance, now, payment)) {
    case PaymentStep::wallet_refused: {
      long long committed_balance = -1, committed_version = -1;
      session_ << "SELECT balance, version FROM wallets WHERE id = :id", soci::use(entry.wallet.id),
          soci::into(committed_balance), soci::into(committed_version);
      return wallet_refused(entry, committed_balance, committed_version);
    }
    case PaymentStep::reservation_gone: outcome.kind = Kind::reservation_expired; return outcome;
    case PaymentStep::token_gone: outcome.kind = Kind::token_not_active; return outcome;
    case PaymentStep::written: break;
  }
  outcome = paid(entry, payment, balance, now);
  if (!order.idempotency_key.empty()) {
    const std::string scope = domain::user_scope(order.user);
    const std::string fingerprint = domain::payment_fingerprint(order.reservation);
    const std::string body = encode_payment_receipt(outcome.receipt);
    const int status = 201;
    session_ << "INSERT INTO idempotency_keys(scope, idem_key, request_hash, status_code, "
                "response_body, created_at_ms)"
                " VALUES(:scope, :key, :hash, :status, :body, :now)",
        soci::use(scope), soci::use(order.idempotency_key), soci::use(fingerprint),
        soci::use(status), soci::use(body), soci::use(now);
  }
  return outcome;
}

// A payment that is not paid rolls back to its savepoint: the batch keeps the others.
PaymentOutcome PaymentRepository::write_in_savepoint(const PaymentEntry& entry,
                                                     domain::TimeMs now) {
  session_ << "SAVEPOINT payment";
  PaymentOutcome outcome;
  try {
    outcome = write_one(entry, now);
  } catch (const std::exception& error) {
    if (classify(error) != SqlFailure::unique_violation) throw;  // the batch fails as a whole
    outcome = PaymentOutcome{};
    outcome.kind = PaymentOutcome::Kind::already_paid;
  }
  if (outcome.kind != PaymentOutcome::Kind::paid) session_ << "ROLLBACK TO SAVEPOINT payment";
  session_ << "RELEASE SAVEPOINT payment";
  return outcome;
}

}  // namespace boxoffice::storage

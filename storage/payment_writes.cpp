// The writes of one payment (storage/payment_repository.hpp), inside the caller's transaction:
// the debit, the seat SOLD, the reservation CONFIRMED, the token COMPLETED, the payment row and
// its ledger entry. Each step runs only if the one before changed its row; the caller rolls
// everything back unless all did.
#include <stdexcept>

#include "storage/changed_rows.hpp"
#include "storage/payment_repository.hpp"

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

// PostgreSQL: the same steps as one statement (data-modifying CTEs, each conditional on the
// row of the one before), so a payment costs one round trip between BEGIN and COMMIT instead of
// six. The counts tell which step found nothing; then nothing was written at all.
PaymentStep PaymentRepository::write_in_one_statement(const domain::Wallet& wallet,
                                                      const domain::PaymentOrder& order,
                                                      domain::Won balance, domain::TimeMs now,
                                                      long long& payment) {
  soci::indicator request_set = order.tag.request_id.empty() ? soci::i_null : soci::i_ok;
  const domain::Won debit = -order.price;
  long long wallets = 0, seats = 0, reservations = 0, tokens = 0, ledger = 0;
  payment = 0;
  // Every placeholder is bound once, in order (SOCI binds by position).
  session_
      << "WITH w AS ("
         " UPDATE wallets SET balance = :balance, version = version + 1, updated_at_ms = :now1"
         " WHERE id = :wallet1 AND version = :version AND balance >= :price1 RETURNING id),"
         " s AS ("
         " UPDATE seats SET status = 'SOLD', held_until_ms = NULL, version = version + 1"
         " WHERE schedule_id = :schedule1 AND seat_number = :seat1 AND status = 'HELD'"
         " AND holder_user_id = :user1 AND reservation_id = :reservation1"
         " AND held_until_ms > :now2 AND EXISTS (SELECT 1 FROM w) RETURNING 1),"
         " r AS ("
         " UPDATE reservations SET status = 'CONFIRMED', updated_at_ms = :now3,"
         " version = version + 1"
         " WHERE id = :reservation2 AND status = 'HELD' AND user_id = :user2"
         " AND EXISTS (SELECT 1 FROM s) RETURNING 1),"
         " t AS ("
         " UPDATE queue_tokens SET status = 'COMPLETED', ended_at_ms = :now4,"
         " version = version + 1"
         " WHERE token = :token AND user_id = :user3 AND status = 'ACTIVE'"
         " AND expires_at_ms > :now5 AND EXISTS (SELECT 1 FROM r) RETURNING 1),"
         " p AS ("
         " INSERT INTO payments(reservation_id, user_id, wallet_id, schedule_id, seat_number,"
         " amount, created_at_ms, request_id)"
         " SELECT CAST(:reservation3 AS BIGINT), CAST(:user4 AS BIGINT),"
         " CAST(:wallet2 AS BIGINT), CAST(:schedule2 AS BIGINT), CAST(:seat2 AS INTEGER),"
         " CAST(:price2 AS BIGINT), CAST(:now6 AS BIGINT), CAST(:request AS TEXT)"
         " FROM t RETURNING id),"
         " l AS ("
         " INSERT INTO wallet_ledger(wallet_id, kind, amount, balance_after, payment_id,"
         " created_at_ms)"
         " SELECT CAST(:wallet3 AS BIGINT), 'PAYMENT', CAST(:debit AS BIGINT),"
         " CAST(:after AS BIGINT), p.id, CAST(:now7 AS BIGINT) FROM p RETURNING 1)"
         " SELECT (SELECT count(*) FROM w), (SELECT count(*) FROM s), (SELECT count(*) FROM r),"
         " (SELECT count(*) FROM t), coalesce((SELECT id FROM p), 0), (SELECT count(*) FROM l)",
      soci::use(balance), soci::use(now), soci::use(wallet.id), soci::use(wallet.version),
      soci::use(order.price), soci::use(order.schedule), soci::use(order.seat),
      soci::use(order.user), soci::use(order.reservation), soci::use(now), soci::use(now),
      soci::use(order.reservation), soci::use(order.user), soci::use(now), soci::use(order.token),
      soci::use(order.user), soci::use(now), soci::use(order.reservation), soci::use(order.user),
      soci::use(wallet.id), soci::use(order.schedule), soci::use(order.seat),
      soci::use(order.price), soci::use(now), soci::use(order.tag.request_id, request_set),
      soci::use(wallet.id), soci::use(debit), soci::use(balance), soci::use(now),
      soci::into(wallets), soci::into(seats), soci::into(reservations), soci::into(tokens),
      soci::into(payment), soci::into(ledger);
  if (wallets != 1) return PaymentStep::wallet_refused;
  if (seats != 1 || reservations != 1) return PaymentStep::reservation_gone;
  if (tokens != 1) return PaymentStep::token_gone;
  if (payment == 0 || ledger != 1)  // cannot happen: the caller rolls back on the exception
    throw std::runtime_error("the payment statement wrote no payment row or ledger entry");
  return PaymentStep::written;
}

}  // namespace boxoffice::storage

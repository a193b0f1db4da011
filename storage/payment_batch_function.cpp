// The payment batch as one server-side function (schema version 4, PostgreSQL only).
//
// Per payment, in a block of its own (BEGIN ... EXCEPTION: a savepoint), each step only if
// the one before changed its row: the Idempotency-Key's first answer if there is one, the
// debit (only at the wallet version its actor holds and while the balance covers the price),
// the seat SOLD, the reservation CONFIRMED, the token COMPLETED, the payment row with its
// request id, its ledger entry and the key's record. A step that finds nothing raises, which
// rolls back that payment's block alone; the others of the batch stand.
// Outcomes: paid, replayed, key_reused, wallet_refused (with the committed balance and
// version), reservation_gone, token_gone, already_paid (a unique index refused it), failed
// (any other error of this payment, e.g. a deadlock; its text in "body").
// No colon in the text: SOCI reads `:name` as a placeholder.
#include "storage/payment_batch_function.hpp"

namespace boxoffice::storage {

const std::string& pay_batch_function_sql() {
  static const std::string sql = R"SQL(
CREATE OR REPLACE FUNCTION boxoffice_pay_batch(p_batch TEXT, p_now BIGINT) RETURNS TEXT
LANGUAGE plpgsql AS $fn$
DECLARE
  batch JSONB = CAST(p_batch AS JSONB);
  results JSONB = CAST('[]' AS JSONB);
  e JSONB;
  v_wallet BIGINT; v_user BIGINT; v_reservation BIGINT; v_schedule BIGINT; v_seat INTEGER;
  v_price BIGINT; v_key TEXT; v_hash TEXT;
  o_outcome TEXT; o_payment BIGINT; o_balance BIGINT; o_version BIGINT; o_body TEXT;
BEGIN
  FOR i IN 0 .. jsonb_array_length(batch) - 1 LOOP
    e = batch -> i;
    v_wallet = CAST(e ->> 'w' AS BIGINT);
    v_user = CAST(e ->> 'u' AS BIGINT);
    v_reservation = CAST(e ->> 'r' AS BIGINT);
    v_schedule = CAST(e ->> 's' AS BIGINT);
    v_seat = CAST(e ->> 'n' AS INTEGER);
    v_price = CAST(e ->> 'p' AS BIGINT);
    v_key = coalesce(e ->> 'k', '');
    o_outcome = 'paid'; o_payment = 0; o_balance = 0; o_version = 0; o_body = NULL;
    BEGIN
      IF v_key <> '' THEN
        SELECT k.request_hash, k.response_body INTO v_hash, o_body FROM idempotency_keys k
         WHERE k.scope = e ->> 'sc' AND k.idem_key = v_key;
        IF FOUND THEN
          o_outcome = CASE WHEN v_hash = e ->> 'h' THEN 'replayed' ELSE 'key_reused' END;
        END IF;
      END IF;
      IF o_outcome = 'paid' THEN
        UPDATE wallets w SET balance = w.balance - v_price, version = w.version + 1,
               updated_at_ms = p_now
         WHERE w.id = v_wallet AND w.version = CAST(e ->> 'v' AS BIGINT) AND w.balance >= v_price
         RETURNING w.balance, w.version INTO o_balance, o_version;
        IF NOT FOUND THEN
          SELECT w.balance, w.version INTO o_balance, o_version FROM wallets w WHERE w.id = v_wallet;
          o_outcome = 'wallet_refused';
        ELSE
          UPDATE seats s SET status = 'SOLD', held_until_ms = NULL, version = s.version + 1
           WHERE s.schedule_id = v_schedule AND s.seat_number = v_seat AND s.status = 'HELD'
             AND s.holder_user_id = v_user AND s.reservation_id = v_reservation
             AND s.held_until_ms > p_now;
          IF NOT FOUND THEN RAISE SQLSTATE 'BXP01'; END IF;
          UPDATE reservations r SET status = 'CONFIRMED', updated_at_ms = p_now,
                 version = r.version + 1
           WHERE r.id = v_reservation AND r.status = 'HELD' AND r.user_id = v_user;
          IF NOT FOUND THEN RAISE SQLSTATE 'BXP01'; END IF;
          UPDATE queue_tokens t SET status = 'COMPLETED', ended_at_ms = p_now,
                 version = t.version + 1
           WHERE t.token = e ->> 't' AND t.user_id = v_user AND t.status = 'ACTIVE'
             AND t.expires_at_ms > p_now;
          IF NOT FOUND THEN RAISE SQLSTATE 'BXP02'; END IF;
          INSERT INTO payments(reservation_id, user_id, wallet_id, schedule_id, seat_number,
                               amount, created_at_ms, request_id)
          VALUES (v_reservation, v_user, v_wallet, v_schedule, v_seat, v_price, p_now, e ->> 'q')
          RETURNING id INTO o_payment;
          INSERT INTO wallet_ledger(wallet_id, kind, amount, balance_after, payment_id,
                                    created_at_ms)
          VALUES (v_wallet, 'PAYMENT', -v_price, o_balance, o_payment, p_now);
          IF v_key <> '' THEN
            INSERT INTO idempotency_keys(scope, idem_key, request_hash, status_code,
                                         response_body, created_at_ms)
            VALUES (e ->> 'sc', v_key, e ->> 'h', 201,
                    CAST(json_build_object('paymentId', o_payment, 'reservationId', v_reservation,
                                           'userId', v_user, 'scheduleId', v_schedule,
                                           'seatNumber', v_seat, 'amount', v_price,
                                           'balance', o_balance, 'paidAt', p_now) AS TEXT),
                    p_now);
          END IF;
        END IF;
      END IF;
    EXCEPTION
      WHEN SQLSTATE 'BXP01' THEN o_outcome = 'reservation_gone'; o_payment = 0;
      WHEN SQLSTATE 'BXP02' THEN o_outcome = 'token_gone'; o_payment = 0;
      WHEN unique_violation THEN o_outcome = 'already_paid'; o_payment = 0;
      WHEN OTHERS THEN o_outcome = 'failed'; o_payment = 0; o_body = SQLSTATE || ' ' || SQLERRM;
    END;
    results = results || jsonb_build_array(jsonb_build_object(
      'o', o_outcome, 'id', o_payment, 'b', o_balance, 'v', o_version, 'body', o_body));
  END LOOP;
  RETURN CAST(results AS TEXT);
END
$fn$)SQL";
  return sql;
}

}  // namespace boxoffice::storage

// The writes of one schedule batch as one server-side function (schema version 6, PostgreSQL
// only), in the lock order of the payment function: seats, then their reservations.
//
// Releases: every seat back to AVAILABLE where it is still at the version and reservation
// the actor holds, then their reservations EXPIRED or CANCELLED. Holds: the passed holds they
// replace EXPIRED first (one live hold per seat), ids for the new reservations from the
// table's own sequence, every seat HELD at the version the actor decided on (naming its new
// reservation), then the reservations inserted. A seat that moved on raises BXH01: the
// statement, and so the whole batch, is rolled back.
//
// Reservations are updated one primary-key lookup at a time (schema version 8). A set-based
// `id = ANY(ids) AND status = 'HELD'` (or a join with unnest) is planned once per session; on
// a reservations table whose statistics still say it is small (the first minutes of an
// on-sale), that plan reads every live hold through the partial index of HELD reservations and
// filters by id: each batch then costs in proportion to the holds already made (measured: 5x
// PostgreSQL CPU per hold after 30,000 holds). A single-row primary-key lookup cannot be
// planned that way.
// No colon in the text: SOCI reads `:name` as a placeholder.
#include "storage/hold_batch_function.hpp"

namespace boxoffice::storage {

const std::string& hold_batch_function_sql() {
  static const std::string sql = R"SQL(
CREATE OR REPLACE FUNCTION boxoffice_hold_batch(
  p_schedule BIGINT, p_now BIGINT,
  p_release_seats INTEGER[], p_release_versions BIGINT[], p_release_reservations BIGINT[],
  p_release_statuses TEXT[], p_release_requests TEXT[],
  p_seats INTEGER[], p_users BIGINT[], p_prices BIGINT[], p_until BIGINT[],
  p_versions BIGINT[], p_expired BIGINT[], p_requests TEXT[]) RETURNS TEXT
LANGUAGE plpgsql AS $fn$
DECLARE
  changed BIGINT;
  passed BIGINT;
  ids BIGINT[];
  sequence REGCLASS = CAST(pg_get_serial_sequence('reservations', 'id') AS REGCLASS);
BEGIN
  IF cardinality(p_release_seats) > 0 THEN
    UPDATE seats s SET status = 'AVAILABLE', holder_user_id = NULL, held_until_ms = NULL,
           reservation_id = NULL, version = s.version + 1
      FROM unnest(p_release_seats, p_release_versions, p_release_reservations)
           AS v(seat, expected, reservation)
     WHERE s.schedule_id = p_schedule AND s.seat_number = v.seat AND s.version = v.expected
       AND s.reservation_id = v.reservation;
    GET DIAGNOSTICS changed = ROW_COUNT;
    IF changed <> cardinality(p_release_seats) THEN RAISE SQLSTATE 'BXH01'; END IF;
    FOR i IN 1 .. cardinality(p_release_reservations) LOOP
      UPDATE reservations r SET status = p_release_statuses[i], updated_at_ms = p_now,
             version = r.version + 1, cancel_request_id = p_release_requests[i]
       WHERE r.id = p_release_reservations[i] AND r.status = 'HELD';
    END LOOP;
  END IF;
  IF cardinality(p_seats) = 0 THEN RETURN ''; END IF;
  FOREACH passed IN ARRAY p_expired LOOP
    CONTINUE WHEN passed = 0;
    UPDATE reservations r SET status = 'EXPIRED', updated_at_ms = p_now, version = r.version + 1
     WHERE r.id = passed AND r.status = 'HELD';
  END LOOP;
  ids = ARRAY(SELECT nextval(sequence)
                FROM generate_series(1, cardinality(p_seats)));
  UPDATE seats s SET status = 'HELD', holder_user_id = v.holder, held_until_ms = v.until,
         reservation_id = v.id, version = s.version + 1
    FROM unnest(p_seats, p_users, p_until, p_versions, ids) AS v(seat, holder, until, expected, id)
   WHERE s.schedule_id = p_schedule AND s.seat_number = v.seat AND s.version = v.expected;
  GET DIAGNOSTICS changed = ROW_COUNT;
  IF changed <> cardinality(p_seats) THEN RAISE SQLSTATE 'BXH01'; END IF;
  INSERT INTO reservations(id, schedule_id, seat_number, user_id, price, status, held_until_ms,
                           created_at_ms, updated_at_ms, version, request_id)
  SELECT v.id, p_schedule, v.seat, v.holder, v.price, 'HELD', v.until, p_now, p_now, 0, v.request
    FROM unnest(ids, p_seats, p_users, p_prices, p_until, p_requests)
         AS v(id, seat, holder, price, until, request);
  RETURN array_to_string(ids, ',');
END
$fn$)SQL";
  return sql;
}

}  // namespace boxoffice::storage

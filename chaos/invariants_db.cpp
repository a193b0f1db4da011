// Invariants read from the database after the load stopped (tables: storage/schema.cpp).
#include <algorithm>
#include <map>
#include <utility>

#include "chaos/chaos_database.hpp"
#include "chaos/invariants.hpp"
#include "chaos/sql_rows.hpp"

namespace boxoffice::chaos {
namespace {

std::string seat_name(long long schedule, long long seat) {
  return "schedule " + std::to_string(schedule) + " seat " + std::to_string(seat);
}

Verdict no_double_sale(soci::session& sql, long long now) {
  Violations v;
  for (const auto& r : query(sql,
                             "SELECT schedule_id, seat_number, COUNT(*) FROM payments"
                             " GROUP BY schedule_id, seat_number HAVING COUNT(*) > 1"))
    v.add(seat_name(r[0], r[1]) + " has " + std::to_string(r[2]) + " payments");
  for (const auto& r : query(sql,
                             "SELECT schedule_id, seat_number, COUNT(*) FROM reservations"
                             " WHERE status = 'CONFIRMED' GROUP BY schedule_id, seat_number"
                             " HAVING COUNT(*) > 1"))
    v.add(seat_name(r[0], r[1]) + " has " + std::to_string(r[2]) + " CONFIRMED reservations");
  for (const auto& r : query(sql,
                             "SELECT schedule_id, seat_number, COUNT(*) FROM reservations"
                             " WHERE status = 'HELD' AND held_until_ms > :now"
                             " GROUP BY schedule_id, seat_number HAVING COUNT(*) > 1",
                             {now}))
    v.add(seat_name(r[0], r[1]) + " has " + std::to_string(r[2]) + " live holds");
  // A live HELD reservation must be the seat's current hold.
  for (const auto& r : query(sql,
                             "SELECT r.id, r.schedule_id, r.seat_number FROM reservations r"
                             " JOIN seats s ON s.schedule_id = r.schedule_id"
                             " AND s.seat_number = r.seat_number"
                             " WHERE r.status = 'HELD' AND r.held_until_ms > :now AND"
                             " (s.status <> 'HELD' OR s.reservation_id IS NULL OR"
                             " s.reservation_id <> r.id OR s.holder_user_id <> r.user_id)",
                             {now}))
    v.add("live hold " + std::to_string(r[0]) + " on " + seat_name(r[1], r[2]) +
          " is not the seat's hold");
  const auto sold = scalar(sql, "SELECT COUNT(*) FROM seats WHERE status = 'SOLD'");
  return v.verdict("no seat sold twice, no two live holds on one seat",
                   std::to_string(sold) + " seats sold");
}

Verdict sold_seats_paid(soci::session& sql) {
  Violations v;
  for (const auto& r :
       query(sql,
             "SELECT s.schedule_id, s.seat_number,"
             " (SELECT COUNT(*) FROM payments p WHERE p.schedule_id = s.schedule_id"
             "   AND p.seat_number = s.seat_number),"
             " (SELECT COUNT(*) FROM reservations r WHERE r.schedule_id = s.schedule_id"
             "   AND r.seat_number = s.seat_number AND r.status = 'CONFIRMED')"
             " FROM seats s WHERE s.status = 'SOLD'"))
    if (r[2] != 1 || r[3] != 1)
      v.add(seat_name(r[0], r[1]) + " SOLD with " + std::to_string(r[2]) + " payments and " +
            std::to_string(r[3]) + " CONFIRMED reservations");
  for (const auto& r :
       query(sql,
             "SELECT p.id, p.schedule_id, p.seat_number FROM payments p"
             " JOIN seats s ON s.schedule_id = p.schedule_id AND s.seat_number = p.seat_number"
             " JOIN reservations r ON r.id = p.reservation_id"
             " WHERE s.status <> 'SOLD' OR r.status <> 'CONFIRMED'"
             " OR s.reservation_id IS NULL OR s.reservation_id <> p.reservation_id"
             " OR s.holder_user_id <> p.user_id OR r.user_id <> p.user_id"
             " OR r.schedule_id <> p.schedule_id OR r.seat_number <> p.seat_number"
             " OR r.price <> p.amount"))
    v.add("payment " + std::to_string(r[0]) + " for " + seat_name(r[1], r[2]) +
          " disagrees with its seat or reservation");
  for (const auto& r : query(sql,
                             "SELECT r.id FROM reservations r WHERE r.status = 'CONFIRMED'"
                             " AND NOT EXISTS (SELECT 1 FROM payments p"
                             " WHERE p.reservation_id = r.id)"))
    v.add("CONFIRMED reservation " + std::to_string(r[0]) + " has no payment");
  const auto payments = scalar(sql, "SELECT COUNT(*) FROM payments");
  return v.verdict("each SOLD seat has one payment and one CONFIRMED reservation",
                   std::to_string(payments) + " payments");
}

Verdict money_conserved(soci::session& sql) {
  Violations v;
  long long charged_total = 0, balance_total = 0, paid_total = 0;
  for (const auto& r :
       query(sql,
             "SELECT w.id, w.balance,"
             " CAST(COALESCE((SELECT SUM(amount) FROM wallet_ledger l WHERE l.wallet_id = w.id"
             "   AND l.kind = 'CHARGE'), 0) AS BIGINT),"
             " CAST(COALESCE((SELECT SUM(amount) FROM payments p WHERE p.wallet_id = w.id), 0)"
             "   AS BIGINT),"
             " CAST(COALESCE((SELECT SUM(amount) FROM wallet_ledger l WHERE l.wallet_id = w.id"
             "   AND l.kind = 'PAYMENT'), 0) AS BIGINT)"
             " FROM wallets w")) {
    charged_total += r[2];
    balance_total += r[1];
    paid_total += r[3];
    if (r[2] != r[1] + r[3])
      v.add("wallet " + std::to_string(r[0]) + ": charges " + std::to_string(r[2]) +
            " != balance " + std::to_string(r[1]) + " + payments " + std::to_string(r[3]));
    if (r[4] != -r[3])
      v.add("wallet " + std::to_string(r[0]) + ": ledger payments " + std::to_string(r[4]) +
            " != -payments " + std::to_string(r[3]));
  }
  for (const auto& r : query(sql,
                             "SELECT p.id FROM payments p WHERE (SELECT COUNT(*) FROM"
                             " wallet_ledger l WHERE l.payment_id = p.id) <> 1"))
    v.add("payment " + std::to_string(r[0]) + " has not exactly one ledger row");
  for (const auto& r : query(sql,
                             "SELECT id, wallet_id, prev, amount, balance_after FROM ("
                             " SELECT id, wallet_id, amount, balance_after, LAG(balance_after, 1,"
                             " CAST(0 AS BIGINT)) OVER (PARTITION BY wallet_id ORDER BY id) AS prev"
                             " FROM wallet_ledger) t WHERE balance_after <> prev + amount"))
    v.add("ledger row " + std::to_string(r[0]) + " of wallet " + std::to_string(r[1]) + ": " +
          std::to_string(r[2]) + " + " + std::to_string(r[3]) + " != " + std::to_string(r[4]));
  for (const auto& r : query(sql,
                             "SELECT w.id, w.balance FROM wallets w WHERE w.balance <> COALESCE("
                             "(SELECT l.balance_after FROM wallet_ledger l WHERE l.wallet_id ="
                             " w.id ORDER BY l.id DESC LIMIT 1), 0)"))
    v.add("wallet " + std::to_string(r[0]) + " balance " + std::to_string(r[1]) +
          " is not its last ledger balance");
  if (charged_total != balance_total + paid_total)
    v.add("total: charges " + std::to_string(charged_total) + " != balances " +
          std::to_string(balance_total) + " + payments " + std::to_string(paid_total));
  return v.verdict("money conserved (charges = balance + payments, per wallet and in total)",
                   "charges " + std::to_string(charged_total) + " = balances " +
                       std::to_string(balance_total) + " + payments " + std::to_string(paid_total));
}

Verdict no_negative_balance(soci::session& sql) {
  Violations v;
  for (const auto& r : query(sql, "SELECT id, balance FROM wallets WHERE balance < 0"))
    v.add("wallet " + std::to_string(r[0]) + " balance " + std::to_string(r[1]));
  for (const auto& r :
       query(sql, "SELECT id, wallet_id FROM wallet_ledger WHERE balance_after < 0"))
    v.add("ledger row " + std::to_string(r[0]) + " of wallet " + std::to_string(r[1]));
  return v.verdict("no negative balance", "none");
}

Verdict deadlines(soci::session& sql, long long now, long long grace) {
  Violations v;
  for (const auto& r : query(sql,
                             "SELECT schedule_id, seat_number, held_until_ms FROM seats"
                             " WHERE status = 'HELD' AND held_until_ms < :limit",
                             {now - grace}))
    v.add(seat_name(r[0], r[1]) + " HELD " + std::to_string((now - r[2]) / 1000) +
          " s past its held_until");
  for (const auto& r : query(sql,
                             "SELECT seq, expires_at_ms FROM queue_tokens"
                             " WHERE status = 'ACTIVE' AND expires_at_ms < :limit",
                             {now - grace}))
    v.add("token seq " + std::to_string(r[0]) + " ACTIVE " + std::to_string((now - r[1]) / 1000) +
          " s past its expiry");
  return v.verdict("no HELD seat / ACTIVE token past its deadline + grace",
                   "grace " + std::to_string(grace) + " ms");
}

// Max overlap of [activated, min(ended, expires)) over every token ever ACTIVE, plus the
// samples taken during the run.
Verdict active_limit(soci::session& sql, const CheckInputs& in) {
  Violations v;
  std::vector<std::pair<long long, int>> events;
  for (const auto& r : query(sql,
                             "SELECT activated_at_ms, LEAST(COALESCE(ended_at_ms, expires_at_ms),"
                             " expires_at_ms) FROM queue_tokens WHERE activated_at_ms IS NOT NULL"
                             " AND expires_at_ms IS NOT NULL")) {
    events.emplace_back(r[0], +1);
    events.emplace_back(r[1], -1);
  }
  std::sort(events.begin(), events.end());  // at equal times an end (-1) sorts first
  long long current = 0, peak = 0, peak_at = 0;
  for (const auto& [at, delta] : events) {
    current += delta;
    if (current > peak) peak = current, peak_at = at;
  }
  if (peak > in.options.queue_max_active)
    v.add("token lifetimes overlap " + std::to_string(peak) + " deep at " +
          std::to_string((now_ms() - peak_at) / 1000) + " s ago");
  if (in.sampler.over_count() > 0) {
    const auto& first = in.sampler.over().front();
    v.add(std::to_string(in.sampler.over_count()) + " samples above the limit, first " +
          std::to_string(first.active) + " at " + std::to_string(first.at_s) + " s");
  }
  if (in.sampler.samples() == 0) v.add("no sample could be taken");
  return v.verdict("ACTIVE tokens never above --queue-max-active (" +
                       std::to_string(in.options.queue_max_active) + ")",
                   std::to_string(in.sampler.samples()) + " samples, max " +
                       std::to_string(in.sampler.max_active()) + "; lifetime overlap max " +
                       std::to_string(peak));
}

}  // namespace

std::vector<Verdict> check_database(soci::session& sql, const CheckInputs& in) {
  const long long now = now_ms();
  const auto grace = static_cast<long long>(in.options.grace_s * 1000);
  return {no_double_sale(sql, now), sold_seats_paid(sql),       money_conserved(sql),
          no_negative_balance(sql), deadlines(sql, now, grace), active_limit(sql, in)};
}

}  // namespace boxoffice::chaos

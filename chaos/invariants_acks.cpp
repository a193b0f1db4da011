// Every answer the tool got a 2xx for must be in the database.
#include <map>
#include <set>
#include <tuple>

#include "chaos/invariants.hpp"
#include "chaos/sql_rows.hpp"

namespace boxoffice::chaos {
namespace {

Verdict charges_present(soci::session& sql, const CheckInputs& in) {
  Violations v;
  // (wallet, amount, balance_after) of every CHARGE row; each acknowledged charge takes one.
  std::map<std::tuple<long long, long long, long long>, long long> rows;
  std::map<long long, long long> ledger_total;
  for (const auto& r :
       query(sql,
             "SELECT wallet_id, amount, balance_after FROM wallet_ledger WHERE kind = 'CHARGE'")) {
    ++rows[{r[0], r[1], r[2]}];
    ledger_total[r[0]] += r[1];
  }
  std::set<std::string> keys;
  for (const auto& key : query_text(sql, "SELECT scope || '|' || idem_key FROM idempotency_keys"))
    keys.insert(key);
  std::map<long long, long long> acked_total, unknown_total, after_503;
  std::set<std::string> seen_keys;
  std::size_t acked = 0;
  for (const auto& c : in.record.charges) {
    if (!c.key.empty() && !seen_keys.insert(c.key).second) continue;  // a replayed answer
    ++acked;
    acked_total[c.wallet] += c.amount;
    if (c.after_503 && c.key.empty()) after_503[c.wallet] += c.amount;
    auto it = rows.find({c.wallet, c.amount, c.balance});
    if (it == rows.end() || it->second == 0)
      v.add("charge of " + std::to_string(c.amount) + " to wallet " + std::to_string(c.wallet) +
            " (balance " + std::to_string(c.balance) + (c.key.empty() ? "" : ", key " + c.key) +
            ") has no ledger row");
    else
      --it->second;
    if (!c.key.empty() && !keys.count("wallet:" + std::to_string(c.wallet) + "|" + c.key))
      v.add("Idempotency-Key " + c.key + " of wallet " + std::to_string(c.wallet) +
            " is not stored");
  }
  for (const auto& c : in.record.unknown_charges) unknown_total[c.wallet] += c.amount;
  for (const auto& [wallet, total] : ledger_total) {
    const long long low = acked_total[wallet], high = low + unknown_total[wallet];
    if (total < low || total > high)
      v.add("wallet " + std::to_string(wallet) + " charged " + std::to_string(total) +
            " in the ledger, acknowledged " + std::to_string(low) + " (+ " +
            std::to_string(high - low) + " unanswered or 504)" +
            (after_503[wallet] ? "; unkeyed charges of " + std::to_string(after_503[wallet]) +
                                     " were retried after a 503 (a 503 that changed something?)"
                               : ""));
  }
  for (const auto& [wallet, total] : acked_total)
    if (!ledger_total.count(wallet) && total > 0)
      v.add("wallet " + std::to_string(wallet) + " has no charge in the ledger, acknowledged " +
            std::to_string(total));
  return v.verdict("every acknowledged charge is in the ledger, none answered 503",
                   std::to_string(acked) + " acknowledged, " +
                       std::to_string(in.record.unknown_charges.size()) + " unanswered or 504, " +
                       std::to_string(in.record.refused_charges.size()) +
                       " answered 503 (none in the ledger)");
}

// A cancel answered 503 changed nothing: its reservation is CANCELLED only if a later cancel
// of it was acknowledged.
Verdict refused_cancels_changed_nothing(soci::session& sql, const CheckInputs& in) {
  Violations v;
  std::set<long long> cancelled;
  for (const auto& r : query(sql, "SELECT id FROM reservations WHERE status = 'CANCELLED'"))
    cancelled.insert(r[0]);
  const std::set<long long> acknowledged(in.record.cancels.begin(), in.record.cancels.end());
  std::set<long long> refused(in.record.refused_cancels.begin(), in.record.refused_cancels.end());
  for (const auto id : refused)
    if (cancelled.count(id) && !acknowledged.count(id))
      v.add("reservation " + std::to_string(id) + " is CANCELLED, but its cancel was answered 503");
  return v.verdict("no cancel answered 503 cancelled anything",
                   std::to_string(refused.size()) + " reservations with a cancel answered 503");
}

Verdict holds_payments_present(soci::session& sql, const CheckInputs& in) {
  Violations v;
  std::map<long long, std::vector<long long>> reservations;
  for (const auto& r : query(sql,
                             "SELECT id, schedule_id, seat_number, user_id,"
                             " CASE status WHEN 'HELD' THEN 0 WHEN 'CONFIRMED' THEN 1"
                             " WHEN 'EXPIRED' THEN 2 ELSE 3 END FROM reservations"))
    reservations[r[0]] = r;
  std::set<long long> holds;
  for (const auto& h : in.record.holds) {
    if (!holds.insert(h.reservation).second) continue;
    const auto it = reservations.find(h.reservation);
    if (it == reservations.end())
      v.add("hold " + std::to_string(h.reservation) + " is not in reservations");
    else if (it->second[1] != h.schedule || it->second[2] != h.seat || it->second[3] != h.user)
      v.add("hold " + std::to_string(h.reservation) + " differs from what was acknowledged");
  }
  std::map<long long, std::vector<long long>> payments;
  for (const auto& r : query(sql,
                             "SELECT id, reservation_id, user_id, schedule_id, seat_number, amount"
                             " FROM payments"))
    payments[r[0]] = r;
  std::set<long long> paid;
  for (const auto& p : in.record.payments) {
    if (!paid.insert(p.payment).second) continue;
    const auto it = payments.find(p.payment);
    if (it == payments.end()) {
      v.add("payment " + std::to_string(p.payment) + " (key " + p.key + ") is not in payments");
      continue;
    }
    const auto& row = it->second;
    if (row[1] != p.reservation || row[2] != p.user || row[3] != p.schedule || row[4] != p.seat ||
        row[5] != p.amount)
      v.add("payment " + std::to_string(p.payment) + " differs from what was acknowledged");
    const auto r = reservations.find(p.reservation);
    if (r == reservations.end() || r->second[4] != 1)
      v.add("paid reservation " + std::to_string(p.reservation) + " is not CONFIRMED");
  }
  std::set<long long> cancelled;
  for (const auto id : in.record.cancels) {
    if (!cancelled.insert(id).second) continue;
    const auto r = reservations.find(id);
    if (r == reservations.end() || r->second[4] != 3)
      v.add("cancelled reservation " + std::to_string(id) + " is not CANCELLED");
  }
  return v.verdict("every acknowledged hold, payment and cancel is in the database",
                   std::to_string(holds.size()) + " holds, " + std::to_string(paid.size()) +
                       " payments, " + std::to_string(cancelled.size()) + " cancels");
}

}  // namespace

std::vector<Verdict> check_acknowledged(soci::session& sql, const CheckInputs& in) {
  return {charges_present(sql, in), holds_payments_present(sql, in),
          refused_cancels_changed_nothing(sql, in)};
}

void Violations::add(const std::string& line) {
  if (count_++ < limit_) examples_ += (examples_.empty() ? "" : "; ") + line;
}

Verdict Violations::verdict(const std::string& name, const std::string& ok_detail) const {
  if (count_ == 0) return {name, true, ok_detail};
  return {name, false,
          std::to_string(count_) + " violation" + (count_ == 1 ? "" : "s") + ": " + examples_ +
              (count_ > limit_ ? "; ..." : "")};
}

}  // namespace boxoffice::chaos

#include "storage/payment_repository.hpp"

#include <nlohmann/json.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>

#include "storage/write_outcome.hpp"
#include "storage/write_transaction.hpp"

namespace boxoffice::storage {

std::string encode_payment_receipt(const domain::PaymentReceipt& r) {
  return nlohmann::json{{"paymentId", r.payment}, {"reservationId", r.reservation},
                        {"userId", r.user},       {"scheduleId", r.schedule},
                        {"seatNumber", r.seat},   {"amount", r.amount},
                        {"balance", r.balance},   {"paidAt", r.paid_at}}
      .dump();
}

domain::PaymentReceipt decode_payment_receipt(const std::string& text) {
  const auto j = nlohmann::json::parse(text);
  return domain::PaymentReceipt{j.at("paymentId"),  j.at("reservationId"), j.at("userId"),
                                j.at("scheduleId"), j.at("seatNumber"),    j.at("amount"),
                                j.at("balance"),    j.at("paidAt")};
}

std::optional<domain::PaymentReceipt> PaymentRepository::replay(domain::Id user,
                                                                const std::string& key,
                                                                domain::Id reservation) {
  std::string fingerprint, body;
  const std::string scope = domain::user_scope(user);
  session_ << "SELECT request_hash, response_body FROM idempotency_keys WHERE scope = :scope AND "
              "idem_key = :key",
      soci::use(scope), soci::use(key), soci::into(fingerprint), soci::into(body);
  if (!session_.got_data()) return std::nullopt;
  if (fingerprint != domain::payment_fingerprint(reservation)) return domain::PaymentReceipt{};
  return decode_payment_receipt(body);
}

std::optional<domain::PaymentReceipt> PaymentRepository::find_payment(
    domain::Id reservation, const std::string& request_id) {
  long long payment = 0, user = 0, schedule = 0, amount = 0, balance = 0, paid_at = 0;
  int seat = 0;
  session_ << "SELECT p.id, p.user_id, p.schedule_id, p.seat_number, p.amount, l.balance_after,"
              " p.created_at_ms FROM payments p JOIN wallet_ledger l ON l.payment_id = p.id"
              " WHERE p.reservation_id = :reservation AND p.request_id = :request",
      soci::use(reservation), soci::use(request_id), soci::into(payment), soci::into(user),
      soci::into(schedule), soci::into(seat), soci::into(amount), soci::into(balance),
      soci::into(paid_at);
  if (!session_.got_data()) return std::nullopt;
  return domain::PaymentReceipt{payment, reservation, user,    schedule,
                                seat,    amount,      balance, paid_at};
}

PaymentOutcome PaymentRepository::paid(const PaymentEntry& entry, long long payment,
                                       domain::Won balance, domain::TimeMs now) {
  const auto& order = entry.order;
  PaymentOutcome outcome;
  outcome.kind = PaymentOutcome::Kind::paid;
  outcome.receipt =
      domain::PaymentReceipt{payment,    order.reservation, order.user, order.schedule,
                             order.seat, order.price,       balance,    now};
  outcome.wallet = entry.wallet;
  outcome.wallet.balance = balance;
  outcome.wallet.version = entry.wallet.version + 1;
  return outcome;
}

PaymentOutcome PaymentRepository::wallet_refused(const PaymentEntry& entry,
                                                 domain::Won committed_balance,
                                                 long long committed_version) {
  // Refused by the database: for the balance (committed, at the version the actor holds)
  // or because another writer moved the wallet on (reload and decide again).
  PaymentOutcome outcome;
  outcome.kind = committed_version == entry.wallet.version && committed_balance < entry.order.price
                     ? PaymentOutcome::Kind::insufficient_balance
                     : PaymentOutcome::Kind::version_conflict;
  outcome.wallet =
      domain::Wallet{entry.wallet.id, entry.wallet.owner, committed_balance, committed_version};
  return outcome;
}

std::vector<PaymentOutcome> PaymentRepository::pay_batch(const std::vector<PaymentEntry>& entries,
                                                         domain::TimeMs now) {
  if (kind_ == config::DatabaseKind::postgresql) return pay_batch_in_one_statement(entries, now);
  WriteTransaction transaction(session_, kind_);
  std::vector<PaymentOutcome> outcomes;
  outcomes.reserve(entries.size());
  for (const auto& entry : entries) outcomes.push_back(write_in_savepoint(entry, now));
  // Only paid payments wrote anything; all of them commit together or none does, so the
  // payment row of any one of them proves the whole batch.
  const PaymentEntry* witness = nullptr;
  bool any_paid = false;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (outcomes[i].kind != PaymentOutcome::Kind::paid) continue;
    any_paid = true;
    if (!witness && !entries[i].order.tag.request_id.empty()) witness = &entries[i];
  }
  if (!any_paid) return outcomes;  // nothing written: rolled back
  if (witness) {                   // else no proof: a broken COMMIT is OutcomeUnknown
    transaction.prove_with([kind = kind_, reservation = witness->order.reservation,
                            request = witness->order.tag.request_id](soci::session& s) {
      return PaymentRepository(s, kind).find_payment(reservation, request).has_value();
    });
  }
  transaction.commit();
  return outcomes;
}

// PostgreSQL: the batch function is the whole transaction (autocommit, one round trip). Its
// outcomes are only known once it answered, so a connection that broke while it ran is
// settled with every payment's request id: any of them found means the batch committed
// (all paid payments of it did). Without a request id on every payment a payment that is not
// found proves nothing: no proof (OutcomeUnknown).
std::vector<PaymentOutcome> PaymentRepository::pay_batch_in_one_statement(
    const std::vector<PaymentEntry>& entries, domain::TimeMs now) {
  WriteTransaction::Proof proof;
  const bool every_one_tagged =
      std::all_of(entries.begin(), entries.end(),
                  [](const PaymentEntry& entry) { return !entry.order.tag.request_id.empty(); });
  if (every_one_tagged)
    proof = [kind = kind_, entries](soci::session& s) {
      PaymentRepository repository(s, kind);
      return std::any_of(entries.begin(), entries.end(), [&](const PaymentEntry& entry) {
        return repository.find_payment(entry.order.reservation, entry.order.tag.request_id)
            .has_value();
      });
    };
  std::string answer;
  bool answered = false;
  commit_one_statement(session_, kind_, proof, [&] {
    answer = call_pay_batch(entries, now);
    answered = true;
  });
  if (!answered) return recovered(entries);
  try {
    return outcomes_of(entries, answer, now);
  } catch (const std::exception& error) {  // committed: its answer is what the database has
    spdlog::error("storage: the payment batch's answer cannot be read ({}); reading it back",
                  error.what());
    return recovered(entries);
  }
}

std::vector<PaymentOutcome> PaymentRepository::recovered(const std::vector<PaymentEntry>& entries) {
  std::vector<PaymentOutcome> outcomes;
  for (const auto& entry : entries) {
    if (entry.order.tag.request_id.empty()) throw OutcomeUnknown();  // cannot be looked up
    const auto receipt = find_payment(entry.order.reservation, entry.order.tag.request_id);
    if (receipt) {
      outcomes.push_back(paid(entry, receipt->payment, receipt->balance, receipt->paid_at));
      continue;
    }
    PaymentOutcome outcome;  // rolled back alone inside the batch: nothing of it was written
    outcome.kind = PaymentOutcome::Kind::failed;
    outcome.detail = "its batch committed without it and the batch's answer was lost";
    outcomes.push_back(std::move(outcome));
  }
  return outcomes;
}

PaymentOutcome PaymentRepository::pay(const domain::Wallet& wallet,
                                      const domain::PaymentOrder& order, domain::TimeMs now) {
  return pay_batch({PaymentEntry{wallet, order}}, now).front();
}

}  // namespace boxoffice::storage

#include "storage/payment_repository.hpp"

#include <nlohmann/json.hpp>

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

PaymentOutcome PaymentRepository::pay(const domain::Wallet& wallet,
                                      const domain::PaymentOrder& order, domain::TimeMs now) {
  using Kind = PaymentOutcome::Kind;
  PaymentOutcome outcome;
  WriteTransaction transaction(session_, kind_);
  if (!order.idempotency_key.empty()) {
    if (auto first = replay(order.user, order.idempotency_key, order.reservation)) {
      outcome.kind = first->payment == 0 ? Kind::key_reused : Kind::replayed;
      outcome.receipt = *first;
      return outcome;
    }
  }
  const domain::Won balance = wallet.balance - order.price;
  long long payment = 0;
  const auto step = kind_ == config::DatabaseKind::postgresql
                        ? write_in_one_statement(wallet, order, balance, now, payment)
                        : write_step_by_step(wallet, order, balance, now, payment);
  if (step == PaymentStep::wallet_refused) {
    // Refused by the database: for the balance (committed, at the version the actor holds)
    // or because another writer moved the wallet on (reload and decide again).
    long long committed_balance = -1, committed_version = -1;
    session_ << "SELECT balance, version FROM wallets WHERE id = :id", soci::use(wallet.id),
        soci::into(committed_balance), soci::into(committed_version);
    outcome.kind = committed_version == wallet.version && committed_balance < order.price
                       ? Kind::insufficient_balance
                       : Kind::version_conflict;
    outcome.wallet = domain::Wallet{wallet.id, wallet.owner, committed_balance, committed_version};
    return outcome;
  }
  if (step == PaymentStep::reservation_gone) {
    outcome.kind = Kind::reservation_expired;
    return outcome;
  }
  if (step == PaymentStep::token_gone) {
    outcome.kind = Kind::token_not_active;
    return outcome;
  }
  outcome.receipt =
      domain::PaymentReceipt{payment,    order.reservation, order.user, order.schedule,
                             order.seat, order.price,       balance,    now};
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
  if (!order.tag.request_id.empty()) {  // else no proof: a broken COMMIT is OutcomeUnknown
    transaction.prove_with([kind = kind_, reservation = order.reservation,
                            request = order.tag.request_id](soci::session& s) {
      return PaymentRepository(s, kind).find_payment(reservation, request).has_value();
    });
  }
  transaction.commit();
  outcome.kind = Kind::paid;
  outcome.wallet = wallet;
  outcome.wallet.balance = balance;
  outcome.wallet.version = wallet.version + 1;
  return outcome;
}

}  // namespace boxoffice::storage

// PostgreSQL: a batch of payments as one call of boxoffice_pay_batch (schema version 4,
// payment_batch_function.cpp): one statement, its own transaction, whatever its size.
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "storage/payment_repository.hpp"

namespace boxoffice::storage {
namespace {

nlohmann::json batch_json(const std::vector<PaymentEntry>& entries) {
  auto batch = nlohmann::json::array();
  for (const auto& [wallet, order] : entries) {
    batch.push_back({{"w", wallet.id},
                     {"v", wallet.version},
                     {"r", order.reservation},
                     {"u", order.user},
                     {"s", order.schedule},
                     {"n", order.seat},
                     {"p", order.price},
                     {"t", order.token},
                     {"k", order.idempotency_key},
                     {"sc", domain::user_scope(order.user)},
                     {"h", domain::payment_fingerprint(order.reservation)},
                     {"q", order.tag.request_id.empty() ? nlohmann::json(nullptr)
                                                        : nlohmann::json(order.tag.request_id)}});
  }
  return batch;
}

}  // namespace

std::string PaymentRepository::call_pay_batch(const std::vector<PaymentEntry>& entries,
                                              domain::TimeMs now) {
  const std::string batch = batch_json(entries).dump();
  std::string answer;
  session_ << "SELECT boxoffice_pay_batch(CAST(:batch AS TEXT), CAST(:now AS BIGINT))",
      soci::use(batch), soci::use(now), soci::into(answer);
  return answer;
}

std::vector<PaymentOutcome> PaymentRepository::outcomes_of(const std::vector<PaymentEntry>& entries,
                                                           const std::string& answer,
                                                           domain::TimeMs now) {
  using Kind = PaymentOutcome::Kind;
  const auto results = nlohmann::json::parse(answer);
  if (!results.is_array() || results.size() != entries.size())
    throw std::runtime_error("boxoffice_pay_batch answered " + std::to_string(results.size()) +
                             " outcomes for " + std::to_string(entries.size()) + " payments");
  std::vector<PaymentOutcome> outcomes;
  outcomes.reserve(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& result = results[i];
    const auto what = result.at("o").get<std::string>();
    const auto body = result.at("body").is_string() ? result.at("body").get<std::string>() : "";
    PaymentOutcome outcome;
    if (what == "paid") {
      outcome = paid(entries[i], result.at("id").get<long long>(),
                     result.at("b").get<domain::Won>(), now);
    } else if (what == "wallet_refused") {
      outcome = wallet_refused(entries[i], result.at("b").get<domain::Won>(),
                               result.at("v").get<long long>());
    } else if (what == "replayed" || what == "key_reused") {
      outcome.kind = what == "replayed" ? Kind::replayed : Kind::key_reused;
      if (outcome.kind == Kind::replayed) outcome.receipt = decode_payment_receipt(body);
    } else if (what == "reservation_gone") {
      outcome.kind = Kind::reservation_expired;
    } else if (what == "token_gone") {
      outcome.kind = Kind::token_not_active;
    } else if (what == "already_paid") {
      outcome.kind = Kind::already_paid;
    } else if (what == "failed") {
      outcome.kind = Kind::failed;
      outcome.detail = body;
    } else {
      throw std::runtime_error("boxoffice_pay_batch answered the outcome '" + what + "'");
    }
    outcomes.push_back(std::move(outcome));
  }
  return outcomes;
}

}  // namespace boxoffice::storage

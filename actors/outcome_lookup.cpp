#include "actors/outcome_lookup.hpp"

#include "actors/messages.hpp"
#include "storage/payment_repository.hpp"
#include "storage/schedule_repository.hpp"
#include "storage/wallet_repository.hpp"

namespace boxoffice::actors {
namespace {

// The payment of `reservation` by the request `request_id`, as its receipt.
OutcomeLookup payment_lookup(domain::Id reservation, domain::WriteTag tag,
                             config::DatabaseKind kind) {
  const auto request_id = tag.request_id;
  return {std::move(tag),
          [kind, reservation, request_id](soci::session& session) -> std::optional<caf::message> {
            auto receipt =
                storage::PaymentRepository(session, kind).find_payment(reservation, request_id);
            if (!receipt) return std::nullopt;
            return caf::make_message(*receipt);
          }};
}

}  // namespace

std::optional<OutcomeLookup> outcome_lookup_for(const std::string& key, const caf::message& request,
                                                config::DatabaseKind kind) {
  if (request.match_elements<charge_atom, ChargeCommand>()) {
    const auto& command = request.get_as<ChargeCommand>(1);
    const auto colon = key.find(':');
    if (colon == std::string::npos) return std::nullopt;
    const domain::Id wallet = std::stoll(key.substr(colon + 1));  // "wallet:<id>"
    const auto request_id = command.tag.request_id;
    return OutcomeLookup{
        command.tag,
        [kind, wallet, request_id](soci::session& session) -> std::optional<caf::message> {
          auto receipt = storage::WalletRepository(session, kind).find_charge(wallet, request_id);
          if (!receipt) return std::nullopt;
          return caf::make_message(*receipt);
        }};
  }
  if (request.match_elements<cancel_atom, domain::Id, domain::Id, domain::WriteTag>()) {
    const auto reservation = request.get_as<domain::Id>(1);
    const auto& tag = request.get_as<domain::WriteTag>(3);
    const auto request_id = tag.request_id;
    return OutcomeLookup{
        tag,
        [kind, reservation, request_id](soci::session& session) -> std::optional<caf::message> {
          if (!storage::ScheduleRepository(session, kind).cancelled_by(reservation, request_id))
            return std::nullopt;
          domain::HoldView view;
          view.reservation = reservation;
          return caf::make_message(view);
        }};
  }
  if (request.match_elements<pay_atom, PayRequest>()) {
    const auto& pay = request.get_as<PayRequest>(1);
    return payment_lookup(pay.reservation, pay.tag, kind);
  }
  if (request.match_elements<debit_atom, domain::PaymentOrder>()) {
    const auto& order = request.get_as<domain::PaymentOrder>(1);
    return payment_lookup(order.reservation, order.tag, kind);
  }
  return std::nullopt;
}

}  // namespace boxoffice::actors

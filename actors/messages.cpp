#include "actors/messages.hpp"

#include "actors/replica_messages.hpp"

namespace boxoffice::actors {
namespace {

const caf::atom_value kDomainCategory = caf::atom("boxoffice");

}  // namespace

caf::error to_caf_error(const domain::Error& error) {
  return caf::error{static_cast<std::uint8_t>(error.code), kDomainCategory,
                    caf::make_message(error.detail)};
}

caf::error rejoining_error() {
  return to_caf_error(domain::make_error(
      domain::ErrorCode::unavailable, "this node is rejoining the cluster after it stood still"));
}

caf::error deadline_error() {
  return to_caf_error(
      domain::make_error(domain::ErrorCode::unavailable,
                         "the request's deadline passed before it was written; nothing changed"));
}

domain::Error to_domain_error(const caf::error& error) {
  using domain::ErrorCode;
  if (error.category() == kDomainCategory) {
    std::string detail;
    const auto& context = error.context();
    if (context.match_elements<std::string>()) detail = context.get_as<std::string>(0);
    return domain::Error{static_cast<ErrorCode>(error.code()), detail};
  }
  if (error == caf::sec::request_timeout)
    return domain::make_error(ErrorCode::unavailable, "the owning actor did not answer in time");
  return domain::make_error(ErrorCode::unavailable, "actor failure: " + caf::to_string(error));
}

TokenReply to_reply(const domain::TokenView& view) {
  TokenReply reply;
  reply.token = view.token;
  reply.user = view.user;
  reply.status = static_cast<std::int32_t>(view.status);
  reply.position = view.position.value_or(-1);
  reply.estimated_wait_seconds = view.estimated_wait_seconds.value_or(-1);
  reply.issued_at = view.issued_at;
  reply.expires_at = view.expires_at.value_or(0);
  reply.remaining_seconds = view.remaining_seconds.value_or(-1);
  reply.created = view.created;
  return reply;
}

domain::TokenView to_view(const TokenReply& reply) {
  domain::TokenView view;
  view.token = reply.token;
  view.user = reply.user;
  view.status = static_cast<domain::TokenStatus>(reply.status);
  if (reply.position >= 0) view.position = reply.position;
  if (reply.estimated_wait_seconds >= 0) view.estimated_wait_seconds = reply.estimated_wait_seconds;
  view.issued_at = reply.issued_at;
  if (reply.expires_at != 0) view.expires_at = reply.expires_at;
  if (reply.remaining_seconds >= 0) view.remaining_seconds = reply.remaining_seconds;
  view.created = reply.created;
  return view;
}

void register_message_types(caf::actor_system_config& config) {
  config.add_message_type<domain::WriteTag>("WriteTag");
  config.add_message_type<TokenReply>("TokenReply");
  config.add_message_type<PayRequest>("PayRequest");
  config.add_message_type<SeatEntry>("SeatEntry");
  config.add_message_type<SeatMapReply>("SeatMapReply");
  config.add_message_type<ScheduleSummary>("ScheduleSummary");
  config.add_message_type<domain::HoldView>("HoldView");
  config.add_message_type<domain::PaymentOrder>("PaymentOrder");
  config.add_message_type<domain::PaymentReceipt>("PaymentReceipt");
  config.add_message_type<ChargeCommand>("ChargeCommand");
  config.add_message_type<domain::ChargeReceipt>("ChargeReceipt");
  config.add_message_type<domain::BalanceView>("BalanceView");
  config.add_message_type<ReplicaSource>("ReplicaSource");
  config.add_message_type<ReplicaEntry>("ReplicaEntry");
  config.add_message_type<ReplicaBatch>("ReplicaBatch");
  config.add_message_type<ReplicaLooks>("ReplicaLooks");
}

}  // namespace boxoffice::actors

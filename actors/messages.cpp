#include "actors/messages.hpp"

namespace boxoffice::actors {
namespace {

const caf::atom_value kDomainCategory = caf::atom("boxoffice");

}  // namespace

caf::error to_caf_error(const domain::Error& error) {
  return caf::error{static_cast<std::uint8_t>(error.code), kDomainCategory,
                    caf::make_message(error.detail)};
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

void register_message_types(caf::actor_system_config& config) {
  config.add_message_type<ChargeCommand>("ChargeCommand");
  config.add_message_type<domain::ChargeReceipt>("ChargeReceipt");
  config.add_message_type<domain::BalanceView>("BalanceView");
}

}  // namespace boxoffice::actors

// Wallets: balance query and charge (Idempotency-Key aware).
#include "http/idempotency_header.hpp"
#include "http/json_input.hpp"
#include "http/later_answer.hpp"
#include "http/replies.hpp"
#include "http/request_origin.hpp"
#include "http/routes/routes.hpp"

namespace boxoffice::http {

using domain::ErrorCode;
using domain::make_error;

namespace {

domain::Result<domain::Id> wallet_of(const RequestContext& context) {
  const auto id = parse_id(context.param("walletId"));
  if (!id) return make_error(ErrorCode::invalid_request, "walletId must be a positive integer");
  return *id;
}

}  // namespace

void add_wallet_routes(Server& server) {
  Services& services = server.services();

  server.router().add(
      "GET", "/api/v1/wallets/{walletId}",
      [&services](const auto& request, auto& response, const RequestContext& context) {
        const auto wallet = wallet_of(context);
        if (reply_if_error(response, wallet)) return;
        const auto user = parse_id(request.get_param_value("userId"));
        if (!user) {
          write_problem(response, make_error(ErrorCode::invalid_request,
                                             "userId query parameter must be a positive integer"));
          return;
        }
        const auto view = services.actors.wallet_balance(wallet.value(), *user);
        if (reply_if_error(response, view)) return;
        reply_json(
            response, 200,
            {{"walletId", view->wallet}, {"userId", view->user}, {"balance", view->balance}});
      });

  server.router().add(
      "POST", "/api/v1/wallets/{walletId}/charges",
      [&services](const auto& request, auto& response, const RequestContext& context) {
        const auto wallet = wallet_of(context);
        if (reply_if_error(response, wallet)) return;
        const auto body = parse_object(request.body);
        if (reply_if_error(response, body)) return;
        const auto& json = body.value();
        const auto amount_field = json.find("amount");
        if (amount_field == json.end()) {
          write_problem(response, make_error(ErrorCode::invalid_request, "amount is required"));
          return;
        }
        const auto amount = domain::validate_charge_amount(
            as_int64(*amount_field), {services.config.max_charge, services.config.max_balance});
        if (reply_if_error(response, amount)) return;
        const auto user = positive_id_field(json, "userId");
        if (reply_if_error(response, user)) return;
        const auto key = idempotency_key_of(request);
        if (reply_if_error(response, key)) return;
        // No thread waits for the wallet actor: its reply answers the client.
        auto later = context.answer_later(
            make_error(ErrorCode::outcome_unknown,
                       "the charge was not answered; it may or may not have happened"));
        services.actors.charge_later(
            wallet.value(), user.value(), amount.value(), key.value(), origin_of(context),
            [later](domain::Result<domain::ChargeReceipt> receipt) {
              later->reply(receipt, [](const auto& charged) {
                return std::pair{200, nlohmann::json{{"walletId", charged.wallet},
                                                     {"userId", charged.user},
                                                     {"balance", charged.balance},
                                                     {"charged", charged.charged}}};
              });
            });
      });
}

}  // namespace boxoffice::http

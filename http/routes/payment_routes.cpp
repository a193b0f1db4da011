// Payment of a hold: one all-or-nothing step, Idempotency-Key aware.
#include "domain/rfc3339.hpp"
#include "http/idempotency_header.hpp"
#include "http/json_input.hpp"
#include "http/later_answer.hpp"
#include "http/replies.hpp"
#include "http/request_origin.hpp"
#include "http/routes/routes.hpp"
#include "http/token_gate.hpp"

namespace boxoffice::http {

using domain::ErrorCode;
using domain::make_error;

namespace {

nlohmann::json payment_json(const domain::PaymentReceipt& receipt) {
  return {{"paymentId", receipt.payment}, {"reservationId", receipt.reservation},
          {"userId", receipt.user},       {"scheduleId", receipt.schedule},
          {"seatNumber", receipt.seat},   {"amount", receipt.amount},
          {"balance", receipt.balance},   {"paidAt", domain::format_rfc3339(receipt.paid_at)}};
}

}  // namespace

void add_payment_routes(Server& server) {
  Services& services = server.services();

  // Run on the connection loop when memory has all it needs (the token, the reservation's
  // schedule, the payer's wallet) and no Idempotency-Key record must be read; else on a worker.
  server.router().add_on_loop(
      "POST", "/api/v1/payments",
      [&services](const auto& request, auto& response, const RequestContext& context) {
        const auto token_text = bearer_token(request);
        if (reply_if_error(response, token_text)) return;
        auto known_token = context.on_loop ? services.actors.check_token_now(token_text.value())
                                           : services.actors.check_token(token_text.value());
        if (!known_token) return context.to_worker();
        const auto& token = *known_token;
        if (reply_if_error(response, token)) return;
        const auto body = parse_object(request.body);
        if (reply_if_error(response, body)) return;
        const auto reservation = positive_id_field(body.value(), "reservationId");
        if (reply_if_error(response, reservation)) return;
        const auto key = idempotency_key_of(request);
        if (reply_if_error(response, key)) return;

        const auto user = token->user;
        // A retry with the same key answers the first 201, even though the token is COMPLETED
        // now (a payment without a key reads nothing here).
        if (!key->empty()) {
          if (context.on_loop) return context.to_worker();
          const auto replay =
              services.database.payment_replay(user, key.value(), reservation.value());
          if (reply_if_error(response, replay)) return;
          if (replay.value() && replay.value()->payment != 0) {
            reply_json(response, 201, payment_json(*replay.value()));
            return;
          }
        }
        if (token->status != domain::TokenStatus::active) {
          write_problem(response,
                        make_error(ErrorCode::token_not_active,
                                   std::string("the queue token is ") +
                                       domain::status_name(token->status) + ", not ACTIVE"));
          return;
        }
        std::optional<domain::Result<actors::PaymentTarget>> known_target;
        if (!context.on_loop)
          known_target = services.database.payment_target(user, reservation.value(), token->wallet);
        else if (auto now =
                     services.database.payment_target_now(user, reservation.value(), token->wallet))
          known_target = *now;
        if (!known_target) return context.to_worker();
        const auto& target = *known_target;
        if (reply_if_error(response, target)) return;
        if (target->schedule == 0) {
          write_problem(response, make_error(ErrorCode::reservation_not_found,
                                             "reservation " + std::to_string(reservation.value()) +
                                                 " does not exist"));
          return;
        }
        if (!target->wallet) {
          write_problem(response, make_error(ErrorCode::internal,
                                             "user " + std::to_string(user) + " has no wallet"));
          return;
        }
        // No thread waits for the payment's batch: the actors' reply answers the client.
        auto later = context.answer_later(
            make_error(ErrorCode::outcome_unknown,
                       "the payment was not answered; it may or may not have happened"));
        services.actors.pay_later(target->schedule, reservation.value(), user, *target->wallet,
                                  token->token, key.value(), origin_of(context),
                                  [later](domain::Result<domain::PaymentReceipt> receipt) {
                                    later->reply(receipt, [](const auto& paid) {
                                      return std::pair{201, payment_json(paid)};
                                    });
                                  });
      });
}

}  // namespace boxoffice::http

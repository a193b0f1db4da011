// Payment of a hold: one all-or-nothing step, Idempotency-Key aware.
#include "domain/rfc3339.hpp"
#include "http/idempotency_header.hpp"
#include "http/json_input.hpp"
#include "http/replies.hpp"
#include "http/request_origin.hpp"
#include "http/routes/routes.hpp"
#include "http/storage_call.hpp"
#include "http/token_gate.hpp"
#include "storage/payment_repository.hpp"
#include "storage/schedule_repository.hpp"

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

struct PaymentContext {
  std::optional<storage::ReservationRecord> reservation;
  std::optional<domain::Id> wallet;
  std::optional<domain::PaymentReceipt> replay;  // payment 0: the key belongs to another payment
};

}  // namespace

void add_payment_routes(Server& server) {
  Services& services = server.services();
  const auto kind = services.config.database.kind;

  server.router().add(
      "POST", "/api/v1/payments",
      [&services, kind](const auto& request, auto& response, const RequestContext& context) {
        const auto token_text = bearer_token(request);
        if (reply_if_error(response, token_text)) return;
        const auto token = services.actors.check_token(token_text.value());
        if (reply_if_error(response, token)) return;
        const auto body = parse_object(request.body);
        if (reply_if_error(response, body)) return;
        const auto reservation = positive_id_field(body.value(), "reservationId");
        if (reply_if_error(response, reservation)) return;
        const auto key = idempotency_key_of(request);
        if (reply_if_error(response, key)) return;

        const auto user = token->user;
        const auto found = call_storage(
            services.storage, "payment lookup", services.config.request_timeout,
            [kind, user, id = reservation.value(), key = key.value()](soci::session& session) {
              PaymentContext out;
              if (!key.empty())
                out.replay = storage::PaymentRepository(session, kind).replay(user, key, id);
              storage::ScheduleRepository schedules(session, kind);
              out.reservation = schedules.find_reservation(id);
              out.wallet = schedules.wallet_of(user);
              return out;
            });
        if (reply_if_error(response, found)) return;
        // A retry with the same key answers the first 201, even though the token is COMPLETED now.
        if (found->replay && found->replay->payment != 0) {
          reply_json(response, 201, payment_json(*found->replay));
          return;
        }
        if (token->status != domain::TokenStatus::active) {
          write_problem(response,
                        make_error(ErrorCode::token_not_active,
                                   std::string("the queue token is ") +
                                       domain::status_name(token->status) + ", not ACTIVE"));
          return;
        }
        if (!found->reservation) {
          write_problem(response, make_error(ErrorCode::reservation_not_found,
                                             "reservation " + std::to_string(reservation.value()) +
                                                 " does not exist"));
          return;
        }
        if (!found->wallet) {
          write_problem(response, make_error(ErrorCode::internal,
                                             "user " + std::to_string(user) + " has no wallet"));
          return;
        }
        const auto receipt =
            services.actors.pay(found->reservation->schedule, reservation.value(), user,
                                *found->wallet, token->token, key.value(), origin_of(context));
        if (reply_if_error(response, receipt)) return;
        reply_json(response, 201, payment_json(receipt.value()));
      });
}

}  // namespace boxoffice::http

// Holds: create (POST), read (GET), cancel (DELETE).
#include <limits>

#include "domain/rfc3339.hpp"
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

nlohmann::json reservation_json(domain::Id reservation, domain::Id schedule, domain::Id concert,
                                std::int32_t seat, domain::Id user, domain::Won price,
                                const std::string& status, domain::TimeMs held_until) {
  return {{"reservationId", reservation},
          {"scheduleId", schedule},
          {"concertId", concert},
          {"seatNumber", seat},
          {"userId", user},
          {"price", price},
          {"status", status},
          {"heldUntil", domain::format_rfc3339(held_until)}};
}

// The stored reservation, or RESERVATION_NOT_FOUND / INVALID_REQUEST for the path id.
domain::Result<domain::ReservationRecord> reservation_of(Services& services,
                                                         const RequestContext& context) {
  const auto id = parse_id(context.param("reservationId"));
  if (!id)
    return make_error(ErrorCode::invalid_request, "reservationId must be a positive integer");
  auto record = services.database.find_reservation(*id);
  if (!record.ok()) return record.error();
  if (!record.value())
    return make_error(ErrorCode::reservation_not_found,
                      "reservation " + std::to_string(*id) + " does not exist");
  return *record.value();
}

}  // namespace

void add_reservation_routes(Server& server) {
  Services& services = server.services();

  // Run on the connection loop (no worker hand-off) when memory has what the gate and the
  // schedule check need; else on a worker, which may wait for the queue actor or a read.
  server.router().add_on_loop(
      "POST", "/api/v1/reservations",
      [&services](const auto& request, auto& response, const RequestContext& context) {
        auto token = active_token(services.actors, request, context.on_loop);
        if (!token) return context.to_worker();
        if (reply_if_error(response, *token)) return;
        const auto body = parse_object(request.body);
        if (reply_if_error(response, body)) return;
        const auto schedule = positive_id_field(body.value(), "scheduleId");
        if (reply_if_error(response, schedule)) return;
        if (context.on_loop && !services.actors.holds_without_waiting(schedule.value()))
          return context.to_worker();
        const auto seat = integer_field(body.value(), "seatNumber");
        if (reply_if_error(response, seat)) return;
        // Any integer is a seat number; one outside 1..seatCount is SEAT_NOT_FOUND (after
        // SCHEDULE_NOT_FOUND).
        const auto number =
            seat.value() < 1 || seat.value() > std::numeric_limits<std::int32_t>::max()
                ? 0
                : static_cast<std::int32_t>(seat.value());
        // No thread waits for the schedule actor: its reply answers the client.
        auto later = context.answer_later(
            make_error(ErrorCode::outcome_unknown,
                       "the hold was not answered; it may or may not have been made"));
        services.actors.hold_later(
            schedule.value(), number, token->value().user, origin_of(context),
            [later](domain::Result<domain::HoldView> hold) {
              later->reply(hold, [](const domain::HoldView& view) {
                // 201 for a new hold, 200 for the user's live hold of it.
                return std::pair{
                    view.created ? 201 : 200,
                    reservation_json(view.reservation, view.schedule, view.concert, view.seat,
                                     view.user, view.price, "HELD", view.held_until)};
              });
            });
      });

  server.router().add(
      "GET", "/api/v1/reservations/{reservationId}",
      [&services](const auto& request, auto& response, const RequestContext& context) {
        const auto token = require_known_token(services.actors, request);
        if (reply_if_error(response, token)) return;
        const auto record = reservation_of(services, context);
        if (reply_if_error(response, record)) return;
        const auto& r = record.value();
        if (r.user != token->user) {
          write_problem(response, make_error(ErrorCode::reservation_not_owned,
                                             "reservation " + std::to_string(r.id) +
                                                 " was held by another user"));
          return;
        }
        const bool passed = r.status == "HELD" && r.held_until <= services.clock.now_ms();
        reply_json(response, 200,
                   reservation_json(r.id, r.schedule, r.concert, r.seat, r.user, r.price,
                                    passed ? "EXPIRED" : r.status, r.held_until));
      });

  server.router().add(
      "DELETE", "/api/v1/reservations/{reservationId}",
      [&services](const auto& request, auto& response, const RequestContext& context) {
        const auto token = require_active_token(services.actors, request);
        if (reply_if_error(response, token)) return;
        const auto record = reservation_of(services, context);
        if (reply_if_error(response, record)) return;
        const auto& r = record.value();
        const auto cancelled =
            services.actors.cancel(r.schedule, r.id, token->user, origin_of(context));
        if (reply_if_error(response, cancelled)) return;
        reply_json(response, 200,
                   reservation_json(r.id, r.schedule, r.concert, r.seat, r.user, r.price,
                                    "CANCELLED", r.held_until));
      });
}

}  // namespace boxoffice::http

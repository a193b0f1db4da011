// Bookable dates of a concert and the seat map of one date (ACTIVE token required).
#include <mutex>

#include "domain/rfc3339.hpp"
#include "http/json_input.hpp"
#include "http/replies.hpp"
#include "http/routes/routes.hpp"
#include "http/storage_call.hpp"
#include "http/token_gate.hpp"
#include "storage/schedule_repository.hpp"

namespace boxoffice::http {

using domain::ErrorCode;
using domain::make_error;

namespace {

std::string render_seat_map(domain::Id schedule, domain::Id concert,
                            const std::vector<domain::Seat>& seats) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& seat : seats)
    list.push_back({{"seatNumber", seat.number},
                    {"price", seat.price},
                    {"status", domain::seat_status_name(seat.status)},
                    {"available", seat.status == domain::SeatStatus::available}});
  return nlohmann::json{{"scheduleId", schedule}, {"concertId", concert}, {"seats", list}}.dump();
}

}  // namespace

void add_schedule_routes(Server& server) {
  Services& services = server.services();
  const auto kind = services.config.database.kind;

  server.router().add(
      "GET", "/api/v1/concerts/{concertId}/schedules",
      [&services, kind](const auto& request, auto& response, const RequestContext& context) {
        if (reply_if_error(response, require_active_token(services.actors, request))) return;
        const auto concert = parse_id(context.param("concertId"));
        if (!concert) {
          write_problem(response, make_error(ErrorCode::invalid_request,
                                             "concertId must be a positive integer"));
          return;
        }
        const auto ids =
            call_storage(services.storage, "list schedules", services.config.request_timeout,
                         [kind, id = *concert](soci::session& session) {
                           return storage::ScheduleRepository(session, kind).schedules_of(id);
                         });
        if (reply_if_error(response, ids)) return;
        if (!ids.value()) {
          write_problem(response,
                        make_error(ErrorCode::concert_not_found,
                                   "concert " + std::to_string(*concert) + " does not exist"));
          return;
        }
        nlohmann::json schedules = nlohmann::json::array();
        for (const auto id : *ids.value()) {
          const auto summary = services.actors.schedule_summary(id);
          if (reply_if_error(response, summary)) return;
          if (!summary->bookable || summary->available_seats == 0) continue;
          const auto& spec = summary->schedule.spec;
          schedules.push_back({{"scheduleId", id},
                               {"startsAt", domain::format_rfc3339(spec.starts_at)},
                               {"bookingOpensAt", domain::format_rfc3339(spec.booking_opens_at)},
                               {"bookingClosesAt", domain::format_rfc3339(spec.booking_closes_at)},
                               {"totalSeats", spec.seat_count},
                               {"availableSeats", summary->available_seats}});
        }
        reply_json(response, 200, {{"concertId", *concert}, {"schedules", schedules}});
      });

  server.router().add(
      "GET", "/api/v1/schedules/{scheduleId}/seats",
      [&services](const auto& request, auto& response, const RequestContext& context) {
        if (reply_if_error(response, require_active_token(services.actors, request))) return;
        const auto schedule = parse_id(context.param("scheduleId"));
        if (!schedule) {
          write_problem(response, make_error(ErrorCode::invalid_request,
                                             "scheduleId must be a positive integer"));
          return;
        }
        // Hot path: the schedule actor's published map, rendered once per version.
        if (const auto snapshot =
                services.actors.seat_map_snapshot(*schedule, services.clock.now_ms())) {
          std::call_once(snapshot->rendered, [&snapshot] {
            snapshot->body =
                render_seat_map(snapshot->schedule, snapshot->concert, snapshot->seats);
          });
          response.status = 200;
          response.set_content(snapshot->body, "application/json");
          return;
        }
        const auto map = services.actors.seat_map(*schedule);
        if (reply_if_error(response, map)) return;
        response.status = 200;
        response.set_content(render_seat_map(map->schedule, map->concert, map->seats),
                             "application/json");
      });
}

}  // namespace boxoffice::http

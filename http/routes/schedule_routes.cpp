// Bookable dates of a concert and the seat map of one date (ACTIVE token required).
#include <mutex>

#include "domain/rfc3339.hpp"
#include "http/json_input.hpp"
#include "http/replies.hpp"
#include "http/routes/routes.hpp"
#include "http/token_gate.hpp"

namespace boxoffice::http {

using domain::ErrorCode;
using domain::make_error;

namespace {

// One seat as a JSON object (keys in the order nlohmann::json writes them).
void append_seat(std::string& out, const domain::Seat& seat) {
  out += R"({"available":)";
  out += seat.status == domain::SeatStatus::available ? "true" : "false";
  out += R"(,"price":)";
  out += std::to_string(seat.price);
  out += R"(,"seatNumber":)";
  out += std::to_string(seat.number);
  out += R"(,"status":")";
  out += domain::seat_status_name(seat.status);
  out += R"("})";
}

std::string seat_map_head(domain::Id schedule, domain::Id concert) {
  return R"({"concertId":)" + std::to_string(concert) + R"(,"scheduleId":)" +
         std::to_string(schedule) + R"(,"seats":[)";
}

std::string render_seat_map(domain::Id schedule, domain::Id concert,
                            const std::vector<domain::Seat>& seats) {
  auto body = seat_map_head(schedule, concert);
  for (std::size_t i = 0; i < seats.size(); ++i) {
    if (i != 0) body += ',';
    append_seat(body, seats[i]);
  }
  return body + "]}";
}

// A published map: each chunk is rendered once (and shared by the versions that share it).
std::string render_snapshot(const actors::SeatMapSnapshot& snapshot) {
  std::size_t size = 64;
  for (const auto& chunk : snapshot.chunks) {
    std::call_once(chunk->rendered, [&chunk] {
      for (std::size_t i = 0; i < chunk->seats.size(); ++i) {
        if (i != 0) chunk->json += ',';
        append_seat(chunk->json, chunk->seats[i]);
      }
    });
    size += chunk->json.size() + 1;
  }
  auto body = seat_map_head(snapshot.schedule, snapshot.concert);
  body.reserve(size);
  bool first = true;
  for (const auto& chunk : snapshot.chunks) {
    if (chunk->json.empty()) continue;
    if (!first) body += ',';
    body += chunk->json;
    first = false;
  }
  return body + "]}";
}

nlohmann::json date_json(domain::Id schedule, const domain::ScheduleSpec& spec,
                         std::int64_t available) {
  return {{"scheduleId", schedule},
          {"startsAt", domain::format_rfc3339(spec.starts_at)},
          {"bookingOpensAt", domain::format_rfc3339(spec.booking_opens_at)},
          {"bookingClosesAt", domain::format_rfc3339(spec.booking_closes_at)},
          {"totalSeats", spec.seat_count},
          {"availableSeats", available}};
}

// The largest seat map the connection loop renders itself; a larger one is rendered by a
// worker (about 75 bytes of JSON per seat: 1,000 seats take tens of microseconds, 100,000
// take milliseconds, while every other connection of the loop would wait).
constexpr std::int32_t kMaxSeatsRenderedOnLoop = 1000;

// A bookable date with free seats as a JSON object, "" when it is not listed. From the
// schedule's published snapshot (rendered once per version) when it can answer, else asked;
// none when it would have to be asked and `on_loop` (the request goes to a worker then).
std::optional<domain::Result<std::string>> date_entry(Services& services, domain::Id schedule,
                                                      domain::TimeMs now, bool on_loop) {
  if (const auto snapshot = services.actors.seat_map_snapshot(schedule, now)) {
    std::call_once(snapshot->summarized, [&snapshot] {
      if (snapshot->available == 0) return;
      snapshot->summary =
          date_json(snapshot->schedule,
                    domain::ScheduleSpec{snapshot->concert, snapshot->starts_at, snapshot->opens_at,
                                         snapshot->closes_at, snapshot->seat_count, 0},
                    snapshot->available)
              .dump();
    });
    return snapshot->summary;
  }
  if (on_loop) return std::nullopt;
  const auto summary = services.actors.schedule_summary(schedule);
  if (!summary.ok()) return domain::Result<std::string>(summary.error());
  if (!summary->bookable || summary->available_seats == 0) return std::string();
  return date_json(schedule, summary->schedule.spec, summary->available_seats).dump();
}

// The schedule ids of a concert (none: no such concert); none at all when a handler on the
// loop would have to read them.
std::optional<domain::Result<std::optional<std::vector<domain::Id>>>> schedules_of(
    Services& services, domain::Id concert, bool on_loop) {
  if (!on_loop) return services.database.schedules_of(concert);
  auto known = services.database.schedules_of_now(concert);
  if (!known) return std::nullopt;
  return domain::Result<std::optional<std::vector<domain::Id>>>(std::move(*known));
}

}  // namespace

void add_schedule_routes(Server& server) {
  Services& services = server.services();

  // Both reads run on the connection loop when memory has the answer (the token, the
  // concert's schedules, published snapshots), else on a worker, which may ask or read.
  server.router().add_on_loop(
      "GET", "/api/v1/concerts/{concertId}/schedules",
      [&services](const auto& request, auto& response, const RequestContext& context) {
        const auto token = active_token(services.actors, request, context.on_loop);
        if (!token) return context.to_worker();
        if (reply_if_error(response, *token)) return;
        const auto concert = parse_id(context.param("concertId"));
        if (!concert) {
          write_problem(response, make_error(ErrorCode::invalid_request,
                                             "concertId must be a positive integer"));
          return;
        }
        const auto known = schedules_of(services, *concert, context.on_loop);
        if (!known) return context.to_worker();
        const auto& ids = *known;
        if (reply_if_error(response, ids)) return;
        if (!ids.value()) {
          write_problem(response,
                        make_error(ErrorCode::concert_not_found,
                                   "concert " + std::to_string(*concert) + " does not exist"));
          return;
        }
        // {"concertId":..,"schedules":[..]} as nlohmann::json writes it (keys sorted).
        const auto now = services.clock.now_ms();
        std::string body = R"({"concertId":)" + std::to_string(*concert) + R"(,"schedules":[)";
        bool first = true;
        for (const auto id : *ids.value()) {
          const auto known_entry = date_entry(services, id, now, context.on_loop);
          if (!known_entry) return context.to_worker();  // nothing was answered yet
          const auto& entry = *known_entry;
          if (reply_if_error(response, entry)) return;
          if (entry->empty()) continue;
          if (!first) body += ',';
          body += entry.value();
          first = false;
        }
        body += "]}";
        response.status = 200;
        response.set_content(body, "application/json");
      });

  server.router().add_on_loop(
      "GET", "/api/v1/schedules/{scheduleId}/seats",
      [&services](const auto& request, auto& response, const RequestContext& context) {
        const auto token = active_token(services.actors, request, context.on_loop);
        if (!token) return context.to_worker();
        if (reply_if_error(response, *token)) return;
        const auto schedule = parse_id(context.param("scheduleId"));
        if (!schedule) {
          write_problem(response, make_error(ErrorCode::invalid_request,
                                             "scheduleId must be a positive integer"));
          return;
        }
        // Hot path: the schedule actor's published map, rendered once per version.
        const auto snapshot = services.actors.seat_map_snapshot(*schedule, services.clock.now_ms());
        if (context.on_loop && (!snapshot || (!snapshot->body_ready.load() &&
                                              snapshot->seat_count > kMaxSeatsRenderedOnLoop)))
          return context.to_worker();
        if (snapshot) {
          std::call_once(snapshot->rendered, [&snapshot] {
            snapshot->body = render_snapshot(*snapshot);
            snapshot->body_ready.store(true);
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

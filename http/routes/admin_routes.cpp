// Administration: users (with their wallet), concerts, schedules (with their seats), cluster view.
#include "domain/rfc3339.hpp"
#include "http/admin_auth.hpp"
#include "http/json_input.hpp"
#include "http/replies.hpp"
#include "http/routes/routes.hpp"

namespace boxoffice::http {

using domain::ErrorCode;
using domain::make_error;

namespace {

domain::Result<domain::TimeMs> time_field(const nlohmann::json& body, const char* field) {
  auto text = string_field(body, field);
  if (!text) return text.error();
  const auto parsed = domain::parse_rfc3339(text.value());
  if (!parsed)
    return make_error(
        ErrorCode::invalid_request,
        std::string(field) + " must be an RFC 3339 date-time like 2026-12-24T19:00:00Z");
  return *parsed;
}

domain::Result<domain::ScheduleSpec> schedule_spec(const nlohmann::json& body, domain::Id concert) {
  domain::ScheduleSpec spec;
  spec.concert_id = concert;
  auto starts = time_field(body, "startsAt");
  if (!starts) return starts.error();
  auto opens = time_field(body, "bookingOpensAt");
  if (!opens) return opens.error();
  auto closes = time_field(body, "bookingClosesAt");
  if (!closes) return closes.error();
  auto seats = integer_field(body, "seatCount");
  if (!seats) return seats.error();
  auto price = integer_field(body, "seatPrice");
  if (!price) return price.error();
  if (seats.value() < 1 || seats.value() > domain::kMaxSeatsPerSchedule)
    return make_error(ErrorCode::invalid_request, "seatCount must be from 1 to 100000");
  spec.starts_at = starts.value();
  spec.booking_opens_at = opens.value();
  spec.booking_closes_at = closes.value();
  spec.seat_count = static_cast<std::int32_t>(seats.value());
  spec.seat_price = price.value();
  auto valid = domain::validate_schedule(spec);
  if (!valid) return valid.error();
  return spec;
}

nlohmann::json schedule_json(const domain::Schedule& schedule) {
  const auto& spec = schedule.spec;
  return {{"scheduleId", schedule.id},
          {"concertId", spec.concert_id},
          {"startsAt", domain::format_rfc3339(spec.starts_at)},
          {"bookingOpensAt", domain::format_rfc3339(spec.booking_opens_at)},
          {"bookingClosesAt", domain::format_rfc3339(spec.booking_closes_at)},
          {"totalSeats", spec.seat_count},
          {"availableSeats", spec.seat_count},
          {"seatPrice", spec.seat_price}};
}

}  // namespace

void add_admin_routes(Server& server) {
  auto& router = server.router();
  Services& services = server.services();

  router.add(
      "POST", "/api/v1/admin/users", [&services](const auto& request, auto& response, const auto&) {
        if (reply_if_error(response, check_admin_key(services.config.admin_key, request))) return;
        auto body = parse_object(request.body);
        if (reply_if_error(response, body)) return;
        auto name = string_field(body.value(), "name");
        if (reply_if_error(response, name)) return;
        if (reply_if_error(response, domain::validate_user_name(name.value()))) return;
        const auto now = services.clock.now_ms();
        auto user = services.database.create_user(name.value(), now);
        if (reply_if_error(response, user)) return;
        reply_json(response, 201,
                   {{"userId", user->id}, {"walletId", user->wallet_id}, {"name", user->name}});
      });

  router.add("POST", "/api/v1/admin/concerts",
             [&services](const auto& request, auto& response, const auto&) {
               if (reply_if_error(response, check_admin_key(services.config.admin_key, request)))
                 return;
               auto body = parse_object(request.body);
               if (reply_if_error(response, body)) return;
               auto title = string_field(body.value(), "title");
               if (reply_if_error(response, title)) return;
               if (reply_if_error(response, domain::validate_concert_title(title.value()))) return;
               const auto now = services.clock.now_ms();
               auto concert = services.database.create_concert(title.value(), now);
               if (reply_if_error(response, concert)) return;
               reply_json(response, 201, {{"concertId", concert->id}, {"title", concert->title}});
             });

  router.add("POST", "/api/v1/admin/concerts/{concertId}/schedules",
             [&services](const auto& request, auto& response, const RequestContext& context) {
               if (reply_if_error(response, check_admin_key(services.config.admin_key, request)))
                 return;
               const auto concert_id = parse_id(context.param("concertId"));
               if (!concert_id) {
                 write_problem(response, make_error(ErrorCode::invalid_request,
                                                    "concertId must be a positive integer"));
                 return;
               }
               auto body = parse_object(request.body);
               if (reply_if_error(response, body)) return;
               auto spec = schedule_spec(body.value(), *concert_id);
               if (reply_if_error(response, spec)) return;
               const auto now = services.clock.now_ms();
               auto schedule = services.database.create_schedule(spec.value(), now);
               if (reply_if_error(response, schedule)) return;
               if (!schedule.value()) {
                 write_problem(response, make_error(ErrorCode::concert_not_found,
                                                    "concert " + std::to_string(*concert_id) +
                                                        " does not exist"));
                 return;
               }
               reply_json(response, 201, schedule_json(*schedule.value()));
             });

  router.add("GET", "/api/v1/admin/cluster",
             [&services](const auto& request, auto& response, const auto&) {
               if (reply_if_error(response, check_admin_key(services.config.admin_key, request)))
                 return;
               const auto& config = services.config;
               const auto view = services.actors.cluster();
               const auto address = config.cluster_listen ? config.cluster_listen->to_string()
                                                          : config.listen.to_string();
               nlohmann::json nodes = nlohmann::json::array();
               nodes.push_back({{"nodeId", config.node_id},
                                {"address", address},
                                {"status", view->leaving ? "down" : "up"}});
               for (const auto& peer : view->peers) {
                 nlohmann::json node_id = nullptr;
                 if (peer.node != 0) node_id = peer.node;
                 nodes.push_back({{"nodeId", node_id},
                                  {"address", peer.address},
                                  {"status", peer.up ? "up" : "down"}});
               }
               reply_json(response, 200, {{"nodeId", config.node_id}, {"nodes", nodes}});
             });
}

}  // namespace boxoffice::http

// Waiting room: issue a token, look at it.
#include "domain/poll_pace.hpp"
#include "domain/rfc3339.hpp"
#include "http/json_input.hpp"
#include "http/replies.hpp"
#include "http/routes/routes.hpp"
#include "http/token_gate.hpp"

namespace boxoffice::http {
namespace {

nlohmann::json optional_number(const std::optional<std::int64_t>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json token_json(const domain::TokenView& view, bool with_remaining,
                          std::chrono::milliseconds idle_timeout) {
  const bool waiting = view.status == domain::TokenStatus::waiting && view.position;
  nlohmann::json body = {
      {"token", view.token},
      {"userId", view.user},
      {"status", domain::status_name(view.status)},
      {"position", optional_number(view.position)},
      {"estimatedWaitSeconds", optional_number(view.estimated_wait_seconds)},
      {"pollAfterSeconds",
       waiting ? nlohmann::json(domain::poll_after_seconds(*view.position, idle_timeout))
               : nlohmann::json(nullptr)},
      {"issuedAt", domain::format_rfc3339(view.issued_at)},
      {"expiresAt", view.expires_at ? nlohmann::json(domain::format_rfc3339(*view.expires_at))
                                    : nlohmann::json(nullptr)},
  };
  if (with_remaining) body["remainingSeconds"] = optional_number(view.remaining_seconds);
  return body;
}

}  // namespace

void add_queue_routes(Server& server) {
  Services& services = server.services();

  server.router().add("POST", "/api/v1/queue/tokens",
                      [&services](const auto& request, auto& response, const auto&) {
                        const auto body = parse_object(request.body);
                        if (reply_if_error(response, body)) return;
                        const auto user = positive_id_field(body.value(), "userId");
                        if (reply_if_error(response, user)) return;
                        const auto view = services.actors.issue_token(user.value());
                        if (reply_if_error(response, view)) return;
                        reply_json(
                            response, view->created ? 201 : 200,
                            token_json(view.value(), false, services.config.queue_idle_timeout));
                      });

  server.router().add("GET", "/api/v1/queue/tokens/me",
                      [&services](const auto& request, auto& response, const auto&) {
                        const auto token = bearer_token(request);
                        if (reply_if_error(response, token)) return;
                        const auto view = services.actors.look_at_token(token.value());
                        if (reply_if_error(response, view)) return;
                        // Answered from a replica whose host was not heard from for a while
                        // (cut off from it, say): how old the answer may be (RFC 9111).
                        if (view->age_seconds > 0)
                          response.set_header("Age", std::to_string(view->age_seconds));
                        reply_json(
                            response, 200,
                            token_json(view.value(), true, services.config.queue_idle_timeout));
                      });
}

}  // namespace boxoffice::http

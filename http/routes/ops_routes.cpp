// /healthz, /readyz, /metrics, /openapi.json
#include <spdlog/spdlog.h>

#include "http/openapi_document.hpp"
#include "http/replies.hpp"
#include "http/routes/routes.hpp"

namespace boxoffice::http {

void add_ops_routes(Server& server) {
  auto& router = server.router();
  auto& services = server.services();

  router.add("GET", "/healthz", [](const auto&, auto& response, const auto&) {
    reply_json(response, 200, {{"status", "ok"}});
  });

  router.add("GET", "/readyz", [&services](const auto&, auto& response, const auto&) {
    if (reply_if_error(response, services.database.ping())) return;
    if (services.not_ready) {
      if (const auto reason = services.not_ready(); !reason.empty()) {
        write_problem(response, domain::make_error(domain::ErrorCode::unavailable, reason));
        return;
      }
    }
    reply_json(response, 200, {{"status", "ready"}});
  });

  router.add("GET", "/metrics", [&server](const auto&, auto& response, const auto&) {
    std::string text;
    server.metrics().render(text);
    front::render_front_gauges(server.front_gauges(), text);
    for (const auto& source : server.services().metric_sources) source(text);
    response.status = 200;
    response.set_content(text, "text/plain; version=0.0.4; charset=utf-8");
  });

  router.add("GET", "/openapi.json", [](const auto&, auto& response, const auto&) {
    const auto document = openapi_document();
    response.status = 200;
    response.set_content(document.data(), document.size(), "application/json");
  });
}

}  // namespace boxoffice::http

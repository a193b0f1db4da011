// GET /api/v1/concerts (public).
#include "http/replies.hpp"
#include "http/routes/routes.hpp"
#include "http/storage_call.hpp"
#include "storage/catalog_repository.hpp"

namespace boxoffice::http {

void add_concert_routes(Server& server) {
  Services& services = server.services();
  const auto kind = services.config.database.kind;
  server.router().add(
      "GET", "/api/v1/concerts", [&services, kind](const auto&, auto& response, const auto&) {
        auto concerts =
            call_storage(services.storage, "list concerts", services.config.request_timeout,
                         [kind](soci::session& session) {
                           return storage::CatalogRepository(session, kind).list_concerts();
                         });
        if (reply_if_error(response, concerts)) return;
        nlohmann::json list = nlohmann::json::array();
        for (const auto& concert : concerts.value())
          list.push_back({{"concertId", concert.id}, {"title", concert.title}});
        reply_json(response, 200, {{"concerts", list}});
      });
}

}  // namespace boxoffice::http

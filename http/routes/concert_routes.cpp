// GET /api/v1/concerts (public).
#include "http/replies.hpp"
#include "http/routes/routes.hpp"

namespace boxoffice::http {

void add_concert_routes(Server& server) {
  Services& services = server.services();
  server.router().add("GET", "/api/v1/concerts",
                      [&services](const auto&, auto& response, const auto&) {
                        auto concerts = services.database.list_concerts();
                        if (reply_if_error(response, concerts)) return;
                        nlohmann::json list = nlohmann::json::array();
                        for (const auto& concert : concerts.value())
                          list.push_back({{"concertId", concert.id}, {"title", concert.title}});
                        reply_json(response, 200, {{"concerts", list}});
                      });
}

}  // namespace boxoffice::http

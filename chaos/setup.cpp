#include "chaos/setup.hpp"

#include <spdlog/spdlog.h>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "chaos/chaos_database.hpp"
#include "chaos/http_api.hpp"

namespace boxoffice::chaos {
namespace {

using nlohmann::json;

std::string rfc3339(long long ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

class Admin {
 public:
  Admin(const Options& options, const std::vector<std::string>& addresses)
      : options_(options), clients_(addresses, 10.0) {}

  json post(const std::string& path, const json& body) {
    ApiReply reply;
    for (int attempt = 0; attempt < 20; ++attempt) {
      reply = clients_.send(attempt % clients_.size(),
                            {"POST", path, body.dump(), "", "", options_.admin_key});
      if (!reply.unavailable()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    if (reply.status != 201)
      throw std::runtime_error("setup: POST " + path + " answered " + reply.label() + " " +
                               reply.transport_error +
                               (reply.body.is_null() ? "" : " " + reply.body.dump()));
    return reply.body;
  }

 private:
  const Options& options_;
  NodeClients clients_;
};

ChaosUser make_user(Admin& admin, const std::string& name) {
  const auto body = admin.post("/api/v1/admin/users", {{"name", name}});
  return {body.at("userId").get<std::int64_t>(), body.at("walletId").get<std::int64_t>()};
}

}  // namespace

World set_up_world(const Options& options, const std::vector<std::string>& addresses) {
  World world;
  world.addresses = addresses;
  world.price = options.seat_price;
  Admin admin(options, addresses);
  for (int i = 0; i < options.users; ++i)
    world.users.push_back(make_user(admin, "chaos-user-" + std::to_string(i + 1)));
  for (int i = 0; i < 8; ++i)
    world.probe_users.push_back(make_user(admin, "chaos-probe-" + std::to_string(i + 1)));
  const auto concert =
      admin.post("/api/v1/admin/concerts",
                 {{"title", "chaos night (seed " + std::to_string(options.seed) + ")"}});
  world.concert = concert.at("concertId").get<std::int64_t>();
  const long long now = now_ms();
  for (int i = 0; i < options.schedules; ++i) {
    const auto schedule =
        admin.post("/api/v1/admin/concerts/" + std::to_string(world.concert) + "/schedules",
                   {{"startsAt", rfc3339(now + (7 + i) * 86400000LL)},
                    {"bookingOpensAt", rfc3339(now - 3600000LL)},
                    {"bookingClosesAt", rfc3339(now + 5 * 86400000LL)},
                    {"seatCount", options.seats},
                    {"seatPrice", options.seat_price}});
    world.schedules.push_back({schedule.at("scheduleId").get<std::int64_t>(), options.seats,
                               std::make_shared<SeatBoard>(options.seats)});
  }
  spdlog::info("setup: {} users, {} probe users, concert {}, {} schedules x {} seats",
               world.users.size(), world.probe_users.size(), world.concert, world.schedules.size(),
               options.seats);
  return world;
}

}  // namespace boxoffice::chaos

#include "support/booking_client.hpp"

#include <chrono>
#include <stdexcept>

#include "domain/rfc3339.hpp"
#include "support/test_node.hpp"

namespace boxoffice::testing {
namespace {

using nlohmann::json;

constexpr std::int64_t kHourMs = 3'600'000;

Answer post(httplib::Client& client, const std::string& path, const httplib::Headers& headers,
            const json& body) {
  return answer_of(client.Post(path.c_str(), headers, body.dump(), "application/json"));
}

// The created resource's body; throws (failing the test) on anything but 201.
json created(const Answer& answer, const std::string& what) {
  if (answer.status != 201) throw std::runtime_error(what + ": " + shown(answer));
  return answer.body_json();
}

}  // namespace

NewUser create_user(httplib::Client& client, const std::string& name,
                    const std::string& admin_key) {
  const auto body =
      created(post(client, "/api/v1/admin/users", {{"X-Admin-Key", admin_key}}, {{"name", name}}),
              "create user " + name);
  return {body.at("userId").get<std::int64_t>(), body.at("walletId").get<std::int64_t>()};
}

std::int64_t open_schedule(httplib::Client& client, std::int32_t seats, std::int64_t price,
                           const std::string& admin_key) {
  const httplib::Headers admin{{"X-Admin-Key", admin_key}};
  const auto concert =
      created(post(client, "/api/v1/admin/concerts", admin, {{"title", "Cluster Night"}}),
              "create concert")
          .at("concertId")
          .get<std::int64_t>();
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  const json spec = {{"startsAt", domain::format_rfc3339(now + 24 * kHourMs)},
                     {"bookingOpensAt", domain::format_rfc3339(now - kHourMs)},
                     {"bookingClosesAt", domain::format_rfc3339(now + kHourMs)},
                     {"seatCount", seats},
                     {"seatPrice", price}};
  return created(post(client, "/api/v1/admin/concerts/" + std::to_string(concert) + "/schedules",
                      admin, spec),
                 "create schedule")
      .at("scheduleId")
      .get<std::int64_t>();
}

Answer issue_token(httplib::Client& client, std::int64_t user) {
  return post(client, "/api/v1/queue/tokens", {}, {{"userId", user}});
}

Answer token_status(httplib::Client& client, const std::string& token) {
  return answer_of(client.Get("/api/v1/queue/tokens/me", bearer(token)));
}

Answer charge(httplib::Client& client, std::int64_t wallet, std::int64_t user, std::int64_t amount,
              const std::string& idempotency_key) {
  httplib::Headers headers;
  if (!idempotency_key.empty()) headers.emplace("Idempotency-Key", idempotency_key);
  return post(client, "/api/v1/wallets/" + std::to_string(wallet) + "/charges", headers,
              {{"userId", user}, {"amount", amount}});
}

Answer balance(httplib::Client& client, std::int64_t wallet, std::int64_t user) {
  const auto path = "/api/v1/wallets/" + std::to_string(wallet) + "?userId=" + std::to_string(user);
  return answer_of(client.Get(path.c_str()));
}

Answer seats(httplib::Client& client, const std::string& token, std::int64_t schedule) {
  const auto path = "/api/v1/schedules/" + std::to_string(schedule) + "/seats";
  return answer_of(client.Get(path.c_str(), bearer(token)));
}

Answer hold(httplib::Client& client, const std::string& token, std::int64_t schedule,
            std::int32_t seat) {
  return post(client, "/api/v1/reservations", bearer(token),
              {{"scheduleId", schedule}, {"seatNumber", seat}});
}

Answer reservation(httplib::Client& client, const std::string& token, std::int64_t reservation) {
  const auto path = "/api/v1/reservations/" + std::to_string(reservation);
  return answer_of(client.Get(path.c_str(), bearer(token)));
}

Answer cancel(httplib::Client& client, const std::string& token, std::int64_t reservation) {
  const auto path = "/api/v1/reservations/" + std::to_string(reservation);
  return answer_of(client.Delete(path.c_str(), bearer(token)));
}

Answer pay(httplib::Client& client, const std::string& token, std::int64_t reservation,
           const std::string& idempotency_key) {
  auto headers = bearer(token);
  if (!idempotency_key.empty()) headers.emplace("Idempotency-Key", idempotency_key);
  return post(client, "/api/v1/payments", headers, {{"reservationId", reservation}});
}

}  // namespace boxoffice::testing

// The load's operations: one REST call each, and what the user learns from the answer.
#include <string>

#include "chaos/load_worker.hpp"

namespace boxoffice::chaos {
namespace {

using nlohmann::json;

std::int64_t int_field(const json& body, const char* name) {
  if (!body.is_object() || !body.contains(name) || !body[name].is_number_integer()) return 0;
  return body[name].get<std::int64_t>();
}

std::string string_field(const json& body, const char* name) {
  if (!body.is_object() || !body.contains(name) || !body[name].is_string()) return {};
  return body[name].get<std::string>();
}

constexpr auto kPollEvery = std::chrono::milliseconds(500);

}  // namespace

void LoadWorker::issue_token(UserState& u) {
  const auto reply =
      call("token_issue",
           {"POST", "/api/v1/queue/tokens", json{{"userId", u.who.user}}.dump(), "", "", ""},
           Retry::always);  // a repeated issue returns the user's live token
  if (!reply.ok()) return;
  u.token = string_field(reply.body, "token");
  const auto status = string_field(reply.body, "status");
  u.state = status == "ACTIVE" ? TokenState::active : TokenState::waiting;
  u.next_poll = std::chrono::steady_clock::now() + kPollEvery;
  if (u.token.empty()) forget_token(u);
}

void LoadWorker::poll_token(UserState& u) {
  const auto reply =
      call("token_poll", {"GET", "/api/v1/queue/tokens/me", "", u.token, "", ""}, Retry::always);
  u.next_poll = std::chrono::steady_clock::now() + kPollEvery;
  if (reply.status == 401) return forget_token(u);
  if (!reply.ok()) return;
  const auto status = string_field(reply.body, "status");
  if (status == "ACTIVE")
    u.state = TokenState::active;
  else if (status == "WAITING")
    u.state = TokenState::waiting;
  else
    forget_token(u);  // EXPIRED or COMPLETED: a new place in line next time
}

void LoadWorker::read_seats(UserState& u) {
  const auto& schedule = world_.schedules[rng_() % world_.schedules.size()];
  const auto reply = call(
      "seat_map",
      {"GET", "/api/v1/schedules/" + std::to_string(schedule.id) + "/seats", "", u.token, "", ""},
      Retry::always);
  if (!reply.ok()) return on_token_refused(u, reply);
  if (!reply.body.contains("seats") || !reply.body["seats"].is_array()) return;
  for (const auto& seat : reply.body["seats"]) {
    const auto status = string_field(seat, "status");
    schedule.board->mark(static_cast<int>(int_field(seat, "seatNumber")),
                         status == "SOLD"   ? SeatBoard::sold
                         : status == "HELD" ? SeatBoard::held
                                            : SeatBoard::available);
  }
}

void LoadWorker::hold(UserState& u) {
  const bool hot = static_cast<int>(rng_() % 100) < options_.hot_percent;
  const auto& schedule =
      hot ? world_.schedules.front() : world_.schedules[rng_() % world_.schedules.size()];
  const int seat =
      hot ? schedule.board->pick_hot(options_.hot_seats, rng_) : schedule.board->pick_any(rng_);
  const auto reply =
      call(hot ? "hold_hot" : "hold",
           {"POST", "/api/v1/reservations",
            json{{"scheduleId", schedule.id}, {"seatNumber", seat}}.dump(), u.token, "", ""},
           Retry::always);  // asking again for one's own hold returns it (200)
  if (reply.ok()) {
    u.reservation = int_field(reply.body, "reservationId");
    u.pay_key.clear();
    record_.holds.push_back({u.reservation, schedule.id, u.who.user, seat});
    schedule.board->mark(seat, SeatBoard::held);
  } else if (reply.code == "SEAT_UNAVAILABLE") {
    if (schedule.board->get(seat) == SeatBoard::available)
      schedule.board->mark(seat, SeatBoard::held);
  } else {
    on_token_refused(u, reply);
  }
}

void LoadWorker::charge(UserState& u, std::int64_t at_least) {
  const std::int64_t base = world_.price > 0 ? world_.price : 10000;
  const std::int64_t amount = std::max<std::int64_t>(
      at_least, base / 2 + static_cast<std::int64_t>(rng_() % static_cast<std::uint64_t>(base)));
  const bool keyed = rng_() % 2 == 0;
  const std::string key = keyed ? "c-" + std::to_string(options_.seed) + "-" +
                                      std::to_string(index_) + "-" + std::to_string(++keys_)
                                : "";
  const auto reply =
      call(keyed ? "charge_keyed" : "charge",
           {"POST", "/api/v1/wallets/" + std::to_string(u.who.wallet) + "/charges",
            json{{"userId", u.who.user}, {"amount", amount}}.dump(), "", key, ""},
           keyed ? Retry::always : Retry::on_503);  // unkeyed: nothing changed only on 503
  if (reply.ok()) {
    u.balance = int_field(reply.body, "balance");
    record_.charges.push_back({u.who.wallet, u.who.user, int_field(reply.body, "charged"),
                               u.balance, key, reply.earlier_503 > 0});
  } else if (reply.status == 503 && reply.earlier_transport == 0) {
    record_.refused_charges.push_back({u.who.wallet, amount, key});  // 503: nothing changed
  } else if (reply.status == 0 || reply.status == 504 || reply.earlier_transport > 0) {
    record_.unknown_charges.push_back({u.who.wallet, amount, key});
  }
}

void LoadWorker::pay(UserState& u) {
  if (u.balance >= 0 && u.balance < world_.price) return charge(u, world_.price);
  if (u.pay_key.empty())
    u.pay_key = "p-" + std::to_string(options_.seed) + "-" + std::to_string(index_) + "-" +
                std::to_string(++keys_);
  const auto reply = call("pay",
                          {"POST", "/api/v1/payments",
                           json{{"reservationId", u.reservation}}.dump(), u.token, u.pay_key, ""},
                          Retry::always);
  if (reply.status == 201) {
    const auto schedule = int_field(reply.body, "scheduleId");
    const int seat = static_cast<int>(int_field(reply.body, "seatNumber"));
    record_.payments.push_back({int_field(reply.body, "paymentId"), u.reservation, u.who.user,
                                schedule, int_field(reply.body, "amount"), seat, u.pay_key});
    u.balance = int_field(reply.body, "balance");
    for (const auto& s : world_.schedules)
      if (s.id == schedule) s.board->mark(seat, SeatBoard::sold);
    u.reservation = 0;
    u.pay_key.clear();
    forget_token(u);  // COMPLETED
  } else if (reply.code == "INSUFFICIENT_BALANCE") {
    u.balance = 0;  // charge before the next try
    u.pay_key.clear();
  } else if (reply.code == "RESERVATION_EXPIRED" || reply.code == "RESERVATION_NOT_FOUND") {
    u.reservation = 0;
    u.pay_key.clear();
  } else if (!reply.unavailable()) {
    on_token_refused(u, reply);
  }
}

void LoadWorker::cancel(UserState& u) {
  const auto reply =
      call("cancel",
           {"DELETE", "/api/v1/reservations/" + std::to_string(u.reservation), "", u.token, "", ""},
           Retry::always);
  // Attempts answered 503 changed nothing: a cancel refused so (or found not live any more
  // by its retry) must not have cancelled the reservation.
  const bool refused_before = reply.earlier_503 > 0 && reply.earlier_transport == 0;
  if ((reply.status == 503 && reply.earlier_transport == 0) ||
      (refused_before && reply.code == "RESERVATION_EXPIRED"))
    record_.refused_cancels.push_back(u.reservation);
  if (reply.ok()) {
    record_.cancels.push_back(u.reservation);
    u.reservation = 0;
    u.pay_key.clear();
  } else if (reply.code == "RESERVATION_EXPIRED" || reply.code == "RESERVATION_NOT_FOUND") {
    u.reservation = 0;
    u.pay_key.clear();
  } else {
    on_token_refused(u, reply);
  }
}

}  // namespace boxoffice::chaos

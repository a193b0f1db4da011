#include "actors/gateway.hpp"

#include <algorithm>
#include <future>

#include "actors/entity_directory.hpp"
#include "actors/entity_key.hpp"
#include "actors/messages.hpp"
#include "actors/queue_actor.hpp"
#include "actors/reply_slot.hpp"
#include "actors/router.hpp"
#include "actors/runtime.hpp"

namespace boxoffice::actors {
namespace {

// Whether a request may be sent again to a new owner when the first one died answering it.
enum class Retry { safe, unsafe };

// A read: --request-timeout. A write: answered by its deadline (503) or, once its COMMIT was
// sent, within --commit-wait after it; a second more covers the hops.
std::chrono::milliseconds answer_timeout(const config::Config& config,
                                         const domain::WriteTag* write) {
  if (!write) return config.request_timeout;
  return std::chrono::milliseconds(
      std::max<domain::TimeMs>(0, write->deadline - domain::wall_clock_ms()) +
      config.commit_wait.count() + 1000);
}

// Sends `request` to the owner of `key`; `done` gets the answer on the router's thread.
template <class Reply>
void ask_later(Runtime& runtime, const std::string& key, caf::message request, Retry retry,
               const domain::WriteTag* write, std::function<void(domain::Result<Reply>)> done) {
  auto slot =
      std::make_shared<TypedSlot<Reply>>(answer_timeout(runtime.context().config, write),
                                         retry == Retry::safe, write != nullptr, std::move(done));
  caf::anon_send(runtime.router(), route_atom::value, key, std::move(request),
                 std::shared_ptr<ReplySlot>(slot));
}

// Waits on this thread for what `start` answers later. `timeout`: the asks' own timeouts;
// the margin covers the router's queue and one retry (or a lookup) after a peer was found
// dead; past it a write is 504 (it may be committing somewhere), a read 503.
template <class Reply>
domain::Result<Reply> wait_for(const config::Config& config, std::chrono::milliseconds timeout,
                               bool write,
                               const std::function<void(Gateway::Answer<Reply>)>& start) {
  auto promise = std::make_shared<std::promise<domain::Result<Reply>>>();
  auto answer = promise->get_future();
  start([promise](domain::Result<Reply> result) { promise->set_value(std::move(result)); });
  const auto margin = std::chrono::milliseconds(500) + config.peer_timeout;
  if (answer.wait_for(timeout + margin) != std::future_status::ready) {
    if (write)  // it may be committing somewhere: only a 504 is the truth
      return domain::make_error(domain::ErrorCode::outcome_unknown,
                                "the write was not answered in time; it may or may not have "
                                "happened");
    return domain::make_error(domain::ErrorCode::unavailable,
                              "the owning actor did not answer in time");
  }
  return answer.get();
}

template <class Reply>
domain::Result<Reply> ask(Runtime& runtime, const std::string& key, caf::message request,
                          Retry retry, const domain::WriteTag* write = nullptr) {
  const auto& config = runtime.context().config;
  return wait_for<Reply>(
      config, answer_timeout(config, write), write != nullptr, [&](Gateway::Answer<Reply> done) {
        ask_later<Reply>(runtime, key, std::move(request), retry, write, std::move(done));
      });
}

Retry retry_with_key(const std::string& idempotency_key) {
  return idempotency_key.empty() ? Retry::unsafe : Retry::safe;
}

}  // namespace

Gateway::Gateway(Runtime& runtime, EntityDirectory* directory)
    : runtime_(runtime), directory_(directory) {}

namespace {

std::optional<domain::Error> refusal(const domain::Result<bool>& exists, domain::ErrorCode code,
                                     const char* what, domain::Id id) {
  if (!exists.ok()) return exists.error();
  if (exists.value()) return std::nullopt;
  return domain::make_error(code, std::string(what) + " " + std::to_string(id) + " does not exist");
}

}  // namespace

std::optional<domain::Error> Gateway::refuse_unknown_wallet(domain::Id wallet) {
  if (!directory_) return std::nullopt;
  return refusal(directory_->wallet_exists(wallet), domain::ErrorCode::wallet_not_found, "wallet",
                 wallet);
}

std::optional<domain::Error> Gateway::refuse_unknown_schedule(domain::Id schedule) {
  if (!directory_) return std::nullopt;
  return refusal(directory_->schedule_exists(schedule), domain::ErrorCode::schedule_not_found,
                 "schedule", schedule);
}

bool Gateway::holds_without_waiting(domain::Id schedule) const {
  return !directory_ || directory_->schedule_exists_now(schedule).has_value();
}

bool Gateway::owns(const std::string& key) const {
  return runtime_.cluster().current()->owns(key);
}

domain::WriteTag Gateway::write_tag(const RequestOrigin& origin) const {
  const auto& config = runtime_.context().config;
  auto budget = std::chrono::duration_cast<std::chrono::milliseconds>(config.request_timeout);
  if (origin.started != std::chrono::steady_clock::time_point{})
    budget -= std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - origin.started);
  return domain::WriteTag{domain::make_request_id(origin.request_id),
                          domain::wall_clock_ms() + std::max<std::int64_t>(0, budget.count())};
}

std::shared_ptr<const ClusterView> Gateway::cluster() const {
  return runtime_.cluster().current();
}

domain::Result<domain::BalanceView> Gateway::wallet_balance(domain::Id wallet, domain::Id user) {
  if (auto refused = refuse_unknown_wallet(wallet)) return *refused;
  return ask<domain::BalanceView>(runtime_, entity_key(EntityKind::wallet, wallet),
                                  caf::make_message(caf::get_atom::value, user), Retry::safe);
}

domain::Result<domain::ChargeReceipt> Gateway::charge(domain::Id wallet, domain::Id user,
                                                      domain::Won amount,
                                                      const std::string& idempotency_key,
                                                      const RequestOrigin& origin) {
  const auto& config = runtime_.context().config;
  const auto tag = write_tag(origin);
  return wait_for<domain::ChargeReceipt>(
      config, answer_timeout(config, &tag), true, [&](Answer<domain::ChargeReceipt> done) {
        charge_later(wallet, user, amount, idempotency_key, origin, std::move(done));
      });
}

void Gateway::charge_later(domain::Id wallet, domain::Id user, domain::Won amount,
                           const std::string& idempotency_key, const RequestOrigin& origin,
                           Answer<domain::ChargeReceipt> done) {
  if (auto refused = refuse_unknown_wallet(wallet)) {
    done(*refused);
    return;
  }
  const auto tag = write_tag(origin);
  ask_later<domain::ChargeReceipt>(
      runtime_, entity_key(EntityKind::wallet, wallet),
      caf::make_message(charge_atom::value, ChargeCommand{user, amount, idempotency_key, tag}),
      retry_with_key(idempotency_key), &tag, std::move(done));
}

}  // namespace boxoffice::actors

namespace boxoffice::actors {
namespace {

// Seconds since a replica's host was last heard from, when that is a second or more (the
// host sends at least a heartbeat every 250 ms while the link is up): an Age header.
std::int64_t replica_age_seconds(std::chrono::steady_clock::time_point heard_at) {
  const auto age = std::chrono::steady_clock::now() - heard_at;
  return std::chrono::duration_cast<std::chrono::seconds>(age).count();
}

domain::Result<domain::TokenView> as_view(domain::Result<TokenReply> reply) {
  if (!reply.ok()) return reply.error();
  return to_view(reply.value());
}

}  // namespace

domain::Result<domain::TokenView> Gateway::issue_token(domain::Id user) {
  return as_view(ask<TokenReply>(runtime_, kQueueKey, caf::make_message(issue_atom::value, user),
                                 Retry::safe));
}

std::optional<domain::Result<domain::TokenView>> Gateway::token_from_read_model(
    const std::string& token, bool look) const {
  auto& side = runtime_.board().queue();
  const auto reading = side.reading();
  if (!reading.model) return std::nullopt;
  const auto now = runtime_.context().clock.now_ms();
  auto view = reading.model->view(token, now);
  if (reading.replica) {
    // Another node hosts the line: a token not in the replica may have been issued there a
    // moment ago (or ended long ago): the host is asked once, never 401 from here.
    if (!view) return std::nullopt;
    view->age_seconds = replica_age_seconds(reading.heard_at);
  } else if (!owns(kQueueKey)) {
    return std::nullopt;  // handing the line over: the new host answers
  } else if (!view) {
    // Every token committed on this node is in the model or among the forgotten ended ones:
    // anything else is unknown, answered without the database or the actor.
    // Alone, nobody else writes the line; in a cluster, a previous owner's last writes may
    // land just after this node loaded it.
    if (!side.surely_unknown(token, unknown_settle_time(runtime_.context().config)))
      return std::nullopt;
    return domain::Result<domain::TokenView>(
        domain::make_error(domain::ErrorCode::token_invalid, "the queue token is not known"));
  }
  if (look && view->status == domain::TokenStatus::waiting) side.looked_at(token, now);
  return domain::Result<domain::TokenView>(std::move(*view));
}

domain::Result<domain::TokenView> Gateway::look_at_token(const std::string& token) {
  if (auto answer = token_from_read_model(token, true)) return std::move(*answer);
  return as_view(ask<TokenReply>(runtime_, kQueueKey,
                                 caf::make_message(caf::get_atom::value, token), Retry::safe));
}

domain::Result<domain::TokenView> Gateway::check_token(const std::string& token) {
  // Answered from the queue's read model (as of its last commit); a token ended long ago
  // asks the queue actor, which has the last word (and the database).
  if (auto answer = token_from_read_model(token, false)) return std::move(*answer);
  return as_view(ask<TokenReply>(runtime_, kQueueKey, caf::make_message(check_atom::value, token),
                                 Retry::safe));
}

}  // namespace boxoffice::actors

namespace boxoffice::actors {

domain::Result<Gateway::SeatMapView> Gateway::seat_map(domain::Id schedule) {
  if (auto refused = refuse_unknown_schedule(schedule)) return *refused;
  auto reply = ask<SeatMapReply>(runtime_, entity_key(EntityKind::schedule, schedule),
                                 caf::make_message(seats_atom::value), Retry::safe);
  if (!reply.ok()) return reply.error();
  SeatMapView view{reply->schedule, reply->concert, {}};
  view.seats.reserve(reply->seats.size());
  for (const auto& entry : reply->seats) {
    domain::Seat seat;
    seat.number = entry.number;
    seat.price = entry.price;
    seat.status = static_cast<domain::SeatStatus>(entry.status);
    view.seats.push_back(seat);
  }
  return view;
}

std::shared_ptr<const SeatMapSnapshot> Gateway::seat_map_snapshot(domain::Id schedule,
                                                                  domain::TimeMs now) const {
  if (!owns(entity_key(EntityKind::schedule, schedule))) return nullptr;
  auto snapshot = runtime_.board().seat_map(schedule);
  return snapshot && snapshot->usable(now) ? snapshot : nullptr;
}

domain::Result<Gateway::ScheduleView> Gateway::schedule_summary(domain::Id schedule) {
  if (auto refused = refuse_unknown_schedule(schedule)) return *refused;
  auto reply = ask<ScheduleSummary>(runtime_, entity_key(EntityKind::schedule, schedule),
                                    caf::make_message(summary_atom::value), Retry::safe);
  if (!reply.ok()) return reply.error();
  ScheduleView view;
  view.schedule.id = reply->schedule;
  view.schedule.spec = domain::ScheduleSpec{reply->concert,
                                            reply->starts_at,
                                            reply->opens_at,
                                            reply->closes_at,
                                            static_cast<std::int32_t>(reply->total_seats),
                                            0};
  view.available_seats = reply->available_seats;
  view.bookable = reply->bookable;
  return view;
}

domain::Result<domain::HoldView> Gateway::hold(domain::Id schedule, std::int32_t seat,
                                               domain::Id user, const RequestOrigin& origin) {
  const auto& config = runtime_.context().config;
  const auto tag = write_tag(origin);
  return wait_for<domain::HoldView>(config, answer_timeout(config, &tag), true,
                                    [&](Answer<domain::HoldView> done) {
                                      hold_later(schedule, seat, user, origin, std::move(done));
                                    });
}

void Gateway::hold_later(domain::Id schedule, std::int32_t seat, domain::Id user,
                         const RequestOrigin& origin, Answer<domain::HoldView> done) {
  if (auto refused = refuse_unknown_schedule(schedule)) {
    done(*refused);
    return;
  }
  const auto tag = write_tag(origin);
  ask_later<domain::HoldView>(runtime_, entity_key(EntityKind::schedule, schedule),
                              caf::make_message(hold_atom::value, seat, user, tag), Retry::safe,
                              &tag, std::move(done));
}

domain::Result<domain::HoldView> Gateway::cancel(domain::Id schedule, domain::Id reservation,
                                                 domain::Id user, const RequestOrigin& origin) {
  const auto tag = write_tag(origin);
  return ask<domain::HoldView>(runtime_, entity_key(EntityKind::schedule, schedule),
                               caf::make_message(cancel_atom::value, reservation, user, tag),
                               Retry::unsafe, &tag);
}

domain::Result<domain::PaymentReceipt> Gateway::pay(domain::Id schedule, domain::Id reservation,
                                                    domain::Id user, domain::Id wallet,
                                                    const std::string& token,
                                                    const std::string& idempotency_key,
                                                    const RequestOrigin& origin) {
  const auto& config = runtime_.context().config;
  const auto tag = write_tag(origin);
  // The payment, then the queue's completion (a read's timeout).
  return wait_for<domain::PaymentReceipt>(config,
                                          answer_timeout(config, &tag) + config.request_timeout,
                                          true, [&](Answer<domain::PaymentReceipt> done) {
                                            pay_later(schedule, reservation, user, wallet, token,
                                                      idempotency_key, origin, std::move(done));
                                          });
}

void Gateway::pay_later(domain::Id schedule, domain::Id reservation, domain::Id user,
                        domain::Id wallet, const std::string& token,
                        const std::string& idempotency_key, const RequestOrigin& origin,
                        Answer<domain::PaymentReceipt> done) {
  const auto tag = write_tag(origin);
  Runtime& runtime = runtime_;
  ask_later<domain::PaymentReceipt>(
      runtime, entity_key(EntityKind::schedule, schedule),
      caf::make_message(pay_atom::value,
                        PayRequest{reservation, user, wallet, token, idempotency_key, tag}),
      retry_with_key(idempotency_key), &tag,
      [&runtime, token, done = std::move(done)](domain::Result<domain::PaymentReceipt> receipt) {
        if (!receipt.ok()) {
          done(std::move(receipt));
          return;
        }
        // The payment committed the token's COMPLETED row already; the queue actor answers
        // once the admission the freed place made is committed and readable, so the answer
        // means "the next fan is in" (API.md: a payment lets the next fan in).
        ask_later<bool>(runtime, kQueueKey, caf::make_message(complete_atom::value, token),
                        Retry::safe, nullptr,
                        [done, receipt](domain::Result<bool>) { done(receipt); });
      });
}

}  // namespace boxoffice::actors

#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/cluster_view.hpp"
#include "actors/snapshot_board.hpp"
#include "domain/payment.hpp"
#include "domain/queue_token.hpp"
#include "domain/result.hpp"
#include "domain/seat_map.hpp"
#include "domain/wallet.hpp"
#include "domain/write_tag.hpp"

namespace boxoffice::actors {

class EntityDirectory;
class Runtime;

// Where a write comes from: its HTTP request's id (for logs and the write's own request id)
// and when that request arrived (its deadline is --request-timeout after it). Default: a
// request that arrives now with no id of its own.
struct RequestOrigin {
  std::string request_id;
  std::chrono::steady_clock::time_point started{};
};

// What the HTTP front may ask of the actors, as plain calls: each sends one request to the
// owning entity actor through the router and waits. A read is bounded by --request-timeout
// (past it: UNAVAILABLE). A write carries a WriteTag (its own request id, its deadline
// --request-timeout after the HTTP request arrived) down to its storage job, and is answered
// by the deadline (503: nothing written) or, once its COMMIT was sent, within --commit-wait
// (the verdict, or 504 OUTCOME_UNKNOWN). No CAF type leaks out of here.
class Gateway {
 public:
  // With a directory, a wallet or schedule id that does not exist is refused before any actor
  // starts for it (none: the entity actor finds out, with a database read). Cancels and
  // payments name the schedule of a stored reservation: it exists, no check.
  explicit Gateway(Runtime& runtime, EntityDirectory* directory = nullptr);

  // This node's current view of the cluster (a single node: itself only).
  std::shared_ptr<const ClusterView> cluster() const;

  // The answer of a request, given on an actor's thread (or at once, for a refusal): the
  // caller's thread does not wait for it.
  template <class Reply>
  using Answer = std::function<void(domain::Result<Reply>)>;

  domain::Result<domain::BalanceView> wallet_balance(domain::Id wallet, domain::Id user);
  domain::Result<domain::ChargeReceipt> charge(domain::Id wallet, domain::Id user,
                                               domain::Won amount,
                                               const std::string& idempotency_key,
                                               const RequestOrigin& origin = {});
  // charge() without a waiting thread (the HTTP front answers later).
  void charge_later(domain::Id wallet, domain::Id user, domain::Won amount,
                    const std::string& idempotency_key, const RequestOrigin& origin,
                    Answer<domain::ChargeReceipt> done);

  // Waiting room. issue_token: created == true for a new token (201).
  domain::Result<domain::TokenView> issue_token(domain::Id user);
  domain::Result<domain::TokenView> look_at_token(const std::string& token);  // GET me
  domain::Result<domain::TokenView> check_token(const std::string& token);    // booking gate
  // The booking gate's answer from this node's memory (the queue's read model), or none when
  // only the queue actor can give it (check_token waits for it then).
  std::optional<domain::Result<domain::TokenView>> check_token_now(const std::string& token) const {
    return token_from_read_model(token, false);
  }
  // Whether hold_later() tells whether `schedule` exists without a database read.
  bool holds_without_waiting(domain::Id schedule) const;

  // Schedules: seat maps and summaries from the schedule actor's memory.
  struct SeatMapView {
    domain::Id schedule = 0;
    domain::Id concert = 0;
    std::vector<domain::Seat> seats;  // number, price, status (as clients see it)
  };
  struct ScheduleView {
    domain::Schedule schedule;
    std::int64_t available_seats = 0;
    bool bookable = false;
  };
  domain::Result<SeatMapView> seat_map(domain::Id schedule);
  // The published seat map when it can answer a read at `now` (else null: ask seat_map()).
  std::shared_ptr<const SeatMapSnapshot> seat_map_snapshot(domain::Id schedule,
                                                           domain::TimeMs now) const;
  domain::Result<ScheduleView> schedule_summary(domain::Id schedule);
  domain::Result<domain::HoldView> hold(domain::Id schedule, std::int32_t seat, domain::Id user,
                                        const RequestOrigin& origin = {});
  // hold() without a waiting thread (the HTTP front answers later).
  void hold_later(domain::Id schedule, std::int32_t seat, domain::Id user,
                  const RequestOrigin& origin, Answer<domain::HoldView> done);
  domain::Result<domain::HoldView> cancel(domain::Id schedule, domain::Id reservation,
                                          domain::Id user, const RequestOrigin& origin = {});
  domain::Result<domain::PaymentReceipt> pay(domain::Id schedule, domain::Id reservation,
                                             domain::Id user, domain::Id wallet,
                                             const std::string& token,
                                             const std::string& idempotency_key,
                                             const RequestOrigin& origin = {});
  // pay() without a waiting thread.
  void pay_later(domain::Id schedule, domain::Id reservation, domain::Id user, domain::Id wallet,
                 const std::string& token, const std::string& idempotency_key,
                 const RequestOrigin& origin, Answer<domain::PaymentReceipt> done);

 private:
  // Published snapshots answer reads only for entities this node owns now: another
  // node's writes never reach this node's board.
  bool owns(const std::string& key) const;
  // A token as the queue's published read model (or this node's replica of it) has it, or
  // TOKEN_INVALID when it is not known (none: ask the queue actor); a look at a WAITING
  // token is left for its idle clock.
  std::optional<domain::Result<domain::TokenView>> token_from_read_model(const std::string& token,
                                                                         bool look) const;
  domain::WriteTag write_tag(const RequestOrigin& origin) const;
  // WALLET_NOT_FOUND / SCHEDULE_NOT_FOUND (or why it could not be known) for an id the
  // directory does not know; none for one that exists.
  std::optional<domain::Error> refuse_unknown_wallet(domain::Id wallet);
  std::optional<domain::Error> refuse_unknown_schedule(domain::Id schedule);

  Runtime& runtime_;
  EntityDirectory* directory_;
};

}  // namespace boxoffice::actors

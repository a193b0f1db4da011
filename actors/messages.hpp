#pragma once

// Atoms, message types and error conversion shared by every actor. Types that cross the
// network (cluster) have an inspect(); local-only payloads are whitelisted below.
#include <caf/all.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "domain/error.hpp"
#include "domain/payment.hpp"
#include "domain/queue_token.hpp"
#include "domain/seat_map.hpp"
#include "domain/wallet.hpp"
#include "domain/write_tag.hpp"

namespace boxoffice::actors {

using route_atom = caf::atom_constant<caf::atom("route")>;
using charge_atom = caf::atom_constant<caf::atom("charge")>;
using passivate_atom = caf::atom_constant<caf::atom("passivate")>;
using continue_atom = caf::atom_constant<caf::atom("continue")>;
using issue_atom = caf::atom_constant<caf::atom("issue")>;
using check_atom = caf::atom_constant<caf::atom("check")>;
using complete_atom = caf::atom_constant<caf::atom("complete")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using forward_atom = caf::atom_constant<caf::atom("forward")>;
using hold_atom = caf::atom_constant<caf::atom("hold")>;
using cancel_atom = caf::atom_constant<caf::atom("cancel")>;
using pay_atom = caf::atom_constant<caf::atom("pay")>;
using debit_atom = caf::atom_constant<caf::atom("debit")>;
using seats_atom = caf::atom_constant<caf::atom("seats")>;
using summary_atom = caf::atom_constant<caf::atom("summary")>;
using expire_atom = caf::atom_constant<caf::atom("expire")>;
// Cluster: serve = "you own this key, answer it"; hello = a peer introduces itself;
// leaving = a peer stops (hands its entities over); handover = an entity actor is no longer
// owned here and stops once its writes are done; leave = this node starts stopping.
using serve_atom = caf::atom_constant<caf::atom("serve")>;
using hello_atom = caf::atom_constant<caf::atom("hello")>;
using leaving_atom = caf::atom_constant<caf::atom("leaving")>;
using handover_atom = caf::atom_constant<caf::atom("handover")>;
using leave_atom = caf::atom_constant<caf::atom("leave")>;
// refresh = an actor of this key elsewhere stopped after writing: reload yours.
using refresh_atom = caf::atom_constant<caf::atom("refresh")>;
// sweep = answer (503) the queued writes whose deadline passed.
using sweep_atom = caf::atom_constant<caf::atom("sweep")>;
// idle = an entity actor looks whether it saw a request since (idle_watch.hpp).
using idle_atom = caf::atom_constant<caf::atom("idle")>;

// Work to finish inside an actor after a storage job (see storage_bridge.hpp).
struct Continuation {
  std::function<void()> run;
};

// A charge as the wallet actor receives it: amount already validated.
struct ChargeCommand {
  domain::Id user = 0;
  domain::Won amount = 0;
  std::string idempotency_key;
  domain::WriteTag tag;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ChargeCommand& x) {
  return f(caf::meta::type_name("ChargeCommand"), x.user, x.amount, x.idempotency_key, x.tag);
}

// domain::TokenView on the wire (CAF 0.17 cannot inspect std::optional): -1 / 0 mean none.
struct TokenReply {
  std::string token;
  domain::Id user = 0;
  std::int32_t status = 0;
  std::int64_t position = -1;
  std::int64_t estimated_wait_seconds = -1;
  domain::TimeMs issued_at = 0;
  domain::TimeMs expires_at = 0;
  std::int64_t remaining_seconds = -1;
  bool created = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, TokenReply& x) {
  return f(caf::meta::type_name("TokenReply"), x.token, x.user, x.status, x.position,
           x.estimated_wait_seconds, x.issued_at, x.expires_at, x.remaining_seconds, x.created);
}

TokenReply to_reply(const domain::TokenView& view);
domain::TokenView to_view(const TokenReply& reply);

// A payment as the HTTP front asks the schedule actor for it.
struct PayRequest {
  domain::Id reservation = 0;
  domain::Id user = 0;
  domain::Id wallet = 0;
  std::string token;
  std::string idempotency_key;
  domain::WriteTag tag;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, PayRequest& x) {
  return f(caf::meta::type_name("PayRequest"), x.reservation, x.user, x.wallet, x.token,
           x.idempotency_key, x.tag);
}

struct SeatEntry {
  std::int32_t number = 0;
  domain::Won price = 0;
  std::int32_t status = 0;  // domain::SeatStatus as clients see it (PAYING shows as HELD)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, SeatEntry& x) {
  return f(caf::meta::type_name("SeatEntry"), x.number, x.price, x.status);
}

struct SeatMapReply {
  domain::Id schedule = 0;
  domain::Id concert = 0;
  std::vector<SeatEntry> seats;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, SeatMapReply& x) {
  return f(caf::meta::type_name("SeatMapReply"), x.schedule, x.concert, x.seats);
}

struct ScheduleSummary {
  domain::Id schedule = 0;
  domain::Id concert = 0;
  domain::TimeMs starts_at = 0;
  domain::TimeMs opens_at = 0;
  domain::TimeMs closes_at = 0;
  std::int64_t total_seats = 0;
  std::int64_t available_seats = 0;
  bool bookable = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ScheduleSummary& x) {
  return f(caf::meta::type_name("ScheduleSummary"), x.schedule, x.concert, x.starts_at, x.opens_at,
           x.closes_at, x.total_seats, x.available_seats, x.bookable);
}

// The error category of domain errors inside CAF; the code is the ErrorCode, the context
// message carries the detail text.
caf::error to_caf_error(const domain::Error& error);
domain::Error to_domain_error(const caf::error& error);
// 503 UNAVAILABLE for work refused while this node rejoins the cluster after it stood still
// (see StallWatch).
caf::error rejoining_error();
// 503 UNAVAILABLE for a write whose deadline passed before it was written.
caf::error deadline_error();

// Registers every message type on the actor system config.
void register_message_types(caf::actor_system_config& config);

}  // namespace boxoffice::actors

namespace boxoffice::domain {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, WriteTag& x) {
  return f(caf::meta::type_name("WriteTag"), x.request_id, x.deadline);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ChargeReceipt& x) {
  return f(caf::meta::type_name("ChargeReceipt"), x.wallet, x.user, x.balance, x.charged);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, HoldView& x) {
  return f(caf::meta::type_name("HoldView"), x.reservation, x.schedule, x.concert, x.seat, x.user,
           x.price, x.held_until, x.created);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, PaymentOrder& x) {
  return f(caf::meta::type_name("PaymentOrder"), x.reservation, x.user, x.wallet, x.schedule,
           x.seat, x.price, x.token, x.idempotency_key, x.tag);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, PaymentReceipt& x) {
  return f(caf::meta::type_name("PaymentReceipt"), x.payment, x.reservation, x.user, x.schedule,
           x.seat, x.amount, x.balance, x.paid_at);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, BalanceView& x) {
  return f(caf::meta::type_name("BalanceView"), x.wallet, x.user, x.balance);
}

}  // namespace boxoffice::domain

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(boxoffice::actors::Continuation)

#pragma once

// Atoms, message types and error conversion shared by every actor. Types that cross the
// network (cluster) have an inspect(); local-only payloads are whitelisted below.
#include <caf/all.hpp>
#include <functional>
#include <memory>
#include <string>

#include "domain/error.hpp"
#include "domain/queue_token.hpp"
#include "domain/wallet.hpp"

namespace boxoffice::actors {

using route_atom = caf::atom_constant<caf::atom("route")>;
using charge_atom = caf::atom_constant<caf::atom("charge")>;
using passivate_atom = caf::atom_constant<caf::atom("passivate")>;
using continue_atom = caf::atom_constant<caf::atom("continue")>;
using issue_atom = caf::atom_constant<caf::atom("issue")>;
using check_atom = caf::atom_constant<caf::atom("check")>;
using complete_atom = caf::atom_constant<caf::atom("complete")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;

// Work to finish inside an actor after a storage job (see storage_bridge.hpp).
struct Continuation {
  std::function<void()> run;
};

// A charge as the wallet actor receives it: amount already validated.
struct ChargeCommand {
  domain::Id user = 0;
  domain::Won amount = 0;
  std::string idempotency_key;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ChargeCommand& x) {
  return f(caf::meta::type_name("ChargeCommand"), x.user, x.amount, x.idempotency_key);
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
  return f(caf::meta::type_name("TokenReply"), x.token, x.user, x.status, x.position, x.estimated_wait_seconds,
           x.issued_at, x.expires_at, x.remaining_seconds, x.created);
}

TokenReply to_reply(const domain::TokenView& view);
domain::TokenView to_view(const TokenReply& reply);

// The error category of domain errors inside CAF; the code is the ErrorCode, the context
// message carries the detail text.
caf::error to_caf_error(const domain::Error& error);
domain::Error to_domain_error(const caf::error& error);

// Registers every message type on the actor system config.
void register_message_types(caf::actor_system_config& config);

}  // namespace boxoffice::actors

namespace boxoffice::domain {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ChargeReceipt& x) {
  return f(caf::meta::type_name("ChargeReceipt"), x.wallet, x.user, x.balance, x.charged);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, BalanceView& x) {
  return f(caf::meta::type_name("BalanceView"), x.wallet, x.user, x.balance);
}

}  // namespace boxoffice::domain

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(boxoffice::actors::Continuation)

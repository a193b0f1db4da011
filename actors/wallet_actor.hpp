#pragma once

#include <caf/all.hpp>
#include <deque>
#include <optional>

#include "actors/entity_context.hpp"
#include "actors/idle_watch.hpp"
#include "actors/messages.hpp"
#include "domain/wallet.hpp"

namespace boxoffice::actors {

struct QueuedCharge {
  ChargeCommand command;
  caf::response_promise promise;
  int attempts = 0;
};

struct QueuedPayment {
  domain::PaymentOrder order;
  caf::response_promise promise;
  int attempts = 0;
};

struct WalletActorState {
  domain::Wallet wallet;
  std::deque<QueuedCharge> queued;     // charges waiting for the next write
  std::deque<QueuedPayment> payments;  // debits waiting: each is its own transaction
  bool writing = false;                // a batch transaction is in flight
  bool stopping = false;               // the router forgot us: quit once the write is done
  bool sweep_armed = false;            // a sweep_atom is on its way (queued deadlines)
  IdleWatch idle;
  static inline const char* name = "wallet";
};

using WalletActor = caf::stateful_actor<WalletActorState>;

// The single writer of one wallet (payments: wallet_payments.cpp). Loads it, answers balance
// reads from memory, and commits charges in batches: while one transaction is in flight the
// charges that arrive queue up and go together in the next one; each is answered only after
// its commit.
// Every write carries its deadline: one still queued at it is answered 503 and never
// written; a batch's COMMIT is sent before the earliest deadline in it or not at all.
//   (get_atom, user)               -> BalanceView
//   (charge_atom, ChargeCommand)   -> ChargeReceipt
//   (debit_atom, PaymentOrder)     -> PaymentReceipt (the whole payment transaction)
caf::behavior wallet_actor(WalletActor* self, EntityContext* context, domain::Id wallet_id);

}  // namespace boxoffice::actors

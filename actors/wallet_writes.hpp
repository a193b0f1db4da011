#pragma once

// Internal to the wallet actor (wallet_actor.cpp, wallet_payments.cpp).
#include <functional>
#include <optional>

#include "actors/storage_bridge.hpp"
#include "actors/wallet_actor.hpp"

namespace boxoffice::actors::wallet {

// Writes a request may lose to another writer before it is refused (503). Each loss means
// the other writer committed; during a cluster move the old owner's actor drains a short
// queue and stops, so a few attempts are always enough and this only bounds a livelock.
constexpr int kMaxAttempts = 8;

// Loads the wallet (in a batch with other wallets: context->wallet_loads) and runs `then`
// inside the actor with the outcome.
void load_then(WalletActor* self, EntityContext* context,
               std::function<void(StorageOutcome<std::optional<domain::Wallet>>)> then);
// Reloads the wallet from the database (keeping memory when that fails), then runs `next`.
void reload_then(WalletActor* self, EntityContext* context, std::function<void()> next);
// Starts the next write unless one is in flight: a queued payment first (one at a time, in
// the node's next payment batch), else a batch of the queued charges.
void write_next_batch(WalletActor* self, EntityContext* context);
// Hands the first queued payment to the node's PaymentWriter (wallet_payments.cpp).
void write_next_payment(WalletActor* self, EntityContext* context);

}  // namespace boxoffice::actors::wallet

#pragma once

#include <soci/soci.h>
#include <unordered_map>
#include <vector>

#include "config/config.hpp"
#include "domain/wallet.hpp"

namespace boxoffice::storage {

// Wallets read many at a time: on PostgreSQL one query (one round trip) for all of them, on
// SQLite one per id (no round trips there). What is not found is not in the map. Asked by
// the read batchers of the actor layer (actors/read_batcher.hpp).
std::unordered_map<domain::Id, domain::Wallet> load_wallets(soci::session& session,
                                                            config::DatabaseKind kind,
                                                            const std::vector<domain::Id>& ids);
// user -> the user's wallet id.
std::unordered_map<domain::Id, domain::Id> wallets_of_users(soci::session& session,
                                                            config::DatabaseKind kind,
                                                            const std::vector<domain::Id>& users);

}  // namespace boxoffice::storage

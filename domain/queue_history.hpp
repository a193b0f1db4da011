#pragma once

// Checks of the waiting room's stored history (the chaos checker's and the partition test's):
// what the queue tokens' timestamps and the queue lease's grants and writes must satisfy.
#include <cstdint>
#include <vector>

#include "domain/clock.hpp"

namespace boxoffice::domain {

// One token's life as stored.
struct TokenLife {
  std::int64_t seq = 0;
  TimeMs issued_at = 0;
  TimeMs activated_at = 0;  // 0: never ACTIVE
  TimeMs left_at = 0;       // when it stopped being live (ended, or ACTIVE until expiry); 0: live
};

// An admission that overtook an older token: `admitted` became ACTIVE while `skipped`, issued
// before it (lower seq, issued before that moment), was still WAITING.
struct Overtaking {
  std::int64_t admitted = 0;
  std::int64_t skipped = 0;
  TimeMs at = 0;
};

// Every admission made while an older token waited, except those within `slack` of the older
// one's own admission (0: none allowed).
std::vector<Overtaking> admissions_out_of_order(std::vector<TokenLife> lives, TimeMs slack = 0);

// The most tokens ACTIVE at one instant: the deepest overlap of [activated_at, left_at).
std::int64_t max_active_overlap(const std::vector<TokenLife>& lives);

// A grant of the queue lease, and a queue write as recorded in its transaction.
struct LeaseGrant {
  std::int64_t epoch = 0;
  TimeMs at = 0;
};
struct LeasedWrite {
  std::int64_t epoch = 0;
  TimeMs at = 0;
};

// Writes that committed with a stale epoch: a later epoch had been granted before the write
// (a takeover waits for a write in flight, so a correct write always precedes it).
std::vector<LeasedWrite> stale_queue_writes(const std::vector<LeaseGrant>& grants,
                                            const std::vector<LeasedWrite>& writes);

}  // namespace boxoffice::domain

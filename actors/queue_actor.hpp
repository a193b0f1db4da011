#pragma once

#include <caf/all.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/entity_context.hpp"
#include "actors/entity_key.hpp"
#include "actors/messages.hpp"
#include "actors/queue_lease.hpp"
#include "domain/queue_read_model.hpp"
#include "domain/waiting_room.hpp"

namespace boxoffice::actors {

// A read of a token whose latest change is not committed yet: answered after that commit.
struct DeferredRead {
  caf::response_promise promise;
  std::string token;
  bool created = false;  // the answer to the token's issue (201)
  bool issue = false;    // answers a POST: a token lost with a failed write is 503, never 401
};

// An issue waiting for its user check (all that arrive meanwhile go in one query).
struct PendingIssue {
  domain::Id user = 0;
  caf::response_promise promise;
};

struct QueueActorState {
  std::unique_ptr<domain::WaitingRoom> room;
  std::vector<std::pair<caf::response_promise, std::string>> replies_after_commit;  // issued tokens
  // Changes memory made that the database does not have yet: waiting for the next write
  // (`pending`) or in it, counted per token (`uncommitted`). Nobody is told a token's status
  // before the change that made it is committed.
  std::vector<domain::QueueChange> pending;
  std::unordered_map<std::string, int> uncommitted;
  std::vector<DeferredRead> deferred_reads;
  std::vector<PendingIssue> issues;                // not checked yet
  std::vector<caf::response_promise> completions;  // answered after the next commit
  bool checking_users = false;
  // What readers see: the line as of the last commit (published on the board after each).
  std::shared_ptr<const domain::QueueReadModel> model;
  std::deque<std::string> ended_in_model;  // oldest first; forgotten past a bound
  bool writing = false;
  bool stopping = false;  // handed over to another node: quit once the write in flight is done
  std::uint64_t timer_generation = 0;
  domain::TimeMs timer_at = 0;  // 0: no timer pending
  QueueLeaseState lease;        // every write is conditional on it (queue_lease.hpp)
  static inline const char* name = "queue";
};

using QueueActor = caf::stateful_actor<QueueActorState>;

// The waiting room's single writer: issue order, admission, expiry, positions. Every
// change is committed (in batches: what arrives during a write goes in the next one)
// before the request that caused it is answered, and a token whose latest change is not
// committed yet (admitted, expired, issued) is not shown to anyone until it is. After each
// commit it publishes the read model (context->board.queue()) that answers GET me and the
// token gate on the HTTP workers; the looks those record come back here in batches.
//   (issue_atom, user)        -> TokenReply (created: 201, else the user's live token)
//   (get_atom, token)         -> TokenReply, and counts as a look (idle clock reset)
//   (check_atom, token)       -> TokenReply (booking gate; no look)
//   (complete_atom, token)    -> bool (a payment completed it; frees the place at once)
//   (handover_atom)           another node owns the queue now: finish the write, then stop
//   (snapshot_atom)           -> ReplicaBatch: the whole model, for another node's replica
//   (looked_atom, looks)      looks polls left on another node (its replica answered them)
caf::behavior queue_actor(QueueActor* self, EntityContext* context);

// How long after a queue actor published its first model a token it does not know may still
// be one a previous host wrote last (clustered): such misses ask the database until then.
std::chrono::steady_clock::duration unknown_settle_time(const config::Config& config);

}  // namespace boxoffice::actors

#pragma once

#include <caf/all.hpp>
#include <memory>
#include <vector>

#include "actors/entity_context.hpp"
#include "actors/entity_key.hpp"
#include "actors/messages.hpp"
#include "domain/waiting_room.hpp"

namespace boxoffice::actors {

struct QueueActorState {
  std::unique_ptr<domain::WaitingRoom> room;
  std::vector<std::pair<caf::response_promise, std::string>> replies_after_commit;  // issued tokens
  bool writing = false;
  bool stopping = false;  // handed over to another node: quit once the write in flight is done
  std::uint64_t timer_generation = 0;
  domain::TimeMs timer_at = 0;  // 0: no timer pending
  static inline const char* name = "queue";
};

using QueueActor = caf::stateful_actor<QueueActorState>;

// The waiting room's single writer: issue order, admission, expiry, positions. Every
// change is committed (in batches: what arrives during a write goes in the next one)
// before the request that caused it is answered.
//   (issue_atom, user)        -> TokenReply (created: 201, else the user's live token)
//   (get_atom, token)         -> TokenReply, and counts as a look (idle clock reset)
//   (check_atom, token)       -> TokenReply (booking gate; no look)
//   (complete_atom, token)    -> bool (a payment completed it; frees the place at once)
//   (handover_atom)           another node owns the queue now: finish the write, then stop
caf::behavior queue_actor(QueueActor* self, EntityContext* context);

}  // namespace boxoffice::actors

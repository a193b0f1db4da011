#pragma once

// The queue actor's steps between memory and the database (internal to actors/queue_*.cpp):
// what it writes and when, what readers see after each commit, and reads that memory cannot
// answer. The actor's behaviors (queue_actor.cpp) call these.
#include <functional>
#include <string>
#include <vector>

#include "actors/queue_actor.hpp"

namespace boxoffice::actors::queue_steps {

domain::QueuePolicy policy_of(const EntityContext* context);
caf::error token_invalid();

// Moves what memory changed since into `pending`, counting each token's uncommitted changes.
void collect(QueueActor* self);
// True while the token has a change the database does not have yet.
bool uncommitted(const QueueActor* self, const std::string& token);
// Writes what is pending (one write at a time; what arrives meanwhile goes in the next),
// then answers what waited for that commit and publishes the read model.
void flush(QueueActor* self, EntityContext* context);
// Committed changes into the next read model.
void publish_changes(QueueActor* self, EntityContext* context,
                     const std::vector<domain::QueueChange>& changes);
// The looks polls left on the board since: each resets its token's idle clock.
void take_looks(QueueActor* self, EntityContext* context);
// Replaces memory with the line as stored, then runs `then`.
void reload(QueueActor* self, EntityContext* context, std::function<void()> then);
// A token memory no longer holds (ended long ago): asked of the database.
void answer_from_storage(QueueActor* self, EntityContext* context, const std::string& token,
                         caf::response_promise promise);

}  // namespace boxoffice::actors::queue_steps

#include "actors/queue_actor.hpp"

#include <algorithm>
#include <unordered_map>

#include "actors/queue_writes.hpp"
#include "actors/replica_messages.hpp"
#include "actors/storage_bridge.hpp"
#include "storage/queue_repository.hpp"

namespace boxoffice::actors {

using domain::ErrorCode;
using namespace queue_steps;  // the queue actor's own steps (queue_writes.hpp)

namespace {

// Issues a token for a user known to exist, whose wallet is `wallet` (its change is written by
// the next flush).
void issue_for(QueueActor* self, domain::Id user, domain::Id wallet, caf::response_promise promise,
               domain::TimeMs now) {
  auto& room = *self->state.room;
  if (const auto* live = room.live_token_of(user)) {
    room.touch(live->token, now);
    const auto token = live->token;
    collect(self);
    if (uncommitted(self, token))  // issued or admitted, not committed yet
      self->state.deferred_reads.push_back(DeferredRead{std::move(promise), token, false, true});
    else
      promise.deliver(to_reply(room.view(*room.find(token), now)));
    return;
  }
  const auto& token = room.issue(user, domain::new_token_text(), now, wallet);
  self->state.replies_after_commit.emplace_back(std::move(promise), token.token);
}

// Checks the users of every issue that arrived since the last check in one query, then
// issues their tokens together (one write). Issues arriving meanwhile wait for the next.
void check_users(QueueActor* self, EntityContext* context) {
  auto& state = self->state;
  if (state.stopping) {  // handed over: nothing of these was written here, the new host issues
    for (auto& issue : state.issues)
      issue.promise.delegate(context->router, forward_atom::value, kQueueKey,
                             caf::make_message(issue_atom::value, issue.user));
    state.issues.clear();
    return;
  }
  if (state.checking_users || state.issues.empty()) return;
  state.checking_users = true;
  auto batch = std::make_shared<std::vector<PendingIssue>>(std::move(state.issues));
  state.issues.clear();
  std::vector<domain::Id> users;
  users.reserve(batch->size());
  for (const auto& issue : *batch) users.push_back(issue.user);
  std::sort(users.begin(), users.end());
  users.erase(std::unique(users.begin(), users.end()), users.end());
  const auto kind = context->config.database.kind;
  run_storage<std::unordered_map<domain::Id, domain::Id>>(
      self, context->storage,
      [kind, users = std::move(users)](soci::session& session) {
        return storage::QueueRepository(session, kind).existing_users(users);
      },
      [self, context, batch](StorageOutcome<std::unordered_map<domain::Id, domain::Id>> outcome) {
        self->state.checking_users = false;
        if (!outcome.value) {
          for (auto& issue : *batch)
            issue.promise.deliver(to_caf_error(
                domain::make_error(ErrorCode::unavailable, "the database is not available")));
        } else {
          const auto& found = *outcome.value;  // user -> wallet
          const auto now = context->clock.now_ms();
          take_looks(self, context);
          self->state.room->advance(now);
          for (auto& issue : *batch) {
            const auto user = found.find(issue.user);
            if (user == found.end())
              issue.promise.deliver(to_caf_error(
                  domain::make_error(ErrorCode::user_not_found,
                                     "user " + std::to_string(issue.user) + " does not exist")));
            else
              issue_for(self, issue.user, user->second, std::move(issue.promise), now);
          }
          flush(self, context);
        }
        check_users(self, context);
        // A hand-over waited for this check (its issues are answered or passed on now).
        if (self->state.stopping && !self->state.writing) flush(self, context);
      },
      read_gate(context));
}

caf::behavior serving(QueueActor* self, EntityContext* context) {
  self->set_default_handler(caf::print_and_drop);
  const auto read = [self, context](const std::string& token,
                                    bool look) -> caf::result<TokenReply> {
    auto& room = *self->state.room;
    const auto now = context->clock.now_ms();
    if (!domain::plausible_token_text(token)) return token_invalid();
    take_looks(self, context);
    room.advance(now);
    if (const auto* entry = room.find(token)) {
      if (look) room.touch(token, now);
      auto reply = to_reply(room.view(*entry, now));
      flush(self, context);
      if (!uncommitted(self, token)) return reply;
      auto promise = self->make_response_promise();
      self->state.deferred_reads.push_back(DeferredRead{promise, token, false});
      return promise;
    }
    flush(self, context);
    // A token no node issued (asked here by a replica node, say) costs no database read.
    if (context->board.queue().surely_unknown(token, unknown_settle_time(context->config)))
      return token_invalid();
    auto promise = self->make_response_promise();
    answer_from_storage(self, context, token, promise);
    return promise;
  };
  return {
      [=](issue_atom, domain::Id user) -> caf::result<TokenReply> {
        auto promise = self->make_response_promise();
        self->state.issues.push_back(PendingIssue{user, promise});
        check_users(self, context);
        return promise;
      },
      [=](caf::get_atom, const std::string& token) { return read(token, true); },
      [=](check_atom, const std::string& token) { return read(token, false); },
      [=](complete_atom, const std::string& token) -> caf::result<bool> {
        auto& room = *self->state.room;
        take_looks(self, context);
        if (!room.complete(token, context->clock.now_ms())) {
          flush(self, context);
          return false;
        }
        // The payment committed it: readers see it at once, and the payment is answered
        // once the admission the freed place made is committed (and readable) too.
        publish_changes(
            self, context,
            {domain::QueueChange{false, domain::TokenStatus::active, *room.find(token)}});
        auto promise = self->make_response_promise<bool>();
        self->state.completions.push_back(promise);
        flush(self, context);
        return promise;
      },
      [=](tick_atom, std::uint64_t generation) {
        if (generation != self->state.timer_generation) return;
        self->state.timer_at = 0;
        take_looks(self, context);
        self->state.room->advance(context->clock.now_ms());
        flush(self, context);
      },
      [=](handover_atom) {
        self->state.stopping = true;
        if (!self->state.writing) flush(self, context);
      },
      // Replicas on the other nodes: a snapshot of the model, and the looks polls left there.
      [=](snapshot_atom) {
        return replica_snapshot(
            ReplicaSource{context->config.node_id, self->state.lease.epoch, self->id()},
            *self->state.model);
      },
      [=](looked_atom, const ReplicaLooks& looks) {
        auto& room = *self->state.room;
        for (std::size_t i = 0; i < looks.tokens.size() && i < looks.at.size(); ++i)
          room.touch(looks.tokens[i], looks.at[i]);
      },
      [](continue_atom, const Continuation& next) { next.run(); },
  };
}

}  // namespace

std::chrono::steady_clock::duration unknown_settle_time(const config::Config& config) {
  if (config.peers.empty()) return std::chrono::steady_clock::duration::zero();
  return config.request_timeout + config.commit_wait;
}

caf::behavior queue_actor(QueueActor* self, EntityContext* context) {
  self->state.room = std::make_unique<domain::WaitingRoom>(policy_of(context));
  // However it stops, readers stop reading its model (the router starts a new actor on
  // the next request that reaches it, and that one publishes its own).
  self->attach_functor([board = context->board_lifetime, id = self->id()](const caf::error&) {
    board->queue().retire(id);
  });
  self->set_default_handler(caf::skip);  // requests wait until the line is loaded
  host_queue(self, context, self->state.lease, [self, context] {  // the lease first
    reload(self, context, [self, context] {
      self->become(serving(self, context));
      flush(self, context);  // expiries found at load time
    });
  });
  return {
      [](continue_atom, const Continuation& next) { next.run(); },
  };
}

}  // namespace boxoffice::actors
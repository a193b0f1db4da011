// The outcome of a write whose owner on another node died before answering (ADR 003, 004).
#include <spdlog/spdlog.h>
#include <algorithm>

#include "actors/outcome_lookup.hpp"
#include "actors/router_state.hpp"
#include "actors/storage_bridge.hpp"
#include "storage/connection_fence.hpp"

namespace boxoffice::actors::routing {
namespace {

// The owner checks the deadline by its own clock before COMMIT: allow for a little skew.
constexpr domain::TimeMs kClockMargin = 250;

struct Settlement {
  bool fenced = false;                 // the dead process's connections are gone
  std::optional<caf::message> answer;  // the write's answer, when it committed
};

}  // namespace

void settle_remote_write(Self* self, const StatePtr& state, const RemoteAsk& ask,
                         const std::string& peer_connections) {
  auto& context = state->context();
  auto lookup = outcome_lookup_for(ask.key, ask.request, context.config.database.kind);
  if (!lookup) {
    ++context.stats.forward_failures;
    ask.slot->fail(domain::make_error(domain::ErrorCode::unavailable,
                                      "the node owning " + ask.key + " stopped answering"));
    return;
  }
  const auto deadline = lookup->tag.deadline;
  auto settle = [self, state, slot = ask.slot, key = ask.key, lookup = std::move(*lookup),
                 peer_connections]() {
    auto& context = state->context();
    const auto limit = domain::wall_clock_ms() + context.config.commit_wait.count();
    run_storage<Settlement>(
        self, context.storage,
        [lookup, peer_connections, limit](soci::session& session) {
          Settlement out;
          out.fenced = storage::fence_connections(session, peer_connections, true, limit);
          out.answer = lookup.find(session);
          return out;
        },
        [state, slot, key](StorageOutcome<Settlement> outcome) {
          auto& stats = state->context().stats;
          if (outcome.value && outcome.value->answer) {
            spdlog::info("cluster: a write to {} whose owner died is in the database", key);
            slot->settle(*outcome.value->answer);
          } else if (outcome.value && outcome.value->fenced) {
            ++stats.forward_failures;
            slot->fail(domain::make_error(
                domain::ErrorCode::unavailable,
                "the node owning " + key + " stopped before the write was committed"));
          } else {
            ++stats.forward_failures;
            slot->fail(domain::make_error(
                domain::ErrorCode::outcome_unknown,
                "the node owning " + key +
                    " stopped answering and the database could not tell whether the write "
                    "happened"));
          }
        },
        std::make_shared<storage::CommitGate>(limit, limit));
  };
  // Past the deadline the dead owner sends no COMMIT any more: what it sent before is ended
  // or decided by the fence, and the lookup is the truth.
  const auto wait = std::max<domain::TimeMs>(0, deadline + kClockMargin - domain::wall_clock_ms());
  if (wait == 0)
    settle();
  else
    self->delayed_send(self, std::chrono::milliseconds(wait), continue_atom::value,
                       Continuation{std::move(settle)});
}

}  // namespace boxoffice::actors::routing

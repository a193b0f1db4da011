#pragma once

#include <deque>
#include <ext/pb_ds/assoc_container.hpp>
#include <ext/pb_ds/tree_policy.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "domain/pointer_index.hpp"
#include "domain/queue_token.hpp"
#include "domain/token_view.hpp"

namespace boxoffice::domain {

struct QueuePolicy {
  std::int64_t max_active = 100;
  TimeMs token_ttl = 600'000;
  TimeMs idle_timeout = 120'000;
};

// One change the database must learn, in the order it happened.
struct QueueChange {
  bool inserted = false;  // a new token; else a status transition
  TokenStatus from = TokenStatus::waiting;
  QueueToken token;  // the state after the change
};

// The waiting room: issue order, continuous admission while fewer than max_active tokens
// are ACTIVE, ACTIVE expiry after token_ttl, WAITING expiry after idle_timeout without a
// look. Pure: time comes in as arguments. Positions cost O(log n) (an order-statistics
// tree over the issue order of the WAITING tokens), never a scan of the line.
class WaitingRoom {
 public:
  static constexpr std::size_t kEndedKept = 100'000;  // ended tokens remembered

  explicit WaitingRoom(QueuePolicy policy) : policy_(policy) {}
  WaitingRoom(const WaitingRoom&) = delete;  // it points into itself
  WaitingRoom& operator=(const WaitingRoom&) = delete;
  WaitingRoom(WaitingRoom&&) = default;
  WaitingRoom& operator=(WaitingRoom&&) = default;

  // Replaces the state with stored live tokens. ACTIVE ones past their expiry expire now;
  // WAITING ones count as seen at `now` (a restart must not expire people who were polling).
  // Takes the tokens over (no copy of a million texts at load).
  void restore(std::vector<QueueToken> live, std::int64_t last_seq, TimeMs now);

  // A new token for a user without a live one: ACTIVE at once if there is room and nobody
  // waits, else WAITING at the end of the line. `wallet`: the user's (0: not known).
  const QueueToken& issue(Id user, std::string text, TimeMs now, Id wallet = 0);

  // Expires what is due at `now` and admits while there is room.
  void advance(TimeMs now);
  // A payment completed this ACTIVE token (already committed); frees its place at once.
  bool complete(const std::string& token, TimeMs now);
  // A client looked at the token at `now` (GET me, or a re-issue): resets its idle clock
  // (a look older than the last one changes nothing).
  void touch(const std::string& token, TimeMs now);

  const QueueToken* find(const std::string& token) const;
  const QueueToken* live_token_of(Id user) const;
  TokenView view(const QueueToken& token, TimeMs now) const;
  std::optional<TimeMs> next_deadline() const;
  // The estimated wait of someone joining the back of the line now (0 when nobody waits).
  std::optional<std::int64_t> back_of_line_wait(TimeMs now) const;
  AdmissionRate admission_rate() const;

  std::int64_t waiting_count() const { return static_cast<std::int64_t>(waiting_.size()); }
  std::int64_t active_count() const { return active_count_; }
  std::int64_t admitted_total() const { return admitted_total_; }
  std::int64_t expired_total() const { return expired_total_; }

  std::vector<QueueChange> take_changes() { return std::exchange(changes_, {}); }

 private:
  // Seqs of the WAITING tokens, each with its token, in issue order.
  using OrderTree =
      __gnu_pbds::tree<std::int64_t, QueueToken*, std::less<std::int64_t>, __gnu_pbds::rb_tree_tag,
                       __gnu_pbds::tree_order_statistics_node_update>;
  struct TextOf {
    std::string_view operator()(const QueueToken& token) const { return token.token; }
  };
  struct UserOf {
    Id operator()(const QueueToken& token) const { return token.user; }
  };

  QueueToken* live_token(std::string_view text) const { return by_text_.find(text); }
  QueueToken* add_live(QueueToken token);
  void transition(QueueToken& token, TokenStatus to, TimeMs now);
  void end(QueueToken& token, TokenStatus to, TimeMs now);
  void admit(TimeMs now);
  void remember_ended(const QueueToken& token);

  QueuePolicy policy_;
  std::int64_t last_seq_ = 0;
  // The live tokens, in slots that never move (a deque: no allocation per token), found by
  // text and by user through indexes of pointers into it (issue 13: memory per token).
  std::deque<QueueToken> slots_;
  std::vector<QueueToken*> free_slots_;
  PointerIndex<QueueToken, std::string_view, TextOf> by_text_;
  PointerIndex<QueueToken, Id, UserOf> by_user_;
  OrderTree waiting_;
  std::set<std::pair<TimeMs, std::int64_t>> idle_deadlines_;  // (deadline, seq)
  std::set<std::pair<TimeMs, std::string>> active_deadlines_;
  std::int64_t active_count_ = 0;
  std::unordered_map<std::string, QueueToken> ended_;  // recent, bounded
  std::deque<std::string> ended_order_;
  std::deque<TimeMs> admissions_;  // recent admission times
  std::int64_t admitted_total_ = 0;
  std::int64_t expired_total_ = 0;
  std::vector<QueueChange> changes_;
};

}  // namespace boxoffice::domain

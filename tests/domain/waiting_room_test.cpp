#include <boost/test/unit_test.hpp>

// The waiting room of domain/waiting_room.hpp (issue order, admission while fewer than
// max_active are ACTIVE, ACTIVE expiry after token_ttl, WAITING expiry after idle_timeout
// without a look, positions, what a client sees, the changes the database must learn,
// restore after a restart) and the token text rules of domain/queue_token.hpp. Pure: every
// time is an explicit argument.

#include <cstdint>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "domain/queue_token.hpp"
#include "domain/waiting_room.hpp"

namespace boxoffice::domain {

// Failure messages name statuses, not enum numbers (internal linkage: other suites may do the
// same).
static std::ostream& operator<<(std::ostream& out, TokenStatus status) {
  return out << status_name(status);
}

namespace {

constexpr TimeMs kT0 = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

QueuePolicy policy(std::int64_t max_active, TimeMs ttl, TimeMs idle) {
  return QueuePolicy{max_active, ttl, idle};
}

// The status the room keeps for a token (a test failure when it does not know it).
TokenStatus status_of(const WaitingRoom& room, const std::string& token) {
  const auto* entry = room.find(token);
  BOOST_TEST_REQUIRE(entry != nullptr, "unknown token " << token);
  return entry->status;
}

// What a client sees of a token at `now`.
TokenView seen(const WaitingRoom& room, const std::string& token, TimeMs now) {
  const auto* entry = room.find(token);
  BOOST_TEST_REQUIRE(entry != nullptr, "unknown token " << token);
  return room.view(*entry, now);
}

// The position a client sees (-1 when none).
std::int64_t position_of(const WaitingRoom& room, const std::string& token, TimeMs now) {
  return seen(room, token, now).position.value_or(-1);
}

std::string name(int i) {
  return "token-" + std::to_string(i);
}

// A stored token as the repository would load it.
QueueToken stored(const std::string& text, Id user, std::int64_t seq, TokenStatus status,
                  TimeMs issued, TimeMs last_seen, TimeMs activated = 0, TimeMs expires = 0) {
  QueueToken token;
  token.token = text;
  token.user = user;
  token.seq = seq;
  token.status = status;
  token.issued_at = issued;
  token.last_seen_at = last_seen;
  token.activated_at = activated;
  token.expires_at = expires;
  return token;
}

bool is_url_safe(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

}  // namespace

BOOST_AUTO_TEST_SUITE(waiting_room)

// --- admission ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(tokens_are_admitted_in_issue_order_while_fewer_than_max_are_active) {
  WaitingRoom room(policy(3, 10'000, 60'000));
  std::vector<std::string> tokens;
  for (int i = 0; i < 6; ++i) tokens.push_back(room.issue(100 + i, name(i), kT0 + i).token);

  for (int i = 0; i < 3; ++i) {
    const auto* entry = room.find(tokens[i]);
    BOOST_TEST_REQUIRE(entry != nullptr);
    BOOST_TEST(entry->status == TokenStatus::active, tokens[i]);
    BOOST_TEST(entry->activated_at == kT0 + i);
    BOOST_TEST(entry->expires_at == kT0 + i + 10'000);
    BOOST_TEST(entry->user == 100 + i);
  }
  for (int i = 3; i < 6; ++i) {
    BOOST_TEST(status_of(room, tokens[i]) == TokenStatus::waiting, tokens[i]);
    BOOST_TEST(position_of(room, tokens[i], kT0 + 10) == i - 2, tokens[i]);
  }
  BOOST_TEST(room.active_count() == 3);
  BOOST_TEST(room.waiting_count() == 3);
  BOOST_TEST(room.admitted_total() == 3);
  BOOST_TEST(room.expired_total() == 0);
}

BOOST_AUTO_TEST_CASE(issue_order_is_kept_in_the_sequence_numbers) {
  WaitingRoom room(policy(1, 10'000, 60'000));
  std::int64_t last = 0;
  for (int i = 0; i < 5; ++i) {
    const auto seq = room.issue(i + 1, name(i), kT0).seq;
    BOOST_TEST(seq > last);
    last = seq;
  }
}

BOOST_AUTO_TEST_CASE(completing_an_active_token_admits_the_next_in_the_same_call) {
  WaitingRoom room(policy(2, 10'000, 60'000));
  const auto a = room.issue(1, "a-token", kT0).token;
  const auto b = room.issue(2, "b-token", kT0).token;
  const auto c = room.issue(3, "c-token", kT0 + 1).token;
  const auto d = room.issue(4, "d-token", kT0 + 2).token;
  BOOST_TEST(status_of(room, c) == TokenStatus::waiting);

  BOOST_TEST(room.complete(a, kT0 + 500));
  BOOST_TEST(status_of(room, a) == TokenStatus::completed);
  BOOST_TEST(room.find(a)->ended_at == kT0 + 500);
  const auto* next = room.find(c);
  BOOST_TEST(next->status == TokenStatus::active);
  BOOST_TEST(next->activated_at == kT0 + 500);
  BOOST_TEST(next->expires_at == kT0 + 500 + 10'000);
  BOOST_TEST(position_of(room, c, kT0 + 500) == 0);
  BOOST_TEST(position_of(room, d, kT0 + 500) == 1);
  BOOST_TEST(status_of(room, b) == TokenStatus::active);
  BOOST_TEST(room.active_count() == 2);
  BOOST_TEST(room.waiting_count() == 1);
  BOOST_TEST(room.admitted_total() == 3);
  BOOST_TEST(room.expired_total() == 0);  // completing is not expiring

  // Only a live ACTIVE token can be completed.
  BOOST_TEST(!room.complete(a, kT0 + 600));
  BOOST_TEST(!room.complete(d, kT0 + 600));
  BOOST_TEST(!room.complete("no-such-token", kT0 + 600));
  BOOST_TEST(status_of(room, d) == TokenStatus::waiting);
  BOOST_TEST(room.active_count() == 2);
}

BOOST_AUTO_TEST_CASE(an_active_token_expires_exactly_at_activation_plus_ttl_and_admits_the_next) {
  WaitingRoom room(policy(1, 10'000, 60'000));
  const auto a = room.issue(1, "a-token", kT0).token;
  const auto b = room.issue(2, "b-token", kT0 + 100).token;

  room.advance(kT0 + 9'999);
  BOOST_TEST(status_of(room, a) == TokenStatus::active);
  BOOST_TEST(status_of(room, b) == TokenStatus::waiting);
  BOOST_TEST(room.expired_total() == 0);

  room.advance(kT0 + 10'000);
  BOOST_TEST(status_of(room, a) == TokenStatus::expired);
  BOOST_TEST(room.find(a)->ended_at == kT0 + 10'000);
  BOOST_TEST(status_of(room, b) == TokenStatus::active);
  BOOST_TEST(room.find(b)->activated_at == kT0 + 10'000);
  BOOST_TEST(room.find(b)->expires_at == kT0 + 20'000);
  BOOST_TEST(room.expired_total() == 1);
  BOOST_TEST(room.admitted_total() == 2);
  BOOST_TEST(room.active_count() == 1);
  BOOST_TEST(room.waiting_count() == 0);

  // The admitted one's ttl runs from its activation, not from its issue.
  room.advance(kT0 + 19'999);
  BOOST_TEST(status_of(room, b) == TokenStatus::active);
  room.advance(kT0 + 20'000);
  BOOST_TEST(status_of(room, b) == TokenStatus::expired);
  BOOST_TEST(room.active_count() == 0);
}

BOOST_AUTO_TEST_CASE(an_active_token_does_not_expire_for_being_idle) {
  WaitingRoom room(policy(1, 10'000, 1'000));
  const auto a = room.issue(1, "a-token", kT0).token;
  room.advance(kT0 + 9'999);
  BOOST_TEST(status_of(room, a) == TokenStatus::active);
}

BOOST_AUTO_TEST_CASE(a_waiting_token_expires_at_last_seen_plus_idle_timeout) {
  WaitingRoom room(policy(1, 600'000, 3'000));
  const auto a = room.issue(1, "a-token", kT0).token;
  const auto b = room.issue(2, "b-token", kT0 + 7).token;
  const auto c = room.issue(3, "c-token", kT0 + 2'000).token;

  room.advance(kT0 + 7 + 2'999);
  BOOST_TEST(status_of(room, b) == TokenStatus::waiting);
  BOOST_TEST(room.expired_total() == 0);

  room.advance(kT0 + 7 + 3'000);
  BOOST_TEST(status_of(room, b) == TokenStatus::expired);
  BOOST_TEST(room.find(b)->ended_at == kT0 + 3'007);
  BOOST_TEST(!seen(room, b, kT0 + 3'007).position.has_value());
  BOOST_TEST(status_of(room, c) == TokenStatus::waiting);
  BOOST_TEST(position_of(room, c, kT0 + 3'007) == 1);
  BOOST_TEST(status_of(room, a) == TokenStatus::active);  // no room was freed: nobody admitted
  BOOST_TEST(room.expired_total() == 1);
  BOOST_TEST(room.admitted_total() == 1);
  BOOST_TEST(room.waiting_count() == 1);

  room.advance(kT0 + 4'999);
  BOOST_TEST(status_of(room, c) == TokenStatus::waiting);
  room.advance(kT0 + 5'000);
  BOOST_TEST(status_of(room, c) == TokenStatus::expired);
  BOOST_TEST(room.expired_total() == 2);
  BOOST_TEST(room.waiting_count() == 0);
}

BOOST_AUTO_TEST_CASE(touch_postpones_the_idle_expiry) {
  WaitingRoom room(policy(1, 600'000, 3'000));
  room.issue(1, "a-token", kT0);
  const auto b = room.issue(2, "b-token", kT0).token;

  room.touch(b, kT0 + 2'000);
  room.advance(kT0 + 3'000);  // would have expired without the touch
  BOOST_TEST(status_of(room, b) == TokenStatus::waiting);
  room.touch(b, kT0 + 4'500);
  room.advance(kT0 + 7'499);
  BOOST_TEST(status_of(room, b) == TokenStatus::waiting);
  room.advance(kT0 + 7'500);
  BOOST_TEST(status_of(room, b) == TokenStatus::expired);
  BOOST_TEST(room.find(b)->ended_at == kT0 + 7'500);

  // Touching an ended or unknown token changes nothing.
  room.touch(b, kT0 + 7'600);
  room.touch("no-such-token", kT0 + 7'600);
  BOOST_TEST(status_of(room, b) == TokenStatus::expired);
  BOOST_TEST(room.waiting_count() == 0);
}

BOOST_AUTO_TEST_CASE(positions_close_the_gap_after_expiries_in_the_middle_of_the_line) {
  WaitingRoom room(policy(1, 600'000, 3'000));
  room.issue(1, "active", kT0);
  std::vector<std::string> line;
  for (int i = 0; i < 7; ++i) line.push_back(room.issue(10 + i, name(i), kT0).token);
  for (int i = 0; i < 7; ++i) BOOST_TEST(position_of(room, line[i], kT0) == i + 1);

  // 1, 3 and 4 (0-based) are abandoned; the others keep looking.
  for (const int i : {0, 2, 5, 6}) room.touch(line[i], kT0 + 2'000);
  room.advance(kT0 + 3'000);
  for (const int i : {1, 3, 4})
    BOOST_TEST(status_of(room, line[i]) == TokenStatus::expired, line[i]);
  BOOST_TEST(position_of(room, line[0], kT0 + 3'000) == 1);
  BOOST_TEST(position_of(room, line[2], kT0 + 3'000) == 2);
  BOOST_TEST(position_of(room, line[5], kT0 + 3'000) == 3);
  BOOST_TEST(position_of(room, line[6], kT0 + 3'000) == 4);
  BOOST_TEST(room.waiting_count() == 4);

  // A newcomer goes to the end of the shortened line.
  const auto late = room.issue(99, "late", kT0 + 3'001).token;
  BOOST_TEST(position_of(room, late, kT0 + 3'001) == 5);
}

// --- what a client sees ---------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(view_of_a_waiting_token) {
  WaitingRoom room(policy(1, 10'000, 60'000));
  room.issue(1, "a-token", kT0);
  const auto b = room.issue(2, "b-token", kT0 + 5).token;
  const auto view = seen(room, b, kT0 + 100);
  BOOST_TEST(view.token == b);
  BOOST_TEST(view.user == 2);
  BOOST_TEST(view.status == TokenStatus::waiting);
  BOOST_TEST_REQUIRE(view.position.has_value());
  BOOST_TEST(*view.position == 1);
  BOOST_TEST(view.issued_at == kT0 + 5);
  BOOST_TEST(!view.expires_at.has_value());
  BOOST_TEST(!view.remaining_seconds.has_value());
}

BOOST_AUTO_TEST_CASE(view_of_an_active_token) {
  WaitingRoom room(policy(1, 10'000, 60'000));
  const auto a = room.issue(7, "a-token", kT0).token;

  auto view = seen(room, a, kT0);
  BOOST_TEST(view.token == a);
  BOOST_TEST(view.user == 7);
  BOOST_TEST(view.status == TokenStatus::active);
  BOOST_TEST(view.position.value_or(-1) == 0);
  BOOST_TEST(view.issued_at == kT0);
  BOOST_TEST(view.expires_at.value_or(-1) == kT0 + 10'000);
  BOOST_TEST(view.remaining_seconds.value_or(-1) == 10);

  // Whole seconds, rounded up: never 0 while still ACTIVE.
  BOOST_TEST(seen(room, a, kT0 + 2'500).remaining_seconds.value_or(-1) == 8);
  BOOST_TEST(seen(room, a, kT0 + 9'000).remaining_seconds.value_or(-1) == 1);
  BOOST_TEST(seen(room, a, kT0 + 9'999).remaining_seconds.value_or(-1) == 1);
  BOOST_TEST(seen(room, a, kT0 + 9'999).status == TokenStatus::active);
}

BOOST_AUTO_TEST_CASE(an_active_token_past_its_expiry_shows_expired_before_advance) {
  WaitingRoom room(policy(1, 10'000, 60'000));
  const auto a = room.issue(1, "a-token", kT0).token;
  for (const TimeMs at : {kT0 + 10'000, kT0 + 10'001, kT0 + 99'000}) {
    const auto view = seen(room, a, at);
    BOOST_TEST(view.status == TokenStatus::expired, at - kT0);
    BOOST_TEST(!view.position.has_value());
    BOOST_TEST(!view.expires_at.has_value());
    BOOST_TEST(!view.remaining_seconds.has_value());
  }
}

BOOST_AUTO_TEST_CASE(view_of_ended_tokens_has_no_position) {
  WaitingRoom room(policy(1, 10'000, 60'000));
  const auto a = room.issue(1, "a-token", kT0).token;
  const auto b = room.issue(2, "b-token", kT0).token;
  BOOST_TEST_REQUIRE(room.complete(a, kT0 + 1'000));
  room.advance(kT0 + 11'000);

  const auto completed = seen(room, a, kT0 + 11'000);
  BOOST_TEST(completed.status == TokenStatus::completed);
  BOOST_TEST(!completed.position.has_value());
  BOOST_TEST(!completed.expires_at.has_value());
  BOOST_TEST(!completed.remaining_seconds.has_value());

  const auto expired = seen(room, b, kT0 + 11'000);
  BOOST_TEST(expired.status == TokenStatus::expired);
  BOOST_TEST(!expired.position.has_value());
  BOOST_TEST(!expired.expires_at.has_value());
  BOOST_TEST(!expired.remaining_seconds.has_value());
}

BOOST_AUTO_TEST_CASE(live_token_of_a_user_and_a_new_token_after_the_old_one_ended) {
  WaitingRoom room(policy(1, 10'000, 60'000));
  BOOST_TEST(room.live_token_of(1) == nullptr);
  const auto first = room.issue(1, "first", kT0).token;
  const auto other = room.issue(2, "other", kT0).token;
  BOOST_TEST_REQUIRE(room.live_token_of(1) != nullptr);
  BOOST_TEST(room.live_token_of(1)->token == first);
  BOOST_TEST_REQUIRE(room.live_token_of(2) != nullptr);
  BOOST_TEST(room.live_token_of(2)->token == other);  // WAITING is live too
  BOOST_TEST(room.live_token_of(3) == nullptr);

  BOOST_TEST_REQUIRE(room.complete(first, kT0 + 1));
  BOOST_TEST(room.live_token_of(1) == nullptr);
  const auto second = room.issue(1, "second", kT0 + 2).token;
  BOOST_TEST_REQUIRE(room.live_token_of(1) != nullptr);
  BOOST_TEST(room.live_token_of(1)->token == second);
  BOOST_TEST(status_of(room, second) ==
             TokenStatus::waiting);  // behind `other`, which got the place
  BOOST_TEST(position_of(room, second, kT0 + 2) == 1);
  BOOST_TEST(status_of(room, first) == TokenStatus::completed);  // the old one is still known

  // Same after an expiry.
  room.advance(kT0 + 1 + 10'000);
  BOOST_TEST(status_of(room, other) == TokenStatus::expired);
  BOOST_TEST(room.live_token_of(2) == nullptr);
  BOOST_TEST(room.live_token_of(1)->token == second);
  const auto again = room.issue(2, "again", kT0 + 10'002).token;
  BOOST_TEST(room.live_token_of(2)->token == again);
  BOOST_TEST(status_of(room, again) == TokenStatus::waiting);
}

BOOST_AUTO_TEST_CASE(estimated_wait_is_none_before_two_admissions_then_grows_with_position) {
  WaitingRoom room(policy(1, 600'000, 600'000));
  const auto a = room.issue(1, "a-token", kT0).token;
  std::vector<std::string> line;
  for (int i = 0; i < 20; ++i) line.push_back(room.issue(10 + i, name(i), kT0).token);
  for (const auto& token : line)
    BOOST_TEST(!seen(room, token, kT0 + 1'000).estimated_wait_seconds.has_value(), token);

  // A second admission 10 s after the first: about one every 5 s.
  BOOST_TEST_REQUIRE(room.complete(a, kT0 + 10'000));
  BOOST_TEST(status_of(room, line[0]) == TokenStatus::active);
  std::int64_t previous = 0;
  for (std::size_t i = 1; i < line.size(); ++i) {
    const auto view = seen(room, line[i], kT0 + 10'000);
    BOOST_TEST_REQUIRE(view.estimated_wait_seconds.has_value(), line[i]);
    BOOST_TEST(*view.estimated_wait_seconds >= previous, "position " << *view.position);
    BOOST_TEST(*view.estimated_wait_seconds >= 1);
    previous = *view.estimated_wait_seconds;
  }
  const auto first = *seen(room, line[1], kT0 + 10'000).estimated_wait_seconds;
  const auto last = *seen(room, line.back(), kT0 + 10'000).estimated_wait_seconds;
  BOOST_TEST(last > first);
  // 19 places at about 5 s each.
  BOOST_TEST(last >= 60);
  BOOST_TEST(last <= 200);
}

BOOST_AUTO_TEST_CASE(back_of_line_wait_is_the_estimate_of_the_last_place) {
  WaitingRoom room(policy(1, 600'000, 600'000));
  BOOST_TEST(room.back_of_line_wait(kT0).value_or(-1) == 0);  // nobody waits
  const auto a = room.issue(1, "a-token", kT0).token;
  BOOST_TEST(room.back_of_line_wait(kT0).value_or(-1) == 0);
  std::vector<std::string> line;
  for (int i = 0; i < 5; ++i) line.push_back(room.issue(10 + i, name(i), kT0).token);
  BOOST_TEST(!room.back_of_line_wait(kT0 + 1'000).has_value());  // one admission: no rate yet
  BOOST_TEST_REQUIRE(room.complete(a, kT0 + 10'000));
  const auto back = room.back_of_line_wait(kT0 + 10'000);
  BOOST_TEST_REQUIRE(back.has_value());
  BOOST_TEST(*back == *seen(room, line.back(), kT0 + 10'000).estimated_wait_seconds);
}

// --- changes for the database ---------------------------------------------------------------

BOOST_AUTO_TEST_CASE(take_changes_reports_inserts_and_transitions_in_order) {
  WaitingRoom room(policy(1, 10'000, 3'000));
  const auto a = room.issue(1, "a-token", kT0).token;
  const auto b = room.issue(2, "b-token", kT0 + 1).token;
  const auto c = room.issue(3, "c-token", kT0 + 2).token;

  auto changes = room.take_changes();
  BOOST_TEST_REQUIRE(changes.size() == 3u);
  BOOST_TEST(changes[0].inserted);
  BOOST_TEST(changes[0].token.token == a);
  BOOST_TEST(changes[0].token.status == TokenStatus::active);
  BOOST_TEST(changes[0].token.expires_at == kT0 + 10'000);
  BOOST_TEST(changes[1].inserted);
  BOOST_TEST(changes[1].token.token == b);
  BOOST_TEST(changes[1].token.status == TokenStatus::waiting);
  BOOST_TEST(changes[1].token.user == 2);
  BOOST_TEST(changes[1].token.issued_at == kT0 + 1);
  BOOST_TEST(changes[2].inserted);
  BOOST_TEST(changes[2].token.token == c);
  BOOST_TEST(room.take_changes().empty());  // taken once

  // A payment completed `a` (its own transaction wrote COMPLETED): only b's admission is new.
  room.touch(c, kT0 + 2'000);
  BOOST_TEST_REQUIRE(room.complete(a, kT0 + 2'500));
  changes = room.take_changes();
  BOOST_TEST_REQUIRE(changes.size() == 1u);
  BOOST_TEST(!changes[0].inserted);
  BOOST_TEST(changes[0].token.token == b);
  BOOST_TEST(changes[0].from == TokenStatus::waiting);
  BOOST_TEST(changes[0].token.status == TokenStatus::active);
  BOOST_TEST(changes[0].token.activated_at == kT0 + 2'500);
  BOOST_TEST(changes[0].token.expires_at == kT0 + 12'500);

  // Idle expiry of c, then b's ttl expiry, then a newcomer admitted at once: in that order.
  room.advance(kT0 + 5'000);
  const auto d = room.issue(4, "d-token", kT0 + 12'500).token;
  changes = room.take_changes();
  BOOST_TEST_REQUIRE(changes.size() == 3u);
  BOOST_TEST(!changes[0].inserted);
  BOOST_TEST(changes[0].token.token == c);
  BOOST_TEST(changes[0].from == TokenStatus::waiting);
  BOOST_TEST(changes[0].token.status == TokenStatus::expired);
  BOOST_TEST(changes[0].token.ended_at == kT0 + 5'000);
  BOOST_TEST(!changes[1].inserted);
  BOOST_TEST(changes[1].token.token == b);
  BOOST_TEST(changes[1].from == TokenStatus::active);
  BOOST_TEST(changes[1].token.status == TokenStatus::expired);
  BOOST_TEST(changes[1].token.ended_at == kT0 + 12'500);
  BOOST_TEST(changes[2].inserted);
  BOOST_TEST(changes[2].token.token == d);
  BOOST_TEST(changes[2].token.status == TokenStatus::active);
  BOOST_TEST(room.take_changes().empty());
}

// --- restore after a restart ----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(restore_keeps_statuses_and_positions_and_counts_waiting_as_seen_now) {
  const TimeMs now = kT0 + 3'600'000;
  const TimeMs long_ago = kT0;  // far more than the idle timeout before `now`
  WaitingRoom room(policy(2, 10'000, 3'000));
  room.restore(
      {stored("s1", 1, 1, TokenStatus::active, now - 5'000, now - 5'000, now - 5'000, now + 5'000),
       stored("s2", 2, 2, TokenStatus::active, now - 4'000, now - 4'000, now - 1'000, now + 9'000),
       stored("s4", 4, 4, TokenStatus::waiting, long_ago, long_ago),
       stored("s6", 6, 6, TokenStatus::waiting, long_ago, long_ago),
       stored("s7", 7, 7, TokenStatus::waiting, long_ago, long_ago)},
      9, now);

  BOOST_TEST(room.take_changes().empty());  // nothing happened that the database does not know
  BOOST_TEST(room.active_count() == 2);
  BOOST_TEST(room.waiting_count() == 3);
  BOOST_TEST(status_of(room, "s1") == TokenStatus::active);
  BOOST_TEST(seen(room, "s1", now).expires_at.value_or(-1) == now + 5'000);
  BOOST_TEST(seen(room, "s2", now).expires_at.value_or(-1) == now + 9'000);
  BOOST_TEST(position_of(room, "s4", now) == 1);
  BOOST_TEST(position_of(room, "s6", now) == 2);
  BOOST_TEST(position_of(room, "s7", now) == 3);
  BOOST_TEST(room.live_token_of(6)->token == "s6");
  BOOST_TEST(seen(room, "s4", now).issued_at == long_ago);

  // The WAITING ones count as seen at `now`: they expire idle-timeout after it, not before.
  room.advance(now + 2'999);
  BOOST_TEST(status_of(room, "s4") == TokenStatus::waiting);
  room.touch("s4", now + 2'999);
  room.advance(now + 3'000);
  BOOST_TEST(status_of(room, "s4") == TokenStatus::waiting);
  BOOST_TEST(status_of(room, "s6") == TokenStatus::expired);
  BOOST_TEST(status_of(room, "s7") == TokenStatus::expired);

  // Sequence numbers go on after the stored ones.
  const auto& next = room.issue(8, "s10", now + 3'001);
  BOOST_TEST(next.seq == 10);
  BOOST_TEST(position_of(room, "s10", now + 3'001) == 2);
}

BOOST_AUTO_TEST_CASE(restore_expires_active_tokens_past_their_expiry_and_admits_the_next) {
  const TimeMs now = kT0 + 100'000;
  WaitingRoom room(policy(2, 10'000, 3'000));
  room.restore({stored("late", 1, 1, TokenStatus::active, kT0, kT0, kT0, now - 1),
                stored("due", 2, 2, TokenStatus::active, kT0, kT0, kT0 + 1, now),
                stored("live", 3, 3, TokenStatus::active, kT0, kT0, now - 1, now + 9'999),
                stored("w4", 4, 4, TokenStatus::waiting, kT0, kT0),
                stored("w5", 5, 5, TokenStatus::waiting, kT0, kT0)},
               5, now);

  BOOST_TEST(status_of(room, "late") == TokenStatus::expired);
  BOOST_TEST(status_of(room, "due") == TokenStatus::expired);
  BOOST_TEST(status_of(room, "live") == TokenStatus::active);
  BOOST_TEST(status_of(room, "w4") == TokenStatus::active);
  BOOST_TEST(room.find("w4")->expires_at == now + 10'000);
  BOOST_TEST(position_of(room, "w5", now) == 1);
  BOOST_TEST(room.active_count() == 2);
  BOOST_TEST(room.expired_total() == 2);

  const auto changes = room.take_changes();
  BOOST_TEST_REQUIRE(changes.size() == 3u);
  BOOST_TEST(changes[0].token.token == "late");
  BOOST_TEST(changes[0].from == TokenStatus::active);
  BOOST_TEST(changes[0].token.status == TokenStatus::expired);
  BOOST_TEST(changes[1].token.token == "due");
  BOOST_TEST(changes[1].token.status == TokenStatus::expired);
  BOOST_TEST(changes[2].token.token == "w4");
  BOOST_TEST(changes[2].from == TokenStatus::waiting);
  BOOST_TEST(changes[2].token.status == TokenStatus::active);
}

BOOST_AUTO_TEST_CASE(restore_replaces_what_was_there) {
  WaitingRoom room(policy(1, 10'000, 3'000));
  room.issue(1, "old-a", kT0);
  room.issue(2, "old-b", kT0);
  room.restore({stored("new-w", 3, 3, TokenStatus::waiting, kT0, kT0)}, 3, kT0 + 10);
  BOOST_TEST(room.live_token_of(1) == nullptr);
  BOOST_TEST(room.live_token_of(2) == nullptr);
  BOOST_TEST(room.find("old-b") == nullptr);
  // Room was free: the restored WAITING token is admitted.
  BOOST_TEST(status_of(room, "new-w") == TokenStatus::active);
  BOOST_TEST(room.active_count() == 1);
  BOOST_TEST(room.waiting_count() == 0);
}

// --- timers ---------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(next_deadline_is_the_earliest_expiry) {
  WaitingRoom room(policy(1, 10'000, 3'000));
  BOOST_TEST(!room.next_deadline().has_value());

  const auto a = room.issue(1, "a-token", kT0).token;
  BOOST_TEST(room.next_deadline().value_or(-1) == kT0 + 10'000);

  const auto b = room.issue(2, "b-token", kT0 + 1).token;
  BOOST_TEST(room.next_deadline().value_or(-1) == kT0 + 3'001);
  room.touch(b, kT0 + 2'000);
  BOOST_TEST(room.next_deadline().value_or(-1) == kT0 + 5'000);
  room.touch(b, kT0 + 8'000);  // now the ttl of `a` comes first
  BOOST_TEST(room.next_deadline().value_or(-1) == kT0 + 10'000);

  BOOST_TEST_REQUIRE(room.complete(a, kT0 + 9'000));  // b admitted: only its ttl is left
  BOOST_TEST(room.next_deadline().value_or(-1) == kT0 + 19'000);

  room.advance(kT0 + 19'000);
  BOOST_TEST(!room.next_deadline().has_value());
}

// --- scale ----------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(positions_in_a_line_of_100000) {
  WaitingRoom room(policy(1, 600'000, 600'000));
  room.issue(1, "active", kT0);
  std::vector<std::string> line;
  line.reserve(100'000);
  for (int i = 0; i < 100'000; ++i)
    line.push_back(room.issue(10 + i, name(i), kT0 + i / 100).token);
  const TimeMs now = kT0 + 1'000;
  BOOST_TEST(room.waiting_count() == 100'000);
  BOOST_TEST(position_of(room, line.front(), now) == 1);
  BOOST_TEST(position_of(room, line[50'000], now) == 50'001);
  BOOST_TEST(position_of(room, line.back(), now) == 100'000);
}

// --- token text -----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(new_token_text_is_22_url_safe_characters_and_never_repeats) {
  std::set<std::string> seen_texts;
  std::vector<std::set<char>> per_place(22);
  for (int i = 0; i < 1'000; ++i) {
    const auto text = new_token_text();
    BOOST_TEST_REQUIRE(text.size() == 22u, text);
    for (std::size_t at = 0; at < text.size(); ++at) {
      BOOST_TEST_REQUIRE(is_url_safe(text[at]), text);
      per_place[at].insert(text[at]);
    }
    BOOST_TEST(plausible_token_text(text), text);
    seen_texts.insert(text);
  }
  BOOST_TEST(seen_texts.size() == 1'000u);
  // Random in every place that carries 6 bits (the 22nd holds the last 2 of 128).
  for (std::size_t at = 0; at < 21; ++at) BOOST_TEST(per_place[at].size() >= 40u, "place " << at);
}

BOOST_AUTO_TEST_CASE(plausible_token_text_takes_url_safe_text_of_sensible_length) {
  BOOST_TEST(plausible_token_text("AAAAAAAAAAAAAAAAAAAAAA"));
  BOOST_TEST(plausible_token_text("abcXYZ019-_abcXYZ019-_"));
  BOOST_TEST(plausible_token_text(std::string(16, 'a')));
  BOOST_TEST(plausible_token_text(std::string(64, 'Z')));

  BOOST_TEST(!plausible_token_text(""));
  BOOST_TEST(!plausible_token_text("short"));
  BOOST_TEST(!plausible_token_text(std::string(15, 'a')));
  BOOST_TEST(!plausible_token_text(std::string(65, 'a')));
  BOOST_TEST(!plausible_token_text(std::string(10'000, 'a')));
  const std::vector<std::string> bad_characters = {
      "+", "/", "=", " ", ".", "%", "\"", "\n", "\t", "\xc3\xa9", std::string(1, '\0')};
  for (const auto& bad : bad_characters) {
    const std::string text = "AAAAAAAAAA" + bad + "AAAAAAAAAAA";
    BOOST_TEST(!plausible_token_text(text), "with " << bad);
  }
}

BOOST_AUTO_TEST_CASE(status_names_round_trip) {
  for (const auto status :
       {TokenStatus::waiting, TokenStatus::active, TokenStatus::expired, TokenStatus::completed})
    BOOST_TEST(parse_token_status(status_name(status)).value_or(TokenStatus::completed) == status,
               status);
  BOOST_TEST(parse_token_status("COMPLETED").has_value());
  BOOST_TEST(std::string(status_name(TokenStatus::waiting)) == "WAITING");
  BOOST_TEST(std::string(status_name(TokenStatus::active)) == "ACTIVE");
  BOOST_TEST(std::string(status_name(TokenStatus::expired)) == "EXPIRED");
  BOOST_TEST(std::string(status_name(TokenStatus::completed)) == "COMPLETED");
  BOOST_TEST(!parse_token_status("waiting").has_value());
  BOOST_TEST(!parse_token_status("").has_value());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::domain

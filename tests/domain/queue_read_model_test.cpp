#include <boost/test/unit_test.hpp>

// The read model of domain/queue_read_model.hpp: fed with the waiting room's changes, it
// answers every token as the room itself does (status, exact position, expiry), and a
// version never changes once made (readers hold it while the next one is built).

#include <cstdint>
#include <deque>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "domain/queue_read_model.hpp"
#include "domain/waiting_room.hpp"

namespace boxoffice::domain {
namespace {

constexpr TimeMs kT0 = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

std::vector<ReadChange> read_changes(const std::vector<QueueChange>& changes) {
  std::vector<ReadChange> out;
  for (const auto& change : changes)
    out.push_back(ReadChange{change.token.token, facts_of(change.token)});
  return out;
}

void expect_same_view(const TokenView& room, const std::optional<TokenView>& model,
                      const std::string& token) {
  BOOST_TEST_REQUIRE(model.has_value(), "the model does not know " << token);
  BOOST_TEST(static_cast<int>(model->status) == static_cast<int>(room.status), token);
  BOOST_TEST(model->position.value_or(-1) == room.position.value_or(-1), token);
  BOOST_TEST(model->expires_at.value_or(-1) == room.expires_at.value_or(-1), token);
  BOOST_TEST(model->remaining_seconds.value_or(-1) == room.remaining_seconds.value_or(-1), token);
  BOOST_TEST(model->estimated_wait_seconds.value_or(-1) == room.estimated_wait_seconds.value_or(-1),
             token);
  BOOST_TEST(model->user == room.user);
  BOOST_TEST(model->wallet == room.wallet);
  BOOST_TEST(model->issued_at == room.issued_at);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(queue_read_model)

BOOST_AUTO_TEST_CASE(fed_with_the_rooms_changes_it_answers_every_token_as_the_room_does) {
  // Enough tokens to span several rank groups (32,768 seqs each); admissions, ttl and idle
  // expiries, looks and completions in random order.
  WaitingRoom room(QueuePolicy{50, 5'000, 20'000});
  auto model = QueueReadModel::of({}, 0);
  std::mt19937 random(13);
  std::vector<std::string> issued;
  TimeMs now = kT0;
  Id next_user = 1;
  for (int round = 0; round < 400; ++round) {
    const int issues = static_cast<int>(random() % 400);
    for (int i = 0; i < issues; ++i) {
      const auto token = "token-" + std::to_string(next_user) + "-abcdefghij";
      room.issue(next_user, token, now, next_user + 7'000'000);  // its wallet
      ++next_user;
      issued.push_back(token);
    }
    for (int i = 0; i < 40 && !issued.empty(); ++i)
      room.touch(issued[random() % issued.size()], now);
    if (random() % 4 == 0 && !issued.empty()) room.complete(issued[random() % issued.size()], now);
    now += static_cast<TimeMs>(random() % 400);
    room.advance(now);
    const auto previous = model;
    const auto before = previous.view(issued.front(), now);
    model = model.next(read_changes(room.take_changes()), room.admission_rate());
    // The version readers held is untouched.
    const auto after = previous.view(issued.front(), now);
    BOOST_TEST(before.has_value() == after.has_value());
    if (before && after) BOOST_TEST(before->position.value_or(-1) == after->position.value_or(-1));
    if (round % 50 == 49)
      for (const auto& token : issued)
        expect_same_view(room.view(*room.find(token), now), model.view(token, now), token);
  }
  BOOST_TEST(model.waiting_count() == room.waiting_count());
  BOOST_TEST(model.size() == issued.size());
  BOOST_TEST(model.version() == 400U);
  BOOST_TEST(model.view(issued.front(), now)->wallet == 7'000'001);
}

BOOST_AUTO_TEST_CASE(a_loaded_line_answers_positions_from_its_first_seq_on) {
  std::vector<QueueToken> live;
  for (std::int64_t seq = 70'000; seq < 70'100; ++seq) {
    QueueToken token;
    token.token = "loaded-" + std::to_string(seq) + "-abcdefgh";
    token.user = seq;
    token.seq = seq;
    token.status = seq < 70'010 ? TokenStatus::active : TokenStatus::waiting;
    token.expires_at = kT0 + 1'000;
    live.push_back(token);
  }
  const auto model = QueueReadModel::of(live, 7);
  BOOST_TEST(model.version() == 7U);
  BOOST_TEST(model.waiting_count() == 90);
  BOOST_TEST(model.view("loaded-70000-abcdefgh", kT0)->position.value() == 0);
  BOOST_TEST(model.view("loaded-70010-abcdefgh", kT0)->position.value() == 1);
  BOOST_TEST(model.view("loaded-70099-abcdefgh", kT0)->position.value() == 90);
  BOOST_TEST(static_cast<int>(model.view("loaded-70000-abcdefgh", kT0 + 1'000)->status) ==
             static_cast<int>(TokenStatus::expired));
  BOOST_TEST(!model.view("loaded-69999-abcdefgh", kT0).has_value());

  // Forgetting a token removes it and its place.
  const auto next = model.next({ReadChange{"loaded-70010-abcdefgh", std::nullopt}}, {});
  BOOST_TEST(!next.view("loaded-70010-abcdefgh", kT0).has_value());
  BOOST_TEST(next.view("loaded-70099-abcdefgh", kT0)->position.value() == 89);
  BOOST_TEST(next.version() == 8U);
}

BOOST_AUTO_TEST_CASE(a_copy_made_from_its_entries_answers_as_the_original_and_follows_it) {
  // A replica (another node) starts from a snapshot of the model mid-run, then applies the
  // same committed changes: it answers every token as the original does.
  WaitingRoom room(QueuePolicy{20, 5'000, 20'000});
  auto model = QueueReadModel::of({}, 0);
  std::optional<QueueReadModel> replica;
  std::vector<std::string> issued;
  std::mt19937 random(15);
  TimeMs now = kT0;
  for (int round = 0; round < 60; ++round) {
    for (int i = 0; i < 50; ++i) {
      const auto user = static_cast<Id>(issued.size() + 1);
      issued.push_back("replica-" + std::to_string(user) + "-abcdefghij");
      room.issue(user, issued.back(), now);
    }
    if (random() % 3 == 0) room.complete(issued[random() % issued.size()], now);
    now += static_cast<TimeMs>(random() % 900);
    room.advance(now);
    const auto changes = read_changes(room.take_changes());
    model = model.next(changes, room.admission_rate());
    if (replica) replica = replica->next(changes, room.admission_rate());
    if (round == 20) replica = QueueReadModel::of(model.entries(), model.version(), model.rate());
  }
  BOOST_TEST_REQUIRE(replica.has_value());
  BOOST_TEST(replica->version() == model.version());
  BOOST_TEST(replica->size() == model.size());
  BOOST_TEST(replica->waiting_count() == model.waiting_count());
  for (const auto& token : issued)
    expect_same_view(*model.view(token, now), replica->view(token, now), token);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::domain

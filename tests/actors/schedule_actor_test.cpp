// The schedule actor against writes it did not make: another owner of the same schedule
// (a second node during a cluster move) holds or releases seats behind its back.
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <string>
#include <thread>
#include <vector>

#include "domain/clock.hpp"
#include "domain/seat_map.hpp"
#include "storage/catalog_repository.hpp"
#include "storage/session_factory.hpp"
#include "support/actor_stack.hpp"
#include "support/test_database.hpp"

namespace boxoffice::actors {
namespace {

constexpr std::int32_t kSeats = 400;

template <class T>
std::string failure_of(const domain::Result<T>& result) {
  if (result.ok()) return "ok";
  return std::string(domain::code_name(result.error().code)) + ": " + result.error().detail;
}

struct ScheduleActors : testing::ActorStack {
  domain::User fan;
  domain::User other_fan;
  domain::Id schedule = 0;

  ScheduleActors() : ActorStack("schedule_actor") {
    auto session = storage::open_session(database());
    storage::CatalogRepository catalog(*session, database().kind);
    const auto now = domain::SystemClock().now_ms();
    fan = catalog.create_user("fan", now);
    other_fan = catalog.create_user("other fan", now);
    const auto concert = catalog.create_concert("on-sale night", now);
    domain::ScheduleSpec spec;
    spec.concert_id = concert.id;
    spec.starts_at = now + 86'400'000;
    spec.booking_opens_at = now - 3'600'000;
    spec.booking_closes_at = now + 3'600'000;
    spec.seat_count = kSeats;
    spec.seat_price = 1000;
    schedule = catalog.create_schedule(spec, now)->id;
  }

  // What another owner's hold of `seat` writes: a live reservation and the seat HELD.
  void held_elsewhere(std::int32_t seat, domain::Id user) {
    const auto until = std::to_string(domain::SystemClock().now_ms() + 60'000);
    const auto where = " WHERE schedule_id = " + std::to_string(schedule) +
                       " AND seat_number = " + std::to_string(seat);
    execute(
        "INSERT INTO reservations(schedule_id, seat_number, user_id, price, status,"
        " held_until_ms, created_at_ms, updated_at_ms, version) VALUES (" +
        std::to_string(schedule) + ", " + std::to_string(seat) + ", " + std::to_string(user) +
        ", 1000, 'HELD', " + until + ", 0, 0, 0)");
    execute("UPDATE seats SET status = 'HELD', holder_user_id = " + std::to_string(user) +
            ", held_until_ms = " + until + ", reservation_id = (SELECT id FROM reservations" +
            where + " AND status = 'HELD'), version = version + 1" + where);
  }

  // As clients see it: AVAILABLE, HELD or SOLD.
  std::string status_of(std::int32_t seat) {
    const auto map = gateway().seat_map(schedule);
    BOOST_REQUIRE(map.ok());
    return domain::seat_status_name(map->seats.at(static_cast<std::size_t>(seat - 1)).status);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(schedule_actor, ScheduleActors)

BOOST_AUTO_TEST_CASE(a_seat_another_owner_held_meanwhile_is_unavailable_not_an_error) {
  BOOST_REQUIRE(status_of(1) == "AVAILABLE");  // loaded: seat 1 free
  held_elsewhere(1, other_fan.id);
  const auto lost = gateway().hold(schedule, 1, fan.id);
  BOOST_REQUIRE(!lost.ok());
  BOOST_TEST(lost.error().code == domain::ErrorCode::seat_unavailable, lost.error().detail);
  BOOST_TEST(status_of(1) == "HELD");  // the actor reloaded what was written
  // The actor goes on serving: another seat is held at once.
  const auto won = gateway().hold(schedule, 2, fan.id);
  BOOST_REQUIRE(won.ok());
  BOOST_TEST(won->created);
  BOOST_TEST(scalar("SELECT COUNT(*) FROM reservations WHERE status = 'HELD'") == 2);
}

BOOST_AUTO_TEST_CASE(a_seat_another_owner_released_meanwhile_is_held_after_a_reload) {
  BOOST_REQUIRE(status_of(3) == "AVAILABLE");
  // Another owner held seat 3 and released it again: same status, a newer version.
  execute("UPDATE seats SET version = version + 2 WHERE schedule_id = " + std::to_string(schedule) +
          " AND seat_number = 3");
  const auto hold = gateway().hold(schedule, 3, fan.id);
  BOOST_REQUIRE(hold.ok());
  BOOST_TEST(hold->created);
  BOOST_TEST(scalar("SELECT version FROM seats WHERE schedule_id = " + std::to_string(schedule) +
                    " AND seat_number = 3") == 3);
}

BOOST_AUTO_TEST_CASE(concurrent_holds_of_distinct_seats_all_commit_and_agree_with_the_database) {
  // Enough callers that several batches are written while others are in flight.
  constexpr int kThreads = 16;
  constexpr int kSeatsPerThread = kSeats / kThreads;
  std::atomic<int> created{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kSeatsPerThread; ++i) {
        const auto seat = static_cast<std::int32_t>(1 + t * kSeatsPerThread + i);
        const auto hold = gateway().hold(schedule, seat, t % 2 == 0 ? fan.id : other_fan.id);
        if (hold.ok() && hold->created) ++created;
      }
    });
  for (auto& thread : threads) thread.join();
  BOOST_TEST(created.load() == kSeats);
  BOOST_TEST(scalar("SELECT COUNT(*) FROM reservations WHERE status = 'HELD'") == kSeats);
  BOOST_TEST(scalar("SELECT COUNT(*) FROM seats WHERE status = 'HELD' AND reservation_id IS NOT "
                    "NULL AND schedule_id = " +
                    std::to_string(schedule)) == kSeats);
  const auto map = gateway().seat_map(schedule);
  BOOST_REQUIRE(map.ok());
  for (const auto& seat : map->seats)
    BOOST_TEST(domain::seat_status_name(seat.status) == std::string("HELD"),
               "seat " << seat.number);
}

// Refusals come from committed state: the wallet actor's memory says the balance is too low
// (another owner charged the wallet meanwhile); the conditional debit is what decides.
BOOST_AUTO_TEST_CASE(a_payment_is_refused_for_the_balance_only_by_the_committed_balance) {
  const auto token = gateway().issue_token(fan.id);
  BOOST_REQUIRE(token.ok());
  BOOST_REQUIRE(token->status == domain::TokenStatus::active);
  const auto hold = gateway().hold(schedule, 7, fan.id);
  BOOST_REQUIRE(hold.ok());
  const auto loaded = gateway().wallet_balance(fan.wallet_id, fan.id);
  BOOST_TEST_REQUIRE(loaded.ok(), failure_of(loaded));
  BOOST_REQUIRE(loaded->balance == 0);  // the wallet actor holds 0 now
  execute("UPDATE wallets SET balance = 5000, version = version + 1 WHERE id = " +
          std::to_string(fan.wallet_id));
  const auto paid =
      gateway().pay(schedule, hold->reservation, fan.id, fan.wallet_id, token->token, "");
  BOOST_TEST_REQUIRE(paid.ok(), failure_of(paid));
  BOOST_TEST(paid->balance == 4000);
  BOOST_TEST(scalar("SELECT balance FROM wallets WHERE id = " + std::to_string(fan.wallet_id)) ==
             4000);
}

BOOST_AUTO_TEST_CASE(a_payment_refused_for_the_balance_names_the_committed_balance) {
  const auto token = gateway().issue_token(fan.id);
  BOOST_REQUIRE(token.ok());
  const auto hold = gateway().hold(schedule, 8, fan.id);
  BOOST_REQUIRE(hold.ok());
  BOOST_REQUIRE(gateway().charge(fan.wallet_id, fan.id, 5000, "").ok());  // memory: 5000
  execute("UPDATE wallets SET balance = 300, version = version + 1 WHERE id = " +
          std::to_string(fan.wallet_id));
  const auto refused =
      gateway().pay(schedule, hold->reservation, fan.id, fan.wallet_id, token->token, "");
  BOOST_TEST_REQUIRE(!refused.ok());
  BOOST_TEST(refused.error().code == domain::ErrorCode::insufficient_balance);
  BOOST_TEST(refused.error().detail.find("balance 300 ") != std::string::npos,
             refused.error().detail);
  BOOST_TEST(scalar("SELECT COUNT(*) FROM payments") == 0);
}

BOOST_AUTO_TEST_CASE(a_charge_is_refused_for_the_limit_only_by_the_committed_balance) {
  const auto wallet = std::to_string(fan.wallet_id);
  BOOST_REQUIRE(gateway().charge(fan.wallet_id, fan.id, 10, "").ok());
  // Another owner raised the balance near --max-balance (1e9); this actor learns it when its
  // next charge meets the moved version.
  execute("UPDATE wallets SET balance = 999990000, version = version + 1 WHERE id = " + wallet);
  const auto raised = gateway().charge(fan.wallet_id, fan.id, 10, "");
  BOOST_TEST_REQUIRE(raised.ok(), failure_of(raised));
  BOOST_REQUIRE(raised->balance == 999990010);
  // Then the other owner's payments took almost all of it: memory is far above the database.
  execute("UPDATE wallets SET balance = 0, version = version + 1 WHERE id = " + wallet);
  const auto charged = gateway().charge(fan.wallet_id, fan.id, 20'000, "");
  BOOST_TEST_REQUIRE(charged.ok(), failure_of(charged));
  BOOST_TEST(charged->balance == 20'000);
  BOOST_TEST(scalar("SELECT balance FROM wallets WHERE id = " + wallet) == 20'000);
}

// A seat being paid stays PAYING when the schedule actor reloads meanwhile (here: after a
// hold lost a race), so a second payment of it is refused at once instead of starting.
// PostgreSQL only: the first payment is held up by a row lock on the payer's wallet.
BOOST_AUTO_TEST_CASE(a_seat_being_paid_stays_paying_across_a_reload) {
  if (testing::test_backend() != config::DatabaseKind::postgresql) {
    BOOST_TEST_MESSAGE("needs PostgreSQL row locks; skipped on SQLite");
    return;
  }
  const auto token = gateway().issue_token(fan.id);
  BOOST_REQUIRE(token.ok());
  BOOST_REQUIRE(gateway().charge(fan.wallet_id, fan.id, 5000, "").ok());
  const auto hold = gateway().hold(schedule, 30, fan.id);
  BOOST_REQUIRE(hold.ok());
  auto locker = storage::open_session(database());
  *locker << "BEGIN";
  *locker << "SELECT balance FROM wallets WHERE id = " + std::to_string(fan.wallet_id) +
                 " FOR UPDATE";
  domain::Result<domain::PaymentReceipt> first =
      domain::make_error(domain::ErrorCode::internal, "not answered");
  std::thread payer([&] {
    first = gateway().pay(schedule, hold->reservation, fan.id, fan.wallet_id, token->token, "");
  });
  // The payment transaction waits for the lock: the seat is PAYING in the actor now.
  bool waiting = false;
  for (int i = 0; i < 200 && !waiting; ++i) {
    waiting = scalar("SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'") > 0;
    if (!waiting) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  BOOST_TEST_REQUIRE(waiting, "the payment never reached the database");
  held_elsewhere(31, other_fan.id);  // the next write of the actor loses a race: it reloads
  const auto lost = gateway().hold(schedule, 31, fan.id);
  BOOST_TEST_REQUIRE(!lost.ok());
  BOOST_TEST(lost.error().code == domain::ErrorCode::seat_unavailable);
  const auto second =
      gateway().pay(schedule, hold->reservation, fan.id, fan.wallet_id, token->token, "");
  BOOST_TEST_REQUIRE(!second.ok());
  BOOST_TEST(second.error().code == domain::ErrorCode::reservation_expired);
  *locker << "ROLLBACK";
  payer.join();
  BOOST_TEST_REQUIRE(first.ok(), failure_of(first));
  BOOST_TEST(scalar("SELECT COUNT(*) FROM payments") == 1);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::actors

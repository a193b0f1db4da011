// A stale owner (an actor on a node cut off from the cluster, or thawed after its entities
// moved) writes from a state another owner has moved on from: every versioned write refuses
// it and changes nothing (docs/adr-004: two owners are safe), and every queue write refuses
// a stale lease epoch.
#include <boost/test/unit_test.hpp>

#include "domain/write_tag.hpp"
#include "storage/catalog_repository.hpp"
#include "storage/lease_repository.hpp"
#include "storage/migrations.hpp"
#include "storage/payment_repository.hpp"
#include "storage/queue_repository.hpp"
#include "storage/schedule_repository.hpp"
#include "storage/session_factory.hpp"
#include "storage/wallet_repository.hpp"
#include "storage/worker_pool.hpp"
#include "support/one_schedule.hpp"

namespace boxoffice::storage {
namespace {

const domain::WalletLimits kLimits{1'000'000, 100'000'000};

struct TwoOwners : testing::OneSchedule {
  TwoOwners() : OneSchedule("stale_owner") {}
  domain::Wallet wallet() { return *WalletRepository(*session, target.kind).load(fan.wallet_id); }
  domain::Seat seat(std::int32_t number) {
    return ScheduleRepository(*session, target.kind)
        .load(schedule)
        ->seats()
        .at(static_cast<std::size_t>(number - 1));
  }
  // The other owner: charges the wallet behind the stale one's back.
  void charge_elsewhere(domain::Won amount) {
    auto batch =
        WalletRepository(*session, target.kind)
            .apply_charges(wallet(), {PendingCharge{fan.id, amount, "", ""}}, kLimits, kNow);
    BOOST_TEST_REQUIRE(!batch.version_conflict);
  }
  ScheduleWrite hold(const domain::Seat& from, domain::TimeMs now = kNow) {
    return ScheduleRepository(*session, target.kind)
        .write(schedule, {},
               {PendingHold{from.number, fan.id, from.price, kHoldUntil, from.version, 0, ""}},
               now);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(stale_owner, TwoOwners)

BOOST_AUTO_TEST_CASE(a_charge_from_a_stale_wallet_is_refused) {
  const auto stale = wallet();
  charge_elsewhere(700);
  const auto batch = WalletRepository(*session, target.kind)
                         .apply_charges(stale, {PendingCharge{fan.id, 100, "", ""}}, kLimits, kNow);
  BOOST_TEST(batch.version_conflict);
  BOOST_TEST(wallet().balance == 700);
  BOOST_TEST(scalar("SELECT COUNT(*) FROM wallet_ledger") == 1);
}

BOOST_AUTO_TEST_CASE(a_payment_from_a_stale_wallet_is_refused) {
  charge_elsewhere(100'000);
  const auto held = hold(seat(1));
  BOOST_TEST_REQUIRE(held.reservations.size() == 1u);
  const auto stale = wallet();
  charge_elsewhere(5);
  domain::PaymentOrder order;
  order.reservation = held.reservations.front();
  order.user = fan.id;
  order.wallet = fan.wallet_id;
  order.schedule = schedule;
  order.seat = 1;
  order.price = 50'000;
  order.token = "any";
  const auto outcome = PaymentRepository(*session, target.kind).pay(stale, order, kNow);
  BOOST_TEST((outcome.kind == PaymentOutcome::Kind::version_conflict));
  BOOST_TEST(wallet().balance == 100'005);
  BOOST_TEST(scalar("SELECT COUNT(*) FROM payments") == 0);
  BOOST_TEST((seat(1).status == domain::SeatStatus::held));
}

BOOST_AUTO_TEST_CASE(a_hold_from_a_stale_seat_is_refused) {
  const auto stale = seat(2);
  const auto other = hold(seat(2));  // the other owner's hold
  BOOST_TEST_REQUIRE(other.reservations.size() == 1u);
  // While that hold lives, the stale one is refused by the seat's version (PostgreSQL moves
  // the seat first) or by the constraint of one live hold per seat (SQLite inserts first).
  bool refused = false;
  try {
    refused = hold(stale).version_conflict;
  } catch (const soci::soci_error&) {
    refused = true;
  }
  BOOST_TEST(refused);
  BOOST_TEST(scalar("SELECT COUNT(*) FROM reservations") == 1);
  // Once the other owner released it, the seat's version does.
  BOOST_TEST_REQUIRE(
      !ScheduleRepository(*session, target.kind)
           .write(schedule,
                  {PendingRelease{2, other.reservations.front(), seat(2).version, true, ""}}, {},
                  kNow)
           .version_conflict);
  BOOST_TEST(hold(stale).version_conflict);
  BOOST_TEST((seat(2).status == domain::SeatStatus::available));
  BOOST_TEST(scalar("SELECT COUNT(*) FROM reservations") == 1);
}

// What the dropped foreign key to seats guarded on PostgreSQL (docs/adr-007): a batch naming a
// seat that does not exist writes nothing (SQLite's foreign key still refuses it too).
BOOST_AUTO_TEST_CASE(a_batch_naming_a_seat_that_does_not_exist_writes_nothing) {
  const auto real = seat(4);
  bool refused = false;
  try {
    refused =
        ScheduleRepository(*session, target.kind)
            .write(
                schedule, {},
                {PendingHold{real.number, fan.id, real.price, kHoldUntil, real.version, 0, "real"},
                 PendingHold{99, fan.id, real.price, kHoldUntil, 0, 0, "ghost"}},
                kNow)
            .version_conflict;
  } catch (const soci::soci_error&) {
    refused = true;
  }
  BOOST_TEST(refused);
  BOOST_TEST(scalar("SELECT COUNT(*) FROM reservations") == 0);
  BOOST_TEST((seat(4).status == domain::SeatStatus::available));
}

BOOST_AUTO_TEST_CASE(a_cancel_or_expiry_from_a_stale_seat_is_refused) {
  const auto held = hold(seat(3));
  BOOST_TEST_REQUIRE(held.reservations.size() == 1u);
  const auto stale = seat(3);
  // The other owner released the hold and held the seat again meanwhile.
  ScheduleRepository other(*session, target.kind);
  BOOST_TEST_REQUIRE(
      !other
           .write(schedule, {PendingRelease{3, held.reservations.front(), stale.version, true, ""}},
                  {}, kNow)
           .version_conflict);
  BOOST_TEST_REQUIRE(hold(seat(3)).reservations.size() == 1u);
  for (const bool cancelled : {true, false}) {
    const auto refused = other.write(
        schedule, {PendingRelease{3, held.reservations.front(), stale.version, cancelled, ""}}, {},
        kNow);
    BOOST_TEST(refused.version_conflict);
  }
  BOOST_TEST((seat(3).status == domain::SeatStatus::held));
  BOOST_TEST(scalar("SELECT COUNT(*) FROM reservations WHERE status = 'HELD'") == 1);
}

BOOST_AUTO_TEST_CASE(a_queue_write_under_a_stale_lease_epoch_is_refused) {
  LeaseRepository leases(*session, target.kind);
  const auto first = leases.acquire(1, 60'000);
  BOOST_TEST_REQUIRE(first.has_value());
  BOOST_TEST(!leases.acquire(2, 60'000).has_value());  // held and not expired
  leases.release(1, *first);
  const auto second = leases.acquire(2, 60'000);  // handed over
  BOOST_TEST_REQUIRE(second.has_value());
  BOOST_TEST(*second > *first);
  domain::QueueToken token;
  token.token = "stale-token";
  token.user = fan.id;
  token.seq = 1;
  token.issued_at = kNow;
  token.last_seen_at = kNow;
  const std::vector<domain::QueueChange> issue{
      domain::QueueChange{true, domain::TokenStatus::waiting, token}};
  QueueRepository queue(*session, target.kind);
  BOOST_CHECK_THROW(queue.apply(issue, 100, kNow, QueueFence{1, *first}), StaleQueueEpoch);
  BOOST_TEST(scalar("SELECT COUNT(*) FROM queue_tokens") == 0);
  BOOST_TEST(!leases.renew(1, *first, 60'000));
  queue.apply(issue, 100, kNow, QueueFence{2, *second});
  BOOST_TEST(scalar("SELECT COUNT(*) FROM queue_tokens") == 1);
  BOOST_TEST(scalar("SELECT COUNT(*) FROM queue_lease_writes WHERE epoch = " +
                    std::to_string(*second)) == 1);
}

BOOST_AUTO_TEST_CASE(an_expired_lease_goes_to_the_next_host) {
  LeaseRepository leases(*session, target.kind);
  const auto first = leases.acquire(1, 60'000);
  BOOST_TEST_REQUIRE(first.has_value());
  BOOST_TEST(!leases.acquire(2, 60'000).has_value());  // held and not expired: refused
  // The database's clock runs past the expiry (moved two minutes back rather than waited for).
  *session << "UPDATE queue_lease SET expires_at_ms = expires_at_ms - 120000 WHERE id = 1";
  const auto next = leases.acquire(2, 60'000);
  BOOST_TEST_REQUIRE(next.has_value());
  BOOST_TEST(*next > *first);
  BOOST_TEST(leases.current().holder == 2);
  BOOST_TEST(leases.current().epoch == *next);
}

BOOST_AUTO_TEST_CASE(a_holder_with_no_connection_left_is_replaced_before_its_expiry) {
  if (target.kind != config::DatabaseKind::postgresql) {
    BOOST_TEST_MESSAGE("PostgreSQL only: SQLite serves one node");
    return;
  }
  // Node 5 takes the lease on its own connection, then dies (its connection closes with it).
  auto node5 = open_session(target, WorkerPool::default_connection_name(5) + "/w0");
  const auto first = LeaseRepository(*node5, target.kind)
                         .acquire(5, 600'000, WorkerPool::default_connection_name(5));
  BOOST_TEST_REQUIRE(first.has_value());
  LeaseRepository leases(*session, target.kind);
  BOOST_TEST(!leases.acquire(2, 60'000).has_value());  // alive and not expired: refused
  node5.reset();
  // Its server process ends a moment after the socket closed.
  const auto deadline = domain::wall_clock_ms() + 10'000;
  while (scalar("SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = '" +
                WorkerPool::default_connection_name(5) + "/w0'") > 0 &&
         domain::wall_clock_ms() < deadline) {
  }
  const auto next = leases.acquire(2, 60'000);  // ten minutes before node 5's lease expires
  BOOST_TEST_REQUIRE(next.has_value());
  BOOST_TEST(*next > *first);
  BOOST_TEST(leases.current().holder == 2);
  BOOST_TEST(!leases.renew(5, *first, 600'000));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::storage

// Several payments in one transaction (docs/adr-005): each is all-or-nothing on its own, the
// others of the batch commit whatever one of them meets, and an Idempotency-Key of a batched
// payment answers its first receipt again.
#include <boost/test/unit_test.hpp>

#include "storage/catalog_repository.hpp"
#include "storage/migrations.hpp"
#include "storage/payment_repository.hpp"
#include "storage/schedule_repository.hpp"
#include "storage/session_factory.hpp"
#include "storage/wallet_repository.hpp"
#include "support/one_schedule.hpp"

namespace boxoffice::storage {
namespace {

constexpr domain::TimeMs kNow = testing::MigratedSchedule::kNow;
constexpr domain::TimeMs kHoldUntil = testing::MigratedSchedule::kHoldUntil;
constexpr domain::Won kPrice = testing::MigratedSchedule::kPrice;
const domain::WalletLimits kLimits{1'000'000, 100'000'000};

struct Payer {
  domain::User user;
  std::string token;
  std::int32_t seat = 0;
  domain::Id reservation = 0;
};

struct Batch : testing::MigratedSchedule {
  Batch() : MigratedSchedule("payment_batch", 8) {}

  domain::Wallet wallet(const Payer& payer) {
    return *WalletRepository(*session, target.kind).load(payer.user.wallet_id);
  }
  std::string seat_status(const Payer& payer) {
    std::string status;
    *session << "SELECT status FROM seats WHERE schedule_id = " + std::to_string(schedule) +
                    " AND seat_number = " + std::to_string(payer.seat),
        soci::into(status);
    return status;
  }

  // A fan with `balance` in the wallet, an ACTIVE token (or one that expired) and a hold.
  Payer payer(const std::string& name, domain::Won balance, std::int32_t seat,
              bool token_active = true) {
    Payer payer;
    payer.user = CatalogRepository(*session, target.kind).create_user(name, kNow);
    payer.token = "token-" + name;
    payer.seat = seat;
    WalletRepository wallets(*session, target.kind);
    const auto charged =
        wallets.apply_charges(*wallets.load(payer.user.wallet_id),
                              {PendingCharge{payer.user.id, balance, "", ""}}, kLimits, kNow);
    BOOST_TEST_REQUIRE(!charged.version_conflict);
    const long long expires = token_active ? kHoldUntil : kNow - 1;
    *session << "INSERT INTO queue_tokens(seq, token, user_id, status, issued_at_ms,"
                " last_seen_at_ms, activated_at_ms, expires_at_ms, version)"
                " VALUES(:seq, :token, :user, 'ACTIVE', 0, 0, 0, :expires, 0)",
        soci::use(payer.user.id), soci::use(payer.token), soci::use(payer.user.id),
        soci::use(expires);
    const auto seats = ScheduleRepository(*session, target.kind).load(schedule)->seats();
    const auto held =
        ScheduleRepository(*session, target.kind)
            .write(schedule, {},
                   {PendingHold{seat, payer.user.id, kPrice, kHoldUntil,
                                seats.at(static_cast<std::size_t>(seat - 1)).version, 0, ""}},
                   kNow);
    BOOST_TEST_REQUIRE(held.reservations.size() == 1u);
    payer.reservation = held.reservations.front();
    return payer;
  }

  PaymentEntry entry(const Payer& payer, const std::string& key = "") {
    domain::PaymentOrder order{payer.reservation, payer.user.id, payer.user.wallet_id,
                               schedule,          payer.seat,    kPrice,
                               payer.token,       key,           {}};
    order.tag.request_id = "req-" + payer.user.name;
    order.tag.deadline = kNow + 60'000;
    return PaymentEntry{wallet(payer), order};
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(payment_batch, Batch)

BOOST_AUTO_TEST_CASE(one_payment_refused_leaves_the_others_of_its_batch_paid) {
  const auto first = payer("first", 60'000, 1);
  const auto poor = payer("poor", 10'000, 2);         // refused by the debit
  const auto late = payer("late", 70'000, 3, false);  // debited, then its token is not ACTIVE
  const auto last = payer("last", 80'000, 4);
  const auto outcomes = PaymentRepository(*session, target.kind)
                            .pay_batch({entry(first), entry(poor), entry(late), entry(last)}, kNow);
  using Kind = PaymentOutcome::Kind;
  BOOST_TEST_REQUIRE(outcomes.size() == 4u);
  BOOST_TEST((outcomes[0].kind == Kind::paid));
  BOOST_TEST((outcomes[1].kind == Kind::insufficient_balance));
  BOOST_TEST(outcomes[1].wallet.balance == 10'000);
  BOOST_TEST((outcomes[2].kind == Kind::token_not_active));
  BOOST_TEST((outcomes[3].kind == Kind::paid));
  BOOST_TEST(outcomes[0].receipt.balance == 10'000);
  BOOST_TEST(outcomes[3].receipt.balance == 30'000);
  // The refused ones changed nothing, the late one's debit included; the others are sold.
  BOOST_TEST(wallet(first).balance == 10'000);
  BOOST_TEST(wallet(poor).balance == 10'000);
  BOOST_TEST(wallet(late).balance == 70'000);
  BOOST_TEST(wallet(last).balance == 30'000);
  BOOST_TEST(seat_status(first) == "SOLD");
  BOOST_TEST(seat_status(poor) == "HELD");
  BOOST_TEST(seat_status(late) == "HELD");
  BOOST_TEST(seat_status(last) == "SOLD");
  BOOST_TEST(scalar("SELECT COUNT(*) FROM payments") == 2);
  BOOST_TEST(scalar("SELECT COUNT(*) FROM reservations WHERE status = 'CONFIRMED'") == 2);
  BOOST_TEST(scalar("SELECT COUNT(*) FROM wallet_ledger WHERE kind = 'PAYMENT'") == 2);
  BOOST_TEST(scalar("SELECT COUNT(*) FROM queue_tokens WHERE status = 'COMPLETED'") == 2);
  // Money conserved: what was charged is in the wallets or paid.
  BOOST_TEST(scalar("SELECT SUM(balance) FROM wallets") +
                 scalar("SELECT SUM(amount) FROM payments") ==
             60'000 + 10'000 + 70'000 + 80'000);
  // Each payment is found by its own request id (settlement of a broken COMMIT).
  PaymentRepository payments(*session, target.kind);
  BOOST_TEST(payments.find_payment(first.reservation, "req-first").has_value());
  BOOST_TEST(payments.find_payment(last.reservation, "req-last").has_value());
  BOOST_TEST(!payments.find_payment(late.reservation, "req-late").has_value());
}

BOOST_AUTO_TEST_CASE(a_keyed_payment_of_a_batch_answers_its_first_receipt_again) {
  const auto keyed = payer("keyed", 60'000, 5);
  const auto other = payer("other", 60'000, 6);
  PaymentRepository payments(*session, target.kind);
  const auto first = payments.pay_batch({entry(other), entry(keyed, "key-1")}, kNow);
  BOOST_TEST_REQUIRE((first[1].kind == PaymentOutcome::Kind::paid));
  const auto receipt = first[1].receipt;
  // The retry, in a later batch.
  const auto again = payments.pay_batch({entry(keyed, "key-1")}, kNow + 1'000);
  BOOST_TEST_REQUIRE((again[0].kind == PaymentOutcome::Kind::replayed));
  BOOST_TEST(again[0].receipt.payment == receipt.payment);
  BOOST_TEST(again[0].receipt.balance == 10'000);
  BOOST_TEST(again[0].receipt.seat == 5);
  BOOST_TEST(again[0].receipt.paid_at == kNow);
  const auto recorded = payments.replay(keyed.user.id, "key-1", keyed.reservation);
  BOOST_TEST_REQUIRE(recorded.has_value());
  BOOST_TEST(recorded->payment == receipt.payment);
  BOOST_TEST(recorded->amount == kPrice);
  BOOST_TEST(wallet(keyed).balance == 10'000);
  BOOST_TEST(scalar("SELECT COUNT(*) FROM payments") == 2);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::storage

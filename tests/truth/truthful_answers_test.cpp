#include <boost/test/unit_test.hpp>

// Every answer tells the truth (docs/adr-003): a 2xx write is in the database, a 503 changed
// nothing, a 504 may have done either. Checked against a real PostgreSQL of the test's own
// that is frozen (SIGSTOP) for longer than --request-timeout while writes run, and whose
// connection is cut while a transaction's COMMIT is in flight.

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "config/values.hpp"
#include "storage/session_factory.hpp"
#include "support/booking_client.hpp"
#include "support/pg_instance.hpp"
#include "support/pg_proxy.hpp"
#include "support/server_process.hpp"

namespace boxoffice::testing {
namespace {

// Longer than --request-timeout (writes queued or in a transaction meanwhile must give up)
// and shorter than --request-timeout + --commit-wait (a COMMIT sent just before the freeze
// gets its verdict after the thaw).
constexpr auto kFreeze = std::chrono::milliseconds(2500);
constexpr const char* kRequestTimeout = "1s";
constexpr const char* kCommitWait = "4s";

// One boxoffice server on a PostgreSQL of its own, reached through a PgProxy; the test reads
// the database directly. Shared by the suite's cases (each makes its own users and dates).
class Stack {
 public:
  Stack() : proxy_(pg_.port()) {
    ::setenv("BOXOFFICE_COMMIT_WAIT", kCommitWait, 1);  // an env var: older builds ignore it
    const std::string through_proxy =
        "postgresql://postgres@127.0.0.1:" + std::to_string(proxy_.port()) +
        "/boxoffice?sslmode=disable&gssencmode=disable";
    server_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"serve", "--listen", "127.0.0.1:0", "--database", through_proxy,
                                 "--admin-key", "k", "--log-level", "warn", "--request-timeout",
                                 kRequestTimeout, "--queue-max-active", "100000"});
    server_->start();
    database_ = storage::open_session(*config::parse_database_url(pg_.url()));
  }

  PgInstance& pg() { return pg_; }
  PgProxy& proxy() { return proxy_; }
  std::unique_ptr<httplib::Client> client() const {
    auto client = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client->set_keep_alive(true);
    client->set_read_timeout(30, 0);  // a write is answered within timeout + commit wait
    return client;
  }
  long long scalar(const std::string& sql) {
    long long value = 0;
    *database_ << sql, soci::into(value);
    return value;
  }
  std::string server_output() const { return server_->output(); }

  // Until no transaction of the server is open any more (a frozen one finished after the
  // thaw): from then on the database holds the final outcome of every answered write.
  void await_quiet() {
    for (int i = 0; i < 300; ++i) {
      if (scalar("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                 " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                 " AND state <> 'idle'") == 0)
        return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    BOOST_FAIL("the server's transactions did not end after the thaw");
  }

 private:
  PgInstance pg_;
  PgProxy proxy_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<soci::session> database_;
};

Stack& stack() {
  static Stack instance;
  return instance;
}

struct Fan {
  NewUser ids;
  std::string token;
};

Fan new_fan(httplib::Client& client, const std::string& name) {
  Fan fan{create_user(client, name), ""};
  const auto token = issue_token(client, fan.ids.user);
  BOOST_TEST_REQUIRE(token.status == 201, shown(token));
  BOOST_TEST_REQUIRE(token.body_json().at("status") == "ACTIVE", shown(token));
  fan.token = token.body_json().at("token").get<std::string>();
  return fan;
}

std::int64_t held(httplib::Client& client, const Fan& fan, std::int64_t schedule,
                  std::int32_t seat) {
  const auto answer = hold(client, fan.token, schedule, seat);
  BOOST_TEST_REQUIRE(answer.status == 201, shown(answer));
  return int_field(answer.body_json(), "reservationId");
}

// One write sent during the run and what came back; `present` is read from the database.
struct Probe {
  std::string what;
  Answer answer;
  std::string presence_sql;  // COUNT(*) > 0 iff the write is in the database
};

struct Tally {
  int acknowledged = 0, unavailable = 0, unknown = 0;
};

// The truth rule for one answered write: 2xx and there, 503 and not there, or 504.
void check_truth(Stack& stack, const std::vector<Probe>& probes, Tally& tally) {
  for (const auto& probe : probes) {
    const bool present = stack.scalar(probe.presence_sql) > 0;
    const auto status = probe.answer.status;
    BOOST_TEST_CONTEXT(probe.what << " answered " << shown(probe.answer)) {
      if (status >= 200 && status < 300) {
        ++tally.acknowledged;
        BOOST_TEST(present, "acknowledged but not in the database");
      } else if (status == 503) {
        ++tally.unavailable;
        BOOST_TEST(!present, "503 UNAVAILABLE but the write is in the database");
      } else if (status == 504) {
        ++tally.unknown;
        BOOST_TEST(probe.answer.code() == "OUTCOME_UNKNOWN");
      } else {
        BOOST_ERROR("unexpected answer");
      }
    }
  }
}

// Runs `send(thread, i)` on `threads` threads (it returns false when it has nothing more to
// send) while the database is frozen for kFreeze in the middle; returns every probe.
template <class Send>
std::vector<Probe> across_a_freeze(Stack& stack, int threads, Send send) {
  std::mutex mutex;
  std::condition_variable progressed;
  std::vector<int> sent(static_cast<std::size_t>(threads), 0);
  std::vector<Probe> probes;
  bool stop = false;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      auto client = stack.client();
      for (int i = 0;; ++i) {
        {
          std::lock_guard<std::mutex> lock(mutex);
          if (stop) return;
        }
        Probe probe;
        if (!send(*client, t, i, probe)) return;
        std::lock_guard<std::mutex> lock(mutex);
        probes.push_back(std::move(probe));
        ++sent[static_cast<std::size_t>(t)];
        progressed.notify_all();
      }
    });
  const auto each_sent = [&](int at_least) {
    for (const int n : sent)
      if (n < at_least) return false;
    return true;
  };
  int before = 0;
  {
    std::unique_lock<std::mutex> lock(mutex);
    BOOST_TEST_REQUIRE(
        progressed.wait_for(lock, std::chrono::seconds(30), [&] { return each_sent(2); }));
    before = *std::min_element(sent.begin(), sent.end());
  }
  stack.pg().freeze();
  std::this_thread::sleep_for(kFreeze);  // the fault itself: a database standing still
  stack.pg().thaw();
  {
    std::unique_lock<std::mutex> lock(mutex);
    progressed.wait_for(lock, std::chrono::seconds(30), [&] { return each_sent(before + 4); });
    stop = true;
  }
  for (auto& worker : workers) worker.join();
  stack.await_quiet();
  return probes;
}

void report(const char* what, const Tally& tally) {
  BOOST_TEST_MESSAGE(what << ": " << tally.acknowledged << " acknowledged, " << tally.unavailable
                          << " answered 503, " << tally.unknown << " answered 504");
  // The freeze must have caught writes, or this proved nothing.
  BOOST_TEST(tally.unavailable + tally.unknown > 0, what << ": no write met the freeze");
  BOOST_TEST(tally.acknowledged > 0, what << ": no write succeeded");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(a_frozen_database)

BOOST_AUTO_TEST_CASE(unkeyed_charges_answer_503_only_when_nothing_was_charged) {
  auto& env = stack();
  auto admin = env.client();
  const std::vector<NewUser> fans{create_user(*admin, "kim"), create_user(*admin, "lee")};
  // Four threads, two per wallet (charges of one wallet share transactions); every amount
  // is unique, so each answer can be matched with its ledger row.
  const auto probes =
      across_a_freeze(env, 4, [&](httplib::Client& client, int t, int i, Probe& probe) {
        const auto& fan = fans[static_cast<std::size_t>(t % 2)];
        const long long amount = 1 + t * 100'000 + i;
        probe.what =
            "charge of " + std::to_string(amount) + " to wallet " + std::to_string(fan.wallet);
        probe.answer = charge(client, fan.wallet, fan.user, amount);
        probe.presence_sql =
            "SELECT COUNT(*) FROM wallet_ledger WHERE wallet_id = " + std::to_string(fan.wallet) +
            " AND kind = 'CHARGE' AND amount = " + std::to_string(amount);
        return true;
      });
  Tally tally;
  check_truth(env, probes, tally);
  report("charges", tally);
  for (const auto& fan : fans) {
    const auto wallet = std::to_string(fan.wallet);
    BOOST_TEST(env.scalar("SELECT balance FROM wallets WHERE id = " + wallet) ==
               env.scalar("SELECT COALESCE(SUM(amount), 0) FROM wallet_ledger WHERE wallet_id = " +
                          wallet));
  }
}

BOOST_AUTO_TEST_CASE(holds_answer_503_only_when_the_seat_was_not_held) {
  auto& env = stack();
  auto admin = env.client();
  const auto schedule = open_schedule(*admin, 4000, 1000);
  std::vector<Fan> fans;
  for (int t = 0; t < 4; ++t) fans.push_back(new_fan(*admin, "holder" + std::to_string(t)));
  const auto probes =
      across_a_freeze(env, 4, [&](httplib::Client& client, int t, int i, Probe& probe) {
        if (i >= 1000) return false;
        const auto& fan = fans[static_cast<std::size_t>(t)];
        const auto seat = static_cast<std::int32_t>(1 + t * 1000 + i);  // one seat per request
        probe.what = "hold of seat " + std::to_string(seat);
        probe.answer = hold(client, fan.token, schedule, seat);
        probe.presence_sql =
            "SELECT COUNT(*) FROM reservations WHERE schedule_id = " + std::to_string(schedule) +
            " AND seat_number = " + std::to_string(seat) +
            " AND user_id = " + std::to_string(fan.ids.user);
        return true;
      });
  Tally tally;
  check_truth(env, probes, tally);
  report("holds", tally);
}

BOOST_AUTO_TEST_CASE(cancels_answer_503_only_when_the_hold_is_still_there) {
  auto& env = stack();
  auto admin = env.client();
  const auto schedule = open_schedule(*admin, 1000, 1000);
  std::vector<Fan> fans;
  std::vector<std::vector<std::int64_t>> reservations(4);
  for (int t = 0; t < 4; ++t) {
    fans.push_back(new_fan(*admin, "canceller" + std::to_string(t)));
    for (int i = 0; i < 120; ++i)
      reservations[static_cast<std::size_t>(t)].push_back(
          held(*admin, fans.back(), schedule, static_cast<std::int32_t>(1 + t * 200 + i)));
  }
  const auto probes =
      across_a_freeze(env, 4, [&](httplib::Client& client, int t, int i, Probe& probe) {
        const auto& mine = reservations[static_cast<std::size_t>(t)];
        if (i >= static_cast<int>(mine.size())) return false;
        const auto reservation = mine[static_cast<std::size_t>(i)];
        probe.what = "cancel of reservation " + std::to_string(reservation);
        probe.answer = cancel(client, fans[static_cast<std::size_t>(t)].token, reservation);
        probe.presence_sql =
            "SELECT COUNT(*) FROM reservations WHERE id = " + std::to_string(reservation) +
            " AND status = 'CANCELLED'";
        return true;
      });
  Tally tally;
  check_truth(env, probes, tally);
  report("cancels", tally);
}

BOOST_AUTO_TEST_CASE(payments_answer_503_only_when_nothing_was_paid) {
  auto& env = stack();
  auto admin = env.client();
  const auto schedule = open_schedule(*admin, 1000, 1000);
  // A payment completes its token: one fan (token, funded wallet, hold) per payment.
  constexpr int kThreads = 4, kFansPerThread = 40;
  std::vector<std::vector<std::pair<Fan, std::int64_t>>> payers(kThreads);
  for (int t = 0; t < kThreads; ++t)
    for (int i = 0; i < kFansPerThread; ++i) {
      auto fan = new_fan(*admin, "payer" + std::to_string(t) + "_" + std::to_string(i));
      BOOST_TEST_REQUIRE(charge(*admin, fan.ids.wallet, fan.ids.user, 5000).status == 200);
      const auto reservation =
          held(*admin, fan, schedule, static_cast<std::int32_t>(1 + t * kFansPerThread + i));
      payers[static_cast<std::size_t>(t)].emplace_back(std::move(fan), reservation);
    }
  const auto probes =
      across_a_freeze(env, kThreads, [&](httplib::Client& client, int t, int i, Probe& probe) {
        const auto& mine = payers[static_cast<std::size_t>(t)];
        if (i >= static_cast<int>(mine.size())) return false;
        const auto& [fan, reservation] = mine[static_cast<std::size_t>(i)];
        probe.what = "payment of reservation " + std::to_string(reservation);
        probe.answer = pay(client, fan.token, reservation);
        probe.presence_sql =
            "SELECT COUNT(*) FROM payments WHERE reservation_id = " + std::to_string(reservation);
        return true;
      });
  Tally tally;
  check_truth(env, probes, tally);
  report("payments", tally);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(a_connection_cut_during_commit)

// Each case cuts the connection of the first transaction that runs `statement` at its
// COMMIT: after the database committed it (its answer lost), or before the database saw the
// COMMIT (it rolled back). The server must answer what happened.
struct Cut {
  const char* statement;
  PgProxy::Break how;
};

constexpr Cut cut_after(const char* statement) {
  return {statement, PgProxy::Break::after_commit};
}
constexpr Cut cut_before(const char* statement) {
  return {statement, PgProxy::Break::before_commit};
}

void expect_outcome(Stack& env, const Cut& cut, const Answer& answer, const std::string& presence,
                    int success_status) {
  BOOST_TEST_REQUIRE(env.proxy().wait_fired(1000), "the armed COMMIT never came");
  env.await_quiet();
  const bool present = env.scalar(presence) > 0;
  if (cut.how == PgProxy::Break::after_commit) {
    BOOST_TEST(answer.status == success_status, "committed, answered " << shown(answer));
    BOOST_TEST(present, "the committed write is not in the database");
  } else {
    BOOST_TEST(answer.status == 503, "rolled back, answered " << shown(answer));
    BOOST_TEST(!present, "the write is in the database although its COMMIT never arrived");
  }
}

const std::vector<Cut> kCharges{cut_after("wallet_ledger"), cut_before("wallet_ledger")};

BOOST_AUTO_TEST_CASE(a_charge_is_answered_by_what_its_commit_did) {
  auto& env = stack();
  auto client = env.client();
  const auto fan = create_user(*client, "cut-charge");
  long long amount = 700;
  for (const auto& cut : kCharges) {
    BOOST_TEST_CONTEXT("cut " << (cut.how == PgProxy::Break::after_commit ? "after" : "before")) {
      ++amount;
      env.proxy().arm(cut.statement, cut.how);
      const auto answer = charge(*client, fan.wallet, fan.user, amount);
      expect_outcome(env, cut, answer,
                     "SELECT COUNT(*) FROM wallet_ledger WHERE wallet_id = " +
                         std::to_string(fan.wallet) + " AND amount = " + std::to_string(amount),
                     200);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_hold_is_answered_by_what_its_commit_did) {
  auto& env = stack();
  auto client = env.client();
  const auto schedule = open_schedule(*client, 10, 1000);
  const auto fan = new_fan(*client, "cut-hold");
  std::int32_t seat = 0;
  // A batch of holds is one statement, the batch function (schema version 6).
  for (const auto& cut : {cut_after("boxoffice_hold_batch"), cut_before("boxoffice_hold_batch")}) {
    BOOST_TEST_CONTEXT("cut " << (cut.how == PgProxy::Break::after_commit ? "after" : "before")) {
      ++seat;
      env.proxy().arm(cut.statement, cut.how);
      const auto answer = hold(*client, fan.token, schedule, seat);
      expect_outcome(env, cut, answer,
                     "SELECT COUNT(*) FROM reservations WHERE schedule_id = " +
                         std::to_string(schedule) + " AND seat_number = " + std::to_string(seat),
                     201);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_cancel_is_answered_by_what_its_commit_did) {
  auto& env = stack();
  auto client = env.client();
  const auto schedule = open_schedule(*client, 10, 1000);
  const auto fan = new_fan(*client, "cut-cancel");
  std::int32_t seat = 0;
  // The release of the seat is in the cancel's batch, the batch function (schema version 6).
  for (const auto& cut : {cut_after("boxoffice_hold_batch"), cut_before("boxoffice_hold_batch")}) {
    BOOST_TEST_CONTEXT("cut " << (cut.how == PgProxy::Break::after_commit ? "after" : "before")) {
      const auto reservation = held(*client, fan, schedule, ++seat);
      env.proxy().arm(cut.statement, cut.how);
      const auto answer = cancel(*client, fan.token, reservation);
      expect_outcome(env, cut, answer,
                     "SELECT COUNT(*) FROM reservations WHERE id = " + std::to_string(reservation) +
                         " AND status = 'CANCELLED'",
                     200);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_payment_is_answered_by_what_its_commit_did) {
  auto& env = stack();
  auto client = env.client();
  const auto schedule = open_schedule(*client, 10, 1000);
  std::int32_t seat = 0;
  // A payment is written by the batch function (schema version 4, docs/adr-005).
  for (const auto& cut : {cut_after("boxoffice_pay_batch"), cut_before("boxoffice_pay_batch")}) {
    BOOST_TEST_CONTEXT("cut " << (cut.how == PgProxy::Break::after_commit ? "after" : "before")) {
      const auto fan = new_fan(*client, "cut-payer" + std::to_string(seat));
      BOOST_TEST_REQUIRE(charge(*client, fan.ids.wallet, fan.ids.user, 5000).status == 200);
      const auto reservation = held(*client, fan, schedule, ++seat);
      env.proxy().arm(cut.statement, cut.how);
      const auto answer = pay(*client, fan.token, reservation);
      expect_outcome(
          env, cut, answer,
          "SELECT COUNT(*) FROM payments WHERE reservation_id = " + std::to_string(reservation),
          201);
    }
  }
}

// Payments that arrive together share a batch, one transaction (docs/adr-005): a cut COMMIT
// decides all of its payments at once, and each is answered by what happened to it.
BOOST_AUTO_TEST_CASE(a_batch_of_payments_is_answered_by_what_its_commit_did) {
  auto& env = stack();
  auto client = env.client();
  constexpr int kPayers = 8;
  const auto schedule = open_schedule(*client, 2 * kPayers, 1000);
  std::int32_t seat = 0;
  for (const auto& cut : {cut_after("boxoffice_pay_batch"), cut_before("boxoffice_pay_batch")}) {
    const bool after = cut.how == PgProxy::Break::after_commit;
    BOOST_TEST_CONTEXT("cut " << (after ? "after" : "before")) {
      std::vector<std::pair<Fan, std::int64_t>> payers;
      for (int i = 0; i < kPayers; ++i) {
        auto fan = new_fan(*client, "batch-payer" + std::to_string(seat));
        BOOST_TEST_REQUIRE(charge(*client, fan.ids.wallet, fan.ids.user, 5000).status == 200);
        const auto reservation = held(*client, fan, schedule, ++seat);
        payers.emplace_back(std::move(fan), reservation);
      }
      env.proxy().arm(cut.statement, cut.how);
      std::vector<Answer> answers(kPayers);
      std::vector<std::thread> threads;
      for (std::size_t i = 0; i < payers.size(); ++i)
        threads.emplace_back([&, i] {
          auto own = env.client();
          answers[i] = pay(*own, payers[i].first.token, payers[i].second);
        });
      for (auto& thread : threads) thread.join();
      BOOST_TEST_REQUIRE(env.proxy().wait_fired(1000), "the armed COMMIT never came");
      env.await_quiet();
      int unavailable = 0;
      for (std::size_t i = 0; i < payers.size(); ++i) {
        const bool present = env.scalar("SELECT COUNT(*) FROM payments WHERE reservation_id = " +
                                        std::to_string(payers[i].second)) > 0;
        BOOST_TEST_CONTEXT("payment " << i << " answered " << shown(answers[i])) {
          if (after) {  // every batch committed, the cut one included
            BOOST_TEST(answers[i].status == 201);
          } else if (answers[i].status == 503) {
            ++unavailable;
          } else {
            BOOST_TEST(answers[i].status == 201);
          }
          BOOST_TEST(present == (answers[i].status == 201));
        }
      }
      if (!after) BOOST_TEST(unavailable > 0, "the cut batch's payments were not answered 503");
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(a_commit_without_a_verdict)

// The database committed, but its verdict never reaches the server: only then is the answer
// 504, after --commit-wait, and the wallet goes on from what the database holds.
BOOST_AUTO_TEST_CASE(is_answered_504_after_the_commit_wait_and_the_wallet_goes_on) {
  auto& env = stack();
  auto client = env.client();
  const auto fan = create_user(*client, "no-verdict");
  BOOST_TEST_REQUIRE(charge(*client, fan.wallet, fan.user, 1).status == 200);
  env.proxy().arm("wallet_ledger", PgProxy::Break::withhold_verdict);
  const auto start = std::chrono::steady_clock::now();
  const auto answer = charge(*client, fan.wallet, fan.user, 901);
  const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - start)
                          .count();
  BOOST_TEST_REQUIRE(env.proxy().fired());
  BOOST_TEST(answer.status == 504, shown(answer));
  BOOST_TEST(answer.code() == "OUTCOME_UNKNOWN");
  // Not before --commit-wait (4 s) after the COMMIT, which was sent within --request-timeout.
  BOOST_TEST(waited >= 4000);
  BOOST_TEST(waited < 8000);
  env.proxy().cut_stalled();
  const auto next = charge(*client, fan.wallet, fan.user, 10);
  BOOST_TEST_REQUIRE(next.status == 200, shown(next));
  BOOST_TEST(int_field(next.body_json(), "balance") == 1 + 901 + 10);
  BOOST_TEST(env.scalar("SELECT balance FROM wallets WHERE id = " + std::to_string(fan.wallet)) ==
             912);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::testing

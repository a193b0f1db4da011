#include "storage/commit_settlement.hpp"

#include <spdlog/spdlog.h>
#include <chrono>
#include <thread>

#include "domain/write_tag.hpp"
#include "storage/commit_gate.hpp"
#include "storage/session_factory.hpp"
#include "storage/sql_error.hpp"
#include "storage/write_outcome.hpp"

namespace boxoffice::storage {
namespace {

// Without a job (no gate), how long a broken COMMIT may take to settle.
constexpr domain::TimeMs kDefaultVerdictWait = 10'000;
constexpr auto kRetryPause = std::chrono::milliseconds(100);
constexpr auto kFencePoll = std::chrono::milliseconds(20);

// The other server processes with this connection's application_name: the broken one (a
// reconnect keeps the name, and only this worker uses it).
constexpr const char* kSameName =
    " FROM pg_stat_activity WHERE application_name = current_setting('application_name')"
    " AND application_name <> '' AND pid <> pg_backend_pid()";

// Ends the broken connection's server process and waits until it is gone: from then on its
// transaction is decided (committed or rolled back) and a lookup tells which. False when
// this connection has no name (then nothing can be fenced) or time ran out.
bool fence_broken_connection(soci::session& session, domain::TimeMs limit) {
  std::string name;
  session << "SELECT current_setting('application_name')", soci::into(name);
  if (name.empty()) return false;
  long long signalled = 0;
  session << std::string("SELECT COUNT(pg_terminate_backend(pid))") + kSameName,
      soci::into(signalled);
  while (true) {
    long long left = 0;
    session << std::string("SELECT COUNT(*)") + kSameName, soci::into(left);
    if (left == 0) return true;
    if (domain::wall_clock_ms() >= limit) return false;
    std::this_thread::sleep_for(kFencePoll);
  }
}

}  // namespace

void settle_broken_commit(soci::session& session, config::DatabaseKind kind,
                          const std::function<bool(soci::session&)>& proof,
                          const std::exception& broken) {
  const auto* gate = CommitGate::current();
  const domain::TimeMs limit =
      gate ? gate->verdict_deadline() : domain::wall_clock_ms() + kDefaultVerdictWait;
  spdlog::warn("storage: the connection broke during COMMIT ({}); looking the write up",
               describe(broken));
  if (!proof || kind != config::DatabaseKind::postgresql) throw OutcomeUnknown();
  while (true) {
    // Past the limit the caller has its 504 already (the watchdog answered it).
    if ((gate && gate->answered()) || domain::wall_clock_ms() >= limit) throw OutcomeUnknown();
    try {
      session.reconnect();
      configure_session(session, kind);
      const bool fenced = fence_broken_connection(session, limit);
      if (proof(session)) {
        spdlog::info("storage: the write of the broken COMMIT is in the database");
        return;
      }
      if (!fenced) throw OutcomeUnknown();  // the old process might still commit it
      spdlog::info("storage: the write of the broken COMMIT is not in the database");
      throw NotCommitted();
    } catch (const NotCommitted&) {
      throw;
    } catch (const OutcomeUnknown&) {
      throw;
    } catch (const std::exception& error) {
      spdlog::warn("storage: cannot look the write up yet: {}", describe(error));
      std::this_thread::sleep_for(kRetryPause);
    }
  }
}

}  // namespace boxoffice::storage

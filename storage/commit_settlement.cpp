#include "storage/commit_settlement.hpp"

#include <spdlog/spdlog.h>
#include <chrono>
#include <thread>

#include "domain/write_tag.hpp"
#include "storage/commit_gate.hpp"
#include "storage/connection_fence.hpp"
#include "storage/session_factory.hpp"
#include "storage/sql_error.hpp"
#include "storage/write_outcome.hpp"

namespace boxoffice::storage {
namespace {

// Without a job (no gate), how long a broken COMMIT may take to settle.
constexpr domain::TimeMs kDefaultVerdictWait = 10'000;
constexpr auto kRetryPause = std::chrono::milliseconds(100);
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
      // The broken connection's process (a reconnect keeps the name; only this worker uses it).
      std::string name;
      session << "SELECT current_setting('application_name')", soci::into(name);
      const bool fenced = fence_connections(session, name, false, limit);
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

// PostgreSQL: a schedule batch (releases, then holds) as one call of boxoffice_hold_batch
// (schema version 6, hold_batch_function.cpp): one statement that is its own transaction,
// so one round trip (BEGIN, the writes and COMMIT were four).
#include <soci/postgresql/soci-postgresql.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <stdexcept>

#include "domain/write_tag.hpp"
#include "storage/hold_batch_function.hpp"
#include "storage/schedule_repository.hpp"
#include "storage/write_outcome.hpp"

namespace boxoffice::storage {
namespace {

// PostgreSQL array literals, bound as text and cast by the statement.
template <class Items, class Value>
std::string array_of(const Items& items, Value value) {
  std::string text = "{";
  for (const auto& item : items) {
    if (text.size() > 1) text += ',';
    text += value(item);
  }
  return text + "}";
}

// Request ids hold [A-Za-z0-9._:-] only (checked): quoted, they need no escapes.
std::string quoted_or_null(const std::string& request_id) {
  if (request_id.empty()) return "NULL";
  if (!domain::safe_request_id(request_id)) throw std::invalid_argument("unsafe request id");
  return "\"" + request_id + "\"";
}

// The ids the function answered ("4,5,6"); what is not an id is left out.
std::vector<domain::Id> parse_ids(const std::string& text) {
  std::vector<domain::Id> ids;
  const char* at = text.data();
  const char* const end = text.data() + text.size();
  while (at < end) {
    domain::Id id = 0;
    const auto [next, error] = std::from_chars(at, end, id);
    if (error != std::errc() || id <= 0) return {};
    ids.push_back(id);
    at = next == end ? end : next + 1;
  }
  return ids;
}

}  // namespace

// The connection broke while the batch ran and the lookup found it committed: its answer (the
// new reservations' ids) is read back by each hold's request id.
ScheduleWrite ScheduleRepository::recovered(const std::vector<PendingHold>& holds) {
  ScheduleWrite result;
  for (const auto& hold : holds) {
    const auto record =
        hold.request_id.empty() ? std::nullopt : find_hold(hold.user, hold.request_id);
    if (!record) throw OutcomeUnknown();
    result.reservations.push_back(record->id);
  }
  return result;
}

ScheduleWrite ScheduleRepository::write_in_one_call(domain::Id schedule,
                                                    const std::vector<PendingRelease>& releases,
                                                    const std::vector<PendingHold>& holds,
                                                    domain::TimeMs now) {
  const auto n = [](long long value) { return std::to_string(value); };
  const auto released = [&](auto field) { return array_of(releases, field); };
  const auto held = [&](auto field) { return array_of(holds, field); };
  const std::string release_seats = released([&](const auto& r) { return n(r.seat); });
  const std::string release_versions = released([&](const auto& r) { return n(r.seat_version); });
  const std::string release_reservations =
      released([&](const auto& r) { return n(r.reservation); });
  const std::string release_statuses =
      released([](const auto& r) { return std::string(release_status(r)); });
  const std::string release_requests =
      released([](const auto& r) { return quoted_or_null(r.request_id); });
  const std::string seats = held([&](const auto& h) { return n(h.seat); });
  const std::string users = held([&](const auto& h) { return n(h.user); });
  const std::string prices = held([&](const auto& h) { return n(h.price); });
  const std::string until = held([&](const auto& h) { return n(h.held_until); });
  const std::string versions = held([&](const auto& h) { return n(h.seat_version); });
  const std::string requests = held([](const auto& h) { return quoted_or_null(h.request_id); });
  // 0 where a hold replaces no passed one: no reservation has that id.
  const std::string expired = held([&](const auto& h) { return n(h.expired_reservation); });

  ScheduleWrite result;
  std::string ids;
  bool answered = false;
  try {
    commit_one_statement(session_, kind_, proof_of(releases, holds), [&] {
      session_ << "SELECT boxoffice_hold_batch(:schedule, :now, CAST(:rs AS INTEGER[]),"
                  " CAST(:rv AS BIGINT[]), CAST(:rr AS BIGINT[]), CAST(:rt AS TEXT[]),"
                  " CAST(:rq AS TEXT[]), CAST(:seats AS INTEGER[]), CAST(:users AS BIGINT[]),"
                  " CAST(:prices AS BIGINT[]), CAST(:until AS BIGINT[]),"
                  " CAST(:versions AS BIGINT[]), CAST(:expired AS BIGINT[]),"
                  " CAST(:requests AS TEXT[]))",
          soci::use(schedule), soci::use(now), soci::use(release_seats),
          soci::use(release_versions), soci::use(release_reservations), soci::use(release_statuses),
          soci::use(release_requests), soci::use(seats), soci::use(users), soci::use(prices),
          soci::use(until), soci::use(versions), soci::use(expired), soci::use(requests),
          soci::into(ids);
      answered = true;
    });
  } catch (const soci::postgresql_soci_error& error) {
    if (error.sqlstate() != kHoldBatchConflictState) throw;
    result.version_conflict = true;  // the statement rolled back: nothing written
    return result;
  }
  if (!answered) return recovered(holds);
  result.reservations = parse_ids(ids);
  if (result.reservations.size() == holds.size()) return result;
  // Committed: its answer is what the database has.
  spdlog::error("storage: boxoffice_hold_batch answered '{}' for {} holds; reading them back", ids,
                holds.size());
  return recovered(holds);
}

}  // namespace boxoffice::storage

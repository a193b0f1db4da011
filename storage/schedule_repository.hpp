#pragma once

#include <soci/soci.h>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "domain/reservation.hpp"
#include "domain/seat_map.hpp"
#include "storage/write_transaction.hpp"

namespace boxoffice::storage {

// A hold to write: replaces `expired_reservation` (a passed hold) when it is not 0.
struct PendingHold {
  std::int32_t seat = 0;
  domain::Id user = 0;
  domain::Won price = 0;
  domain::TimeMs held_until = 0;
  std::int64_t seat_version = 0;
  domain::Id expired_reservation = 0;
  std::string request_id;  // stored with the reservation; [A-Za-z0-9._:-] only (empty: none)
};

// A hold to end: EXPIRED (time passed) or CANCELLED (by its holder).
struct PendingRelease {
  std::int32_t seat = 0;
  domain::Id reservation = 0;
  std::int64_t seat_version = 0;
  bool cancelled = false;
  std::string request_id;  // a cancel's, stored with the reservation (empty: none)
};

inline const char* release_status(const PendingRelease& release) {
  return release.cancelled ? "CANCELLED" : "EXPIRED";
}

struct ScheduleWrite {
  bool version_conflict = false;         // nothing was written: reload
  std::vector<domain::Id> reservations;  // ids of the new holds, in order
};

using ReservationRecord = domain::ReservationRecord;

class ScheduleRepository {
 public:
  ScheduleRepository(soci::session& session, config::DatabaseKind kind)
      : session_(session), kind_(kind) {}

  std::optional<domain::SeatMap> load(domain::Id schedule);
  // One transaction: releases first, then holds; every seat update is conditional on the
  // seat version the actor holds. On PostgreSQL one statement (schedule_batch_call.cpp).
  ScheduleWrite write(domain::Id schedule, const std::vector<PendingRelease>& releases,
                      const std::vector<PendingHold>& holds, domain::TimeMs now);

  std::optional<ReservationRecord> find_reservation(domain::Id reservation);
  // The hold written by the request `request_id` of `user`, if it committed.
  std::optional<ReservationRecord> find_hold(domain::Id user, const std::string& request_id);
  // Whether the request `request_id` cancelled `reservation` (committed).
  bool cancelled_by(domain::Id reservation, const std::string& request_id);
  std::optional<domain::Id> wallet_of(domain::Id user);
  // nullopt: no such concert; else its schedule ids ordered by start.
  std::optional<std::vector<domain::Id>> schedules_of(domain::Id concert);

 private:
  ScheduleWrite write_in_one_call(domain::Id schedule, const std::vector<PendingRelease>& releases,
                                  const std::vector<PendingHold>& holds, domain::TimeMs now);
  ScheduleWrite recovered(const std::vector<PendingHold>& holds);
  bool write_holds(domain::Id schedule, const std::vector<PendingHold>& holds, domain::TimeMs now,
                   ScheduleWrite& result);
  // What proves the batch committed when its connection broke during COMMIT (none: unknown).
  WriteTransaction::Proof proof_of(const std::vector<PendingRelease>& releases,
                                   const std::vector<PendingHold>& holds) const;

  soci::session& session_;
  config::DatabaseKind kind_;
};

}  // namespace boxoffice::storage

#include "storage/schedule_repository.hpp"

#include <stdexcept>
#include <unordered_map>

#include "domain/write_tag.hpp"

#include "storage/changed_rows.hpp"
#include "storage/write_transaction.hpp"

namespace boxoffice::storage {

std::optional<domain::SeatMap> ScheduleRepository::load(domain::Id id) {
  domain::Schedule schedule;
  schedule.id = id;
  int seat_count = 0;
  long long concert = 0, starts = 0, opens = 0, closes = 0, price = 0;
  session_ << "SELECT concert_id, starts_at_ms, booking_opens_at_ms, booking_closes_at_ms, "
              "seat_count, seat_price"
              " FROM schedules WHERE id = :id",
      soci::use(id), soci::into(concert), soci::into(starts), soci::into(opens), soci::into(closes),
      soci::into(seat_count), soci::into(price);
  if (!session_.got_data()) return std::nullopt;
  schedule.spec = domain::ScheduleSpec{concert, starts, opens, closes, seat_count, price};
  std::vector<domain::Seat> seats;
  seats.reserve(static_cast<std::size_t>(seat_count));
  int number = 0;
  long long seat_price = 0, holder = 0, held_until = 0, reservation = 0, version = 0;
  std::string status;
  soci::statement rows =
      (session_.prepare << "SELECT seat_number, price, status, COALESCE(holder_user_id, 0), "
                           "COALESCE(held_until_ms, 0),"
                           " COALESCE(reservation_id, 0), version FROM seats WHERE schedule_id = "
                           ":id ORDER BY seat_number",
       soci::use(id), soci::into(number), soci::into(seat_price), soci::into(status),
       soci::into(holder), soci::into(held_until), soci::into(reservation), soci::into(version));
  rows.execute();
  while (rows.fetch()) {
    domain::Seat seat;
    seat.number = number;
    seat.price = seat_price;
    seat.status = status == "SOLD"   ? domain::SeatStatus::sold
                  : status == "HELD" ? domain::SeatStatus::held
                                     : domain::SeatStatus::available;
    seat.holder = holder;
    seat.held_until = held_until;
    seat.reservation = reservation;
    seat.version = version;
    seats.push_back(seat);
  }
  return domain::SeatMap(schedule, std::move(seats));
}

ScheduleWrite ScheduleRepository::write(domain::Id schedule,
                                        const std::vector<PendingRelease>& releases,
                                        const std::vector<PendingHold>& holds, domain::TimeMs now) {
  if (kind_ == config::DatabaseKind::postgresql)
    return write_in_one_call(schedule, releases, holds, now);
  WriteTransaction transaction(session_, kind_);
  ScheduleWrite result;
  // Lock order as in the payment transaction: the seat, then its reservation.
  for (const auto& release : releases) {
    const auto seats =
        changed_rows(session_,
                     "UPDATE seats SET status = 'AVAILABLE', holder_user_id = NULL, "
                     "held_until_ms = NULL, reservation_id = NULL,"
                     " version = version + 1 WHERE schedule_id = :schedule AND "
                     "seat_number = :seat AND version = :version"
                     " AND reservation_id = :reservation",
                     soci::use(schedule), soci::use(release.seat), soci::use(release.seat_version),
                     soci::use(release.reservation));
    if (seats != 1) {
      result.version_conflict = true;
      return result;
    }
    const std::string status = release_status(release);
    soci::indicator request_set = release.request_id.empty() ? soci::i_null : soci::i_ok;
    changed_rows(session_,
                 "UPDATE reservations SET status = :status, updated_at_ms = :now,"
                 " version = version + 1, cancel_request_id = :request"
                 " WHERE id = :id AND status = 'HELD'",
                 soci::use(status), soci::use(now), soci::use(release.request_id, request_set),
                 soci::use(release.reservation));
  }
  if (!holds.empty() && !write_holds(schedule, holds, now, result)) return result;
  transaction.prove_with(proof_of(releases, holds));
  transaction.commit();
  return result;
}

// A row this transaction wrote with a request id: the first hold's reservation, else the
// first cancel. Passed holds released on their own carry none (a broken COMMIT of only
// those has an unknown outcome: the actor reloads).
WriteTransaction::Proof ScheduleRepository::proof_of(const std::vector<PendingRelease>& releases,
                                                     const std::vector<PendingHold>& holds) const {
  const auto kind = kind_;
  for (const auto& hold : holds) {
    if (hold.request_id.empty()) continue;
    return [kind, user = hold.user, request = hold.request_id](soci::session& s) {
      return ScheduleRepository(s, kind).find_hold(user, request).has_value();
    };
  }
  for (const auto& release : releases) {
    if (release.request_id.empty()) continue;
    return
        [kind, reservation = release.reservation, request = release.request_id](soci::session& s) {
          return ScheduleRepository(s, kind).cancelled_by(reservation, request);
        };
  }
  return {};
}

// SQLite: all holds of a batch in three statements whatever its size (every value is an integer
// from the actor's own state, written as a number): expire the passed holds they replace
// (first: one live hold per seat), insert the reservations, then move every seat to HELD
// where its version is still the one the actor decided on.
bool ScheduleRepository::write_holds(domain::Id schedule, const std::vector<PendingHold>& holds,
                                     domain::TimeMs now, ScheduleWrite& result) {
  const auto n = [](long long value) { return std::to_string(value); };
  std::string expired;
  for (const auto& hold : holds)
    if (hold.expired_reservation != 0)
      expired += (expired.empty() ? "" : ",") + n(hold.expired_reservation);
  if (!expired.empty())
    changed_rows(
        session_,
        "UPDATE reservations SET status = 'EXPIRED', updated_at_ms = :now, version = version + 1"
        " WHERE id IN (" +
            expired + ") AND status = 'HELD'",
        soci::use(now));

  // Request ids are checked to hold [A-Za-z0-9._:-] only, so they are safe as literals.
  const auto text = [](const std::string& id) {
    if (id.empty()) return std::string("NULL");
    if (!domain::safe_request_id(id)) throw std::invalid_argument("unsafe request id");
    return "'" + id + "'";
  };
  std::string rows;
  for (const auto& hold : holds)
    rows += (rows.empty() ? "(" : ",(") + n(schedule) + "," + n(hold.seat) + "," + n(hold.user) +
            "," + n(hold.price) + ",'HELD'," + n(hold.held_until) + "," + n(now) + "," + n(now) +
            ",0," + text(hold.request_id) + ")";
  std::vector<long long> ids(holds.size());
  std::vector<int> seats(holds.size());
  {  // the statement must be gone before COMMIT on SQLite; one-time: see changed_rows.hpp
    soci::statement insert(session_);
    insert.alloc();
    insert.exchange(soci::into(ids));
    insert.exchange(soci::into(seats));
    insert.prepare(
        "INSERT INTO reservations(schedule_id, seat_number, user_id, price, status,"
        " held_until_ms, created_at_ms, updated_at_ms, version, request_id) VALUES " +
            rows + " RETURNING id, seat_number",
        soci::details::st_one_time_query);
    insert.define_and_bind();
    insert.execute(true);
  }
  std::unordered_map<int, long long> reservation_of_seat;
  for (std::size_t i = 0; i < ids.size(); ++i) reservation_of_seat[seats[i]] = ids[i];

  std::string updates;
  for (const auto& hold : holds)
    updates += (updates.empty() ? "(" : ",(") + n(hold.seat) + "," + n(hold.user) + "," +
               n(hold.held_until) + "," + n(reservation_of_seat.at(hold.seat)) + "," +
               n(hold.seat_version) + ")";
  const auto moved = changed_rows(
      session_,
      "WITH v(seat, holder, until, reservation, expected) AS (VALUES " + updates +
          ")"
          " UPDATE seats SET status = 'HELD', holder_user_id = v.holder, held_until_ms = v.until,"
          " reservation_id = v.reservation, version = seats.version + 1 FROM v"
          " WHERE seats.schedule_id = " +
          n(schedule) + " AND seats.seat_number = v.seat AND seats.version = v.expected");
  if (moved != static_cast<long long>(holds.size())) {
    result.version_conflict = true;  // ~WriteTransaction rolls back
    return false;
  }
  for (const auto& hold : holds) result.reservations.push_back(reservation_of_seat.at(hold.seat));
  return true;
}

std::optional<ReservationRecord> ScheduleRepository::find_reservation(domain::Id id) {
  ReservationRecord record;
  record.id = id;
  long long schedule = 0, concert = 0, user = 0, price = 0, until = 0;
  int seat = 0;
  session_ << "SELECT r.schedule_id, s.concert_id, r.seat_number, r.user_id, r.price, r.status, "
              "r.held_until_ms"
              " FROM reservations r JOIN schedules s ON s.id = r.schedule_id WHERE r.id = :id",
      soci::use(id), soci::into(schedule), soci::into(concert), soci::into(seat), soci::into(user),
      soci::into(price), soci::into(record.status), soci::into(until);
  if (!session_.got_data()) return std::nullopt;
  record.schedule = schedule;
  record.concert = concert;
  record.seat = seat;
  record.user = user;
  record.price = price;
  record.held_until = until;
  return record;
}

std::optional<ReservationRecord> ScheduleRepository::find_hold(domain::Id user,
                                                               const std::string& request_id) {
  long long id = 0;
  session_ << "SELECT id FROM reservations WHERE user_id = :user AND request_id = :request",
      soci::use(user), soci::use(request_id), soci::into(id);
  if (!session_.got_data()) return std::nullopt;
  return find_reservation(id);
}

bool ScheduleRepository::cancelled_by(domain::Id reservation, const std::string& request_id) {
  int found = 0;
  session_ << "SELECT COUNT(*) FROM reservations WHERE id = :id AND cancel_request_id = :request",
      soci::use(reservation), soci::use(request_id), soci::into(found);
  return found > 0;
}

std::optional<domain::Id> ScheduleRepository::wallet_of(domain::Id user) {
  long long wallet = 0;
  session_ << "SELECT id FROM wallets WHERE user_id = :user", soci::use(user), soci::into(wallet);
  if (!session_.got_data()) return std::nullopt;
  return wallet;
}

std::optional<std::vector<domain::Id>> ScheduleRepository::schedules_of(domain::Id concert) {
  int found = 0;
  session_ << "SELECT COUNT(*) FROM concerts WHERE id = :id", soci::use(concert), soci::into(found);
  if (found == 0) return std::nullopt;
  std::vector<domain::Id> ids;
  long long id = 0;
  soci::statement rows =
      (session_.prepare
           << "SELECT id FROM schedules WHERE concert_id = :id ORDER BY starts_at_ms, id",
       soci::use(concert), soci::into(id));
  rows.execute();
  while (rows.fetch()) ids.push_back(id);
  return ids;
}

}  // namespace boxoffice::storage

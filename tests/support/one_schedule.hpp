#pragma once

// A fresh, migrated database holding one schedule at 50,000 won a seat, bookable around kNow,
// for the storage suites that write to a schedule directly; OneSchedule adds a fan (with a
// wallet) to a schedule of four seats.
#include <cstdint>
#include <memory>
#include <string>

#include "storage/catalog_repository.hpp"
#include "storage/migrations.hpp"
#include "storage/session_factory.hpp"
#include "support/test_database.hpp"

namespace boxoffice::testing {

struct MigratedSchedule {
  static constexpr domain::TimeMs kNow = 2'000'000'000'000;
  static constexpr domain::TimeMs kHoldUntil = kNow + 600'000;
  static constexpr domain::Won kPrice = 50'000;

  config::DatabaseTarget target;
  std::unique_ptr<soci::session> session;
  domain::Id schedule = 0;

  MigratedSchedule(const std::string& label, std::int32_t seats)
      : target(fresh_database(label)), session(storage::open_session(target)) {
    storage::migrate(*session, target.kind);
    storage::CatalogRepository catalog(*session, target.kind);
    const auto concert = catalog.create_concert("Night", kNow);
    domain::ScheduleSpec spec{
        concert.id, kNow + 7'200'000, kNow - 3'600'000, kNow + 3'600'000, seats, kPrice};
    schedule = catalog.create_schedule(spec, kNow)->id;
  }

  long long scalar(const std::string& sql) {
    long long value = 0;
    *session << sql, soci::into(value);
    return value;
  }
};

struct OneSchedule : MigratedSchedule {
  domain::User fan;

  explicit OneSchedule(const std::string& label) : MigratedSchedule(label, 4) {
    fan = storage::CatalogRepository(*session, target.kind).create_user("fan", kNow);
  }
};

}  // namespace boxoffice::testing

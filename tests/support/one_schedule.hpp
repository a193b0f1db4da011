#pragma once

// A fresh, migrated database holding one fan (with a wallet) and one schedule of four seats
// at 50,000 won, for the storage suites that write to a schedule directly.
#include <memory>
#include <string>

#include "storage/catalog_repository.hpp"
#include "storage/migrations.hpp"
#include "storage/session_factory.hpp"
#include "support/test_database.hpp"

namespace boxoffice::testing {

struct OneSchedule {
  static constexpr domain::TimeMs kNow = 2'000'000'000'000;
  static constexpr domain::TimeMs kHoldUntil = kNow + 600'000;
  static constexpr domain::Won kPrice = 50'000;

  config::DatabaseTarget target;
  std::unique_ptr<soci::session> session;
  domain::User fan;
  domain::Id schedule = 0;

  explicit OneSchedule(const std::string& label)
      : target(fresh_database(label)), session(storage::open_session(target)) {
    storage::migrate(*session, target.kind);
    storage::CatalogRepository catalog(*session, target.kind);
    fan = catalog.create_user("fan", kNow);
    const auto concert = catalog.create_concert("Night", kNow);
    domain::ScheduleSpec spec{concert.id, kNow + 7'200'000, kNow - 3'600'000, kNow + 3'600'000, 4,
                              kPrice};
    schedule = catalog.create_schedule(spec, kNow)->id;
  }

  long long scalar(const std::string& sql) {
    long long value = 0;
    *session << sql, soci::into(value);
    return value;
  }
};

}  // namespace boxoffice::testing

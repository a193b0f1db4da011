#include "storage/demo_seed.hpp"

#include "domain/rfc3339.hpp"
#include "storage/catalog_repository.hpp"

namespace boxoffice::storage {

DemoSeedReport seed_demo(soci::session& session, config::DatabaseKind kind, domain::TimeMs now) {
  CatalogRepository catalog(session, kind);
  DemoSeedReport report;
  if (catalog.has_any_user()) {
    report.summary = "database already has data; demo seed skipped";
    return report;
  }
  constexpr domain::TimeMs kDay = 24LL * 3600 * 1000;
  std::string summary;
  for (const char* name : {"kim", "lee", "park"}) {
    const auto user = catalog.create_user(name, now);
    summary += "user " + std::to_string(user.id) + " (" + user.name + ") wallet " +
               std::to_string(user.wallet_id) + "\n";
  }
  const auto concert = catalog.create_concert("boxoffice live: winter tour", now);
  summary += "concert " + std::to_string(concert.id) + " (" + concert.title + ")\n";
  for (int i = 0; i < 2; ++i) {
    domain::ScheduleSpec spec;
    spec.concert_id = concert.id;
    spec.starts_at = now + (30 + i) * kDay;
    spec.booking_opens_at = now - kDay;
    spec.booking_closes_at = now + (29 + i) * kDay;
    spec.seat_count = 50;
    spec.seat_price = 50'000;
    const auto schedule = catalog.create_schedule(spec, now);
    summary += "schedule " + std::to_string(schedule->id) + " starts " +
               domain::format_rfc3339(spec.starts_at) + ", 50 seats at 50000 won\n";
  }
  report.created = true;
  report.summary = summary;
  return report;
}

}  // namespace boxoffice::storage

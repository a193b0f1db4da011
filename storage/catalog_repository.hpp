#pragma once

#include <soci/soci.h>
#include <optional>
#include <vector>

#include "config/config.hpp"
#include "domain/catalog.hpp"

namespace boxoffice::storage {

enum class IdTable { wallets, schedules };

// Users (each with a wallet), concerts and schedules (each with its seats). Every write is
// one transaction; callers run these on a storage worker.
class CatalogRepository {
 public:
  CatalogRepository(soci::session& session, config::DatabaseKind kind)
      : session_(session), kind_(kind) {}

  domain::User create_user(const std::string& name, domain::TimeMs now);
  domain::Concert create_concert(const std::string& title, domain::TimeMs now);
  // nullopt when the concert does not exist.
  std::optional<domain::Schedule> create_schedule(const domain::ScheduleSpec& spec,
                                                  domain::TimeMs now);

  std::vector<domain::Concert> list_concerts();
  std::optional<domain::Concert> find_concert(domain::Id id);
  bool has_any_user();
  // The ids >= `from` of `table`, ascending.
  std::vector<domain::Id> ids_from(IdTable table, domain::Id from);

 private:
  soci::session& session_;
  config::DatabaseKind kind_;
};

}  // namespace boxoffice::storage

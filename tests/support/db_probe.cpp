#include "support/db_probe.hpp"

#include <soci/soci.h>

#include "storage/session_factory.hpp"

namespace boxoffice::testing {

std::int64_t db_number(const config::DatabaseTarget& database, const std::string& sql) {
  auto session = storage::open_session(database);
  long long value = -1;
  *session << sql, soci::into(value);
  return value;
}

std::string db_text(const config::DatabaseTarget& database, const std::string& sql) {
  auto session = storage::open_session(database);
  std::string value;
  soci::indicator indicator = soci::i_ok;
  *session << sql, soci::into(value, indicator);
  if (!session->got_data()) return "<no row>";
  return indicator == soci::i_null ? "<null>" : value;
}

}  // namespace boxoffice::testing

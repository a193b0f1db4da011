#pragma once

#include <soci/soci.h>

#include <string>
#include <utility>

namespace boxoffice::storage {

// Runs one INSERT/UPDATE/DELETE with its bound values and returns the rows it changed.
// Executed as a one-time query: on PostgreSQL one round trip (PQexecParams), where SOCI's
// `session.prepare <<` costs three (PREPARE, EXECUTE, DEALLOCATE) — per statement of every
// write transaction. The statement is gone when this returns (SQLite needs that before COMMIT).
template <class... Binds>
long long changed_rows(soci::session& session, const std::string& sql, Binds&&... binds) {
  soci::statement statement(session);
  statement.alloc();
  (statement.exchange(std::forward<Binds>(binds)), ...);
  statement.prepare(sql, soci::details::st_one_time_query);
  statement.define_and_bind();
  statement.execute(true);
  return statement.get_affected_rows();
}

}  // namespace boxoffice::storage

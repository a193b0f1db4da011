#include "storage/write_transaction.hpp"

#include "domain/write_tag.hpp"
#include "storage/commit_gate.hpp"
#include "storage/commit_settlement.hpp"
#include "storage/sql_error.hpp"
#include "storage/write_outcome.hpp"

namespace boxoffice::storage {

WriteTransaction::WriteTransaction(soci::session& session, config::DatabaseKind kind)
    : session_(session), kind_(kind) {
  if (kind == config::DatabaseKind::sqlite)
    session_ << "BEGIN IMMEDIATE";
  else
    session_ << "BEGIN";
}

WriteTransaction::~WriteTransaction() {
  if (!open_) return;
  try {
    session_ << "ROLLBACK";
  } catch (...) {
    // The connection is gone; the server rolls back on its own.
  }
}

void WriteTransaction::commit() {
  auto* gate = CommitGate::current();
  if (gate && !gate->begin_commit(domain::wall_clock_ms())) throw DeadlinePassed();
  try {
    session_ << "COMMIT";
    open_ = false;
  } catch (const std::exception& error) {
    if (classify(error) != SqlFailure::connection) throw;  // refused: rolled back
    open_ = false;  // nothing to roll back on the connection settle_broken_commit opens
    settle_broken_commit(session_, kind_, proof_, error);
  }
}

}  // namespace boxoffice::storage

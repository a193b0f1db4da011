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

namespace {

// Sends what commits a write (`send`): only before the job's deadline; a broken connection
// is settled with `proof` (after `connection_lost`).
void send_commit(soci::session& session, config::DatabaseKind kind,
                 const WriteTransaction::Proof& proof, const std::function<void()>& send,
                 const std::function<void()>& connection_lost) {
  auto* gate = CommitGate::current();
  if (gate && !gate->begin_commit(domain::wall_clock_ms())) throw DeadlinePassed();
  try {
    send();
  } catch (const std::exception& error) {
    if (classify(error) != SqlFailure::connection) throw;  // refused: rolled back
    connection_lost();
    settle_broken_commit(session, kind, proof, error);
  }
}

}  // namespace

void WriteTransaction::commit() {
  // A broken connection leaves nothing to roll back on the one the settlement opens.
  send_commit(
      session_, kind_, proof_, [this] { session_ << "COMMIT"; }, [this] { open_ = false; });
  open_ = false;
}

void commit_one_statement(soci::session& session, config::DatabaseKind kind,
                          const WriteTransaction::Proof& proof,
                          const std::function<void()>& statement) {
  send_commit(session, kind, proof, statement, [] {});
}

}  // namespace boxoffice::storage

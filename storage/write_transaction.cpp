#include "storage/write_transaction.hpp"

namespace boxoffice::storage {

WriteTransaction::WriteTransaction(soci::session& session, config::DatabaseKind kind)
    : session_(session) {
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
  session_ << "COMMIT";
  open_ = false;
}

}  // namespace boxoffice::storage

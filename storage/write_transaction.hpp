#pragma once

#include <soci/soci.h>
#include <functional>

#include "config/config.hpp"

namespace boxoffice::storage {

// A read-write transaction that takes the write lock up front on SQLite (BEGIN IMMEDIATE:
// a deferred BEGIN fails with BUSY on the read-to-write upgrade) and is a plain BEGIN on
// PostgreSQL. Rolls back unless commit() was called.
//
// Inside a deadline-bound storage job (CommitGate::current()), commit() never sends COMMIT
// at or after the job's deadline: it throws DeadlinePassed and the transaction rolls back.
// When the connection breaks while COMMIT is in flight, the outcome is settled on a new
// connection (commit_settlement.hpp) with the transaction's proof: a query for a row it wrote
// with its request id.
class WriteTransaction {
 public:
  // True when the transaction's writes are in the database (run on a new connection).
  using Proof = std::function<bool(soci::session&)>;

  WriteTransaction(soci::session& session, config::DatabaseKind kind);
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

  // Without a proof a COMMIT whose connection broke has an unknown outcome (OutcomeUnknown).
  // A transaction that wrote nothing proves itself: `nothing_written()`.
  void prove_with(Proof proof) { proof_ = std::move(proof); }
  void nothing_written() {
    proof_ = [](soci::session&) { return true; };
  }

  // Returns once committed. Throws DeadlinePassed (rolled back), NotCommitted (the connection
  // broke and the write is not in the database), OutcomeUnknown, or what the database said.
  void commit();

 private:
  soci::session& session_;
  config::DatabaseKind kind_;
  Proof proof_;
  bool open_ = true;
};

// PostgreSQL: runs `statement`, one statement that is a transaction of its own (autocommit:
// no BEGIN, and sending it is sending its COMMIT; one round trip), under the rules of
// WriteTransaction::commit: never sent at or after the job's deadline (DeadlinePassed), and
// settled with `proof` when the connection breaks while it runs (NotCommitted,
// OutcomeUnknown). A statement the database refuses throws what it said (nothing written).
void commit_one_statement(soci::session& session, config::DatabaseKind kind,
                          const WriteTransaction::Proof& proof,
                          const std::function<void()>& statement);

}  // namespace boxoffice::storage

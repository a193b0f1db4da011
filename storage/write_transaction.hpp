#pragma once

#include <soci/soci.h>

#include "config/config.hpp"

namespace boxoffice::storage {

// A read-write transaction that takes the write lock up front on SQLite (BEGIN IMMEDIATE:
// a deferred BEGIN fails with BUSY on the read-to-write upgrade) and is a plain BEGIN on
// PostgreSQL. Rolls back unless commit() was called.
class WriteTransaction {
 public:
  WriteTransaction(soci::session& session, config::DatabaseKind kind);
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

  void commit();

 private:
  soci::session& session_;
  bool open_ = true;
};

}  // namespace boxoffice::storage

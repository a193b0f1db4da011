#pragma once

#include <soci/soci.h>
#include <sys/types.h>
#include <memory>
#include <string>
#include <vector>

#include "chaos/chaos_database.hpp"

namespace boxoffice::chaos {

// Faults of the database itself, as the nodes see them: PostgreSQL standing still (its
// processes stopped: a failover, a storage stall) and every node's connection ended by the
// server (pg_terminate_backend: an administrator, a proxy, a restart). Freezing needs the
// server on this machine (as scripts/chaos.sh runs it): its postmaster is the parent of the
// tool's own backend.
class DatabaseFaults {
 public:
  explicit DatabaseFaults(const ChaosDatabase& database);
  ~DatabaseFaults() { thaw(); }
  DatabaseFaults(const DatabaseFaults&) = delete;
  DatabaseFaults& operator=(const DatabaseFaults&) = delete;

  // SIGSTOP of the postmaster and everything it started; thaw() sends SIGCONT. "" or why not.
  std::string freeze();
  void thaw();
  // Ends every boxoffice connection (application_name boxoffice/...); "N connections ended"
  // or why not.
  std::string terminate_connections();

 private:
  std::unique_ptr<soci::session> session_;
  pid_t postmaster_ = 0;
  std::vector<pid_t> stopped_;
};

}  // namespace boxoffice::chaos

#pragma once

#include <sys/types.h>
#include <string>
#include <vector>

namespace boxoffice::testing {

// A throwaway PostgreSQL server of its own (scripts/pg-test-cluster.sh), for tests that
// freeze it or break its connections: the shared test server must never stand still under
// the other suites. Stopped and deleted by the destructor (thawed first).
class PgInstance {
 public:
  PgInstance();
  ~PgInstance();
  PgInstance(const PgInstance&) = delete;
  PgInstance& operator=(const PgInstance&) = delete;

  // postgresql://postgres@127.0.0.1:PORT/boxoffice
  const std::string& url() const { return url_; }
  int port() const { return port_; }

  // SIGSTOP of the postmaster and every process it started (backends, background workers):
  // connections stay open, nothing is answered. thaw() sends SIGCONT in reverse order.
  void freeze();
  void thaw();
  bool frozen() const { return !stopped_.empty(); }

 private:
  std::vector<pid_t> children_of(pid_t parent) const;

  std::string dir_;
  std::string url_;
  int port_ = 0;
  pid_t postmaster_ = 0;
  std::vector<pid_t> stopped_;
};

}  // namespace boxoffice::testing

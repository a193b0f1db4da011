#pragma once

#include <soci/soci.h>
#include <memory>
#include <string>

#include "config/config.hpp"

namespace boxoffice::chaos {

// A fresh schema for one run inside the given PostgreSQL database (several test programs
// share the CI server), dropped at the end unless kept. The nodes get a URL whose
// search_path points at it.
class ChaosDatabase {
 public:
  ChaosDatabase(const std::string& base_url, bool keep);
  ~ChaosDatabase();
  ChaosDatabase(const ChaosDatabase&) = delete;
  ChaosDatabase& operator=(const ChaosDatabase&) = delete;

  const std::string& url() const { return url_; }
  const std::string& schema() const { return schema_; }
  // A new session on the run's schema; throws soci::soci_error naming the failure.
  std::unique_ptr<soci::session> open() const;

 private:
  config::DatabaseTarget base_;
  config::DatabaseTarget target_;
  std::string schema_;
  std::string url_;
  bool keep_;
};

// Milliseconds since the epoch (the service's clock for *_ms columns).
long long now_ms();

}  // namespace boxoffice::chaos

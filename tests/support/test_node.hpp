#pragma once

#include <httplib.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "app/node.hpp"
#include "config/config.hpp"

namespace boxoffice::testing {

inline constexpr const char* kAdminKey = "test-admin-key";

// A Config as `boxoffice serve` builds it from these flags (no environment), listening on a
// free port with the test admin key. Throws when the flags are refused.
config::Config serve_config(const config::DatabaseTarget& database,
                            const std::vector<std::string>& extra_flags = {});

// A whole boxoffice node (storage, actors, HTTP) running in this process.
class TestNode {
 public:
  explicit TestNode(const config::Config& config);
  ~TestNode();
  TestNode(const TestNode&) = delete;
  TestNode& operator=(const TestNode&) = delete;

  int port() const { return port_; }
  std::unique_ptr<httplib::Client> client() const;
  void stop();

 private:
  app::Node node_;
  int port_ = 0;
  std::thread runner_;
};

// Response body as JSON (null when it is not JSON).
nlohmann::json body_json(const httplib::Result& result);

httplib::Headers admin_headers();
// "Authorization: Bearer <token>", as the booking routes take a queue token.
httplib::Headers bearer(const std::string& token);

// A node on a fresh database of its own and a keep-alive client to it: the whole fixture of
// a suite that needs nothing more (derive and name the database after the suite).
struct NodeOnFreshDatabase {
  explicit NodeOnFreshDatabase(const std::string& label);

  TestNode node;
  std::unique_ptr<httplib::Client> http;
};

}  // namespace boxoffice::testing

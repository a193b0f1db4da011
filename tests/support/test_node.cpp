#include "support/test_node.hpp"

#include <stdexcept>

#include "config/loader.hpp"
#include "support/test_database.hpp"

namespace boxoffice::testing {

config::Config serve_config(const config::DatabaseTarget& database,
                            const std::vector<std::string>& extra_flags) {
  std::vector<std::string> args = {"serve",      "--listen",       "127.0.0.1:0", "--database",
                                   database.url, "--admin-key",    kAdminKey,     "--log-level",
                                   "warn",       "--http-threads", "32"};
  args.insert(args.end(), extra_flags.begin(), extra_flags.end());
  auto outcome = config::load_config(args, [](const std::string&) { return std::nullopt; });
  if (!outcome.config) throw std::runtime_error("test config refused: " + outcome.message);
  return *outcome.config;
}

TestNode::TestNode(const config::Config& config) : node_(config) {
  port_ = node_.bind();
  runner_ = std::thread([this] { node_.run(); });
  while (!node_.is_running()) std::this_thread::yield();
}

TestNode::~TestNode() {
  stop();
}

void TestNode::stop() {
  if (!runner_.joinable()) return;
  node_.stop();
  runner_.join();
}

std::unique_ptr<httplib::Client> TestNode::client() const {
  auto client = std::make_unique<httplib::Client>("127.0.0.1", port_);
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);  // else Nagle delays every request with a body by ~40 ms
  client->set_read_timeout(30, 0);
  return client;
}

nlohmann::json body_json(const httplib::Result& result) {
  if (!result) return nullptr;
  return nlohmann::json::parse(result->body, nullptr, false);
}

httplib::Headers admin_headers() {
  return {{"X-Admin-Key", kAdminKey}};
}

httplib::Headers bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

NodeOnFreshDatabase::NodeOnFreshDatabase(const std::string& label)
    : node(serve_config(fresh_database(label))), http(node.client()) {}

}  // namespace boxoffice::testing

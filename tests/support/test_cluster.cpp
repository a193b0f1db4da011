#include "support/test_cluster.hpp"

#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "chaos/stable_ports.hpp"
#include "support/test_database.hpp"

namespace boxoffice::testing {

TestCluster::TestCluster(int nodes, config::DatabaseTarget database,
                         std::vector<std::string> extra_flags)
    : database_(std::move(database)), extra_flags_(std::move(extra_flags)) {
  cluster_ports_ = chaos::pick_stable_ports(nodes);
  for (int i = 0; i < nodes; ++i) {
    processes_.push_back(nullptr);
    earlier_output_.emplace_back();
    database_urls_.emplace_back();
  }
}

void TestCluster::use_database_url(int node, std::string url) {
  database_urls_.at(static_cast<std::size_t>(node - 1)) = std::move(url);
}

std::string TestCluster::cluster_address(int node) const {
  return "127.0.0.1:" + std::to_string(cluster_ports_.at(static_cast<std::size_t>(node - 1)));
}

void TestCluster::relay_links() {
  if (!relays_) relays_ = std::make_unique<chaos::LinkRelays>(cluster_ports_);
}

std::vector<std::string> TestCluster::args_for(int node) const {
  std::string peers;
  for (int other = 1; other <= size(); ++other)
    if (other != node) peers += (peers.empty() ? "" : ",") + cluster_address(other);
  if (relays_) peers = relays_->peers_of(node);
  std::vector<std::string> args{"serve",
                                "--node-id",
                                std::to_string(node),
                                "--listen",
                                "127.0.0.1:0",
                                "--cluster-listen",
                                cluster_address(node),
                                "--peers",
                                peers,
                                "--database",
                                database_urls_.at(static_cast<std::size_t>(node - 1)).empty()
                                    ? database_flag(database_)
                                    : database_urls_.at(static_cast<std::size_t>(node - 1)),
                                "--admin-key",
                                "k",
                                "--log-level",
                                "warn"};
  args.insert(args.end(), extra_flags_.begin(), extra_flags_.end());
  return args;
}

void TestCluster::start(int node) {
  auto& slot = processes_.at(static_cast<std::size_t>(node - 1));
  if (slot) earlier_output_.at(static_cast<std::size_t>(node - 1)) += slot->output();
  slot.reset();
  slot = std::make_unique<ServerProcess>(args_for(node));
  slot->start();
}

bool TestCluster::running(int node) const {
  const auto& slot = processes_.at(static_cast<std::size_t>(node - 1));
  return slot && slot->running();
}

void TestCluster::start_all() {
  for (int node = 1; node <= size(); ++node) start(node);
  if (!wait_converged(std::chrono::seconds(20)))
    throw std::runtime_error("the cluster did not converge: every node should see all up");
}

std::unique_ptr<httplib::Client> TestCluster::client(int node,
                                                     std::chrono::milliseconds read_timeout) const {
  auto client = std::make_unique<httplib::Client>(
      "127.0.0.1", processes_.at(static_cast<std::size_t>(node - 1))->port());
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);
  client->set_connection_timeout(std::chrono::seconds(2));
  client->set_read_timeout(read_timeout);
  return client;
}

std::string TestCluster::problems_logged() const {
  std::string shown;
  for (int node = 1; node <= size(); ++node) {
    const auto index = static_cast<std::size_t>(node - 1);
    std::istringstream lines(earlier_output_.at(index) +
                             (processes_.at(index) ? processes_.at(index)->output() : ""));
    for (std::string line; std::getline(lines, line);)
      if (line.find(" warning ") != std::string::npos ||
          line.find(" error ") != std::string::npos || line.find(" critical ") != std::string::npos)
        shown += "node " + std::to_string(node) + ": " + line + "\n";
  }
  return shown;
}

bool TestCluster::wait_status(int observer, int subject, const std::string& status,
                              std::chrono::milliseconds timeout) {
  const auto address = cluster_address(subject);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto http = client(observer, std::chrono::seconds(2));
  while (std::chrono::steady_clock::now() < deadline) {
    auto answer = http->Get("/api/v1/admin/cluster", {{"X-Admin-Key", "k"}});
    if (answer && answer->status == 200) {
      const auto body = nlohmann::json::parse(answer->body, nullptr, false);
      if (body.is_object())
        for (const auto& each : body.value("nodes", nlohmann::json::array()))
          if ((each.value("address", "") == address ||
               (each["nodeId"].is_number() && each["nodeId"].get<int>() == subject)) &&
              each.value("status", "") == status)
            return true;
    }
    // A poll of another process's state; nothing to block on in between.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

bool TestCluster::wait_converged(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (int observer = 1; observer <= size(); ++observer) {
    if (!running(observer)) continue;
    for (int subject = 1; subject <= size(); ++subject) {
      if (subject == observer || !running(subject)) continue;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !wait_status(observer, subject, "up", left)) return false;
    }
  }
  return true;
}

}  // namespace boxoffice::testing

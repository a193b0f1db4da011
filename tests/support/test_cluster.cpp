#include "support/test_cluster.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/test_database.hpp"

namespace boxoffice::testing {

namespace {

// The lowest port the OS gives to outgoing connections and to bind(0).
int ephemeral_floor() {
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  int low = 32768;
  range >> low;
  return low;
}

bool bindable(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  ::close(fd);
  return bound;
}

}  // namespace

int cluster_port() {
  // Below the ephemeral range: a port bind(0) chose could be given to an outgoing connection
  // (a database client, another test) before a node restarted on it, which then cannot listen.
  const int high = ephemeral_floor();
  const int low = std::max(1024, high - 20000);
  thread_local std::mt19937 generator{std::random_device{}()};
  std::uniform_int_distribution<int> pick(low, high - 1);
  for (int attempt = 0; attempt < 1000; ++attempt) {
    const int port = pick(generator);
    if (bindable(port)) return port;
  }
  throw std::runtime_error("cannot find a free port below the ephemeral range");
}

TestCluster::TestCluster(int nodes, config::DatabaseTarget database,
                         std::vector<std::string> extra_flags)
    : database_(std::move(database)), extra_flags_(std::move(extra_flags)) {
  for (int i = 0; i < nodes; ++i) {
    cluster_ports_.push_back(cluster_port());
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

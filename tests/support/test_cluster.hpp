#pragma once

#include <httplib.h>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "chaos/link_relay.hpp"
#include "config/config.hpp"
#include "support/server_process.hpp"

namespace boxoffice::testing {

// N real `boxoffice serve` processes on loopback forming one cluster over one PostgreSQL
// database. Nodes are numbered from 1; each keeps its cluster port across restarts (its
// peers know it by that address) and gets a fresh HTTP port each start.
class TestCluster {
 public:
  TestCluster(int nodes, config::DatabaseTarget database,
              std::vector<std::string> extra_flags = {});
  TestCluster(const TestCluster&) = delete;
  TestCluster& operator=(const TestCluster&) = delete;

  int size() const { return static_cast<int>(cluster_ports_.size()); }
  // This node reaches the database by another URL (through a PgProxy, say); before start().
  void use_database_url(int node, std::string url);
  const config::DatabaseTarget& database() const { return database_; }
  // Before start(): the nodes dial each other through relays that can be cut (link_relay.hpp).
  void relay_links();
  chaos::LinkRelays& relays() { return *relays_; }

  // Starts every node, then waits until each one sees all the others up.
  void start_all();
  // (Re)starts one node; returns once it serves HTTP.
  void start(int node);
  ServerProcess& process(int node) { return *processes_.at(static_cast<std::size_t>(node - 1)); }
  bool running(int node) const;
  std::string cluster_address(int node) const;

  // A keep-alive client of one node's HTTP port.
  std::unique_ptr<httplib::Client> client(
      int node, std::chrono::milliseconds read_timeout = std::chrono::seconds(15)) const;

  // Waits until `observer` reports `subject` with `status` ("up"/"down") in
  // GET /api/v1/admin/cluster. False on timeout.
  bool wait_status(int observer, int subject, const std::string& status,
                   std::chrono::milliseconds timeout);
  // Waits until every running node sees every other running node up.
  bool wait_converged(std::chrono::milliseconds timeout);

  // The warning and error lines every process of every node logged so far (earlier runs of
  // restarted nodes included), for a failed check to show what the servers saw.
  std::string problems_logged() const;

 private:
  std::vector<std::string> args_for(int node) const;

  config::DatabaseTarget database_;
  std::vector<std::string> extra_flags_;
  std::vector<int> cluster_ports_;
  std::vector<std::unique_ptr<ServerProcess>> processes_;
  std::vector<std::string> earlier_output_;  // per node, of the processes already replaced
  std::vector<std::string> database_urls_;   // per node: "" for database_
  std::unique_ptr<chaos::LinkRelays> relays_;
};

}  // namespace boxoffice::testing

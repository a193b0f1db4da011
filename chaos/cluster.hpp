#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chaos/flags.hpp"
#include "chaos/link_relay.hpp"
#include "chaos/node_process.hpp"

namespace boxoffice::chaos {

enum class NodeState { up, down, frozen };

// The N boxoffice nodes of a run: free ports picked once (a restarted node keeps its
// addresses), started in order, each awaited on GET /readyz; stopped on destruction.
class Cluster {
 public:
  Cluster(const Options& options, std::string database_url);
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  int size() const { return static_cast<int>(http_.size()); }  // known before the processes
  bool clustered() const { return size() > 1; }
  // Starts every node and waits until each answers /readyz 200; throws naming the node.
  void start_all();
  // Starts node i again (after a kill or exit); returns seconds until /readyz 200.
  std::optional<double> restart(int i);
  // SIGTERM, wait, SIGKILL for every running node; "node N exit C" for each one stopped.
  std::vector<std::string> stop_all();

  NodeProcess& process(int i) { return *nodes_.at(static_cast<std::size_t>(i)); }
  NodeState state(int i) const { return states_.at(static_cast<std::size_t>(i)); }
  void set_state(int i, NodeState state) { states_.at(static_cast<std::size_t>(i)) = state; }
  const std::string& http_address(int i) const { return http_.at(static_cast<std::size_t>(i)); }
  const std::string& cluster_address(int i) const {
    return cluster_.at(static_cast<std::size_t>(i));
  }
  std::vector<std::string> http_addresses() const { return http_; }
  int node_id(int i) const { return i + 1; }

  // True once GET /readyz on node i answers 200 (waits up to timeout_s).
  bool wait_ready(int i, double timeout_s);
  // True once every other up node lists node i as "up" in GET /api/v1/admin/cluster.
  bool wait_rejoined(int i, double timeout_s) const;
  // The relays the cluster links run through when partitions are on (--faults partition),
  // else null: nodes then dial each other directly.
  LinkRelays* relays() { return relays_.get(); }

 private:
  std::vector<std::string> node_args(int i) const;

  const Options& options_;
  std::string database_url_;
  std::vector<std::string> http_;
  std::vector<std::string> cluster_;
  std::vector<std::unique_ptr<NodeProcess>> nodes_;
  std::vector<NodeState> states_;
  std::unique_ptr<LinkRelays> relays_;
};

}  // namespace boxoffice::chaos

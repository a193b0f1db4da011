#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "domain/clock.hpp"
#include "domain/rendezvous.hpp"

namespace boxoffice::actors {

// A configured peer as this node sees it.
struct ClusterMember {
  std::string address;      // its --cluster-listen HOST:PORT
  domain::NodeId node = 0;  // 0 until it answered once
  bool up = false;
  domain::TimeMs since = 0;  // when `up` last changed
};

// This node's view of the cluster at one moment. Immutable once published: HTTP threads
// read it without a message (ownership checks, /api/v1/admin/cluster, /metrics).
struct ClusterView {
  domain::NodeId self = 0;
  std::string self_address;  // empty: a single node, no cluster
  bool leaving = false;      // stopping: every entity belongs to the others now
  std::vector<ClusterMember> peers;
  std::vector<domain::NodeId> live;  // the nodes that own entities now, ascending

  // Recomputes `live` from self, `leaving` and the peers that are up.
  void refresh_live();
  // The owner of an entity key: the queue on the lowest live id, everything else by
  // rendezvous hashing over the live nodes. A node alone (or with no live node at all)
  // owns everything itself.
  domain::NodeId owner_of(const std::string& key) const;
  bool owns(const std::string& key) const { return owner_of(key) == self; }
};

// Where the router publishes its current view.
class ClusterBoard {
 public:
  explicit ClusterBoard(std::shared_ptr<const ClusterView> initial) : view_(std::move(initial)) {}
  void publish(std::shared_ptr<const ClusterView> view);
  std::shared_ptr<const ClusterView> current() const;

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const ClusterView> view_;
};

}  // namespace boxoffice::actors

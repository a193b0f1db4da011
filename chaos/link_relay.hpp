#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace boxoffice::chaos {

// TCP relays that carry a local cluster's links, so that tests and the chaos tool can cut the
// network between nodes without touching the host's firewall. One relay per directed link
// (from, to) listens on loopback and forwards to `to`'s cluster port; node `from` names it in
// its --peers (a node dials exactly what it is told: docs/adr-004). A cut is silent, as a real
// one: the relays of both directions stop forwarding and hold their connections open (no RST,
// no FIN: the nodes notice through missed heartbeats after --peer-timeout) and hold new ones
// the same way; healing closes what was held and forwards again. Nodes are numbered from 1.
class LinkRelays {
 public:
  explicit LinkRelays(std::vector<int> cluster_ports);
  ~LinkRelays();
  LinkRelays(const LinkRelays&) = delete;
  LinkRelays& operator=(const LinkRelays&) = delete;

  int size() const { return static_cast<int>(cluster_ports_.size()); }
  // The address node `from` dials to reach node `to`.
  std::string address(int from, int to) const;
  // Node `node`'s --peers: the relays from it to every other node.
  std::string peers_of(int node) const;

  // Cuts (or heals) both directions between every node of `side` and every node outside it.
  void cut(const std::vector<int>& side);
  void heal(const std::vector<int>& side);
  void heal_all();
  // Heals (or cuts) the two directions between nodes a and b only.
  void set_between(int a, int b, bool cut);
  bool cut_between(int a, int b) const;

 private:
  struct Link {
    int from = 0, to = 0;
    int listen_fd = -1;
    int port = 0;
    std::atomic<bool> cut{false};
    std::atomic<int> cuts{0};  // connections older than the latest cut forward nothing
  };

  void set(const std::vector<int>& side, bool cut);
  Link& link(int from, int to);
  const Link& link(int from, int to) const;
  void accept_loop(Link& link);
  void pump(Link& link, int client);

  std::vector<int> cluster_ports_;
  std::vector<std::unique_ptr<Link>> links_;  // [(from-1) * size + (to-1)]; self links unused
  std::atomic<bool> stopping_{false};
  std::mutex threads_mutex_;
  std::vector<std::thread> threads_;
};

}  // namespace boxoffice::chaos

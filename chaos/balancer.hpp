#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "chaos/flags.hpp"
#include "chaos/node_process.hpp"

namespace boxoffice::chaos {

// HAProxy in front of the nodes (--balancer, docs/deploy.md): the configuration that
// deploy/haproxy-config.sh generates, written to OUT/haproxy.cfg, on a free port. A thread
// reads its stats socket every 20 ms and keeps each node's status changes with their time.
class Balancer {
 public:
  using Clock = std::chrono::steady_clock;

  Balancer(const Options& options, std::vector<std::string> node_addresses);
  ~Balancer();
  Balancer(const Balancer&) = delete;
  Balancer& operator=(const Balancer&) = delete;

  // Generates the configuration, starts HAProxy and waits until it sees every node UP;
  // throws naming what failed (see OUT/haproxy.log).
  void start();
  // The one address the load uses.
  const std::string& address() const { return address_; }
  // When the balancer first saw node i (0-based) "UP" or "DOWN" at or after `since`, waiting
  // up to `timeout_s` for it; nullopt if it did not.
  std::optional<Clock::time_point> wait_status(int i, const std::string& status,
                                               Clock::time_point since, double timeout_s);
  // "retries R, redispatches D, 5xx answers F, ..." of the nodes' backend, for the log.
  std::string counters();

 private:
  struct Change {
    Clock::time_point at;
    int node;
    std::string status;
  };
  // One `show stat` through the socket: the CSV, "" when it failed.
  std::string show_stat() const;
  // Node statuses (first word: UP, DOWN, MAINT, ...) from a `show stat` CSV, by index.
  std::vector<std::string> statuses(const std::string& csv) const;
  void watch();

  const Options& options_;
  std::vector<std::string> nodes_;
  std::string address_;
  std::string config_path_;
  std::string socket_path_;
  std::unique_ptr<NodeProcess> process_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Change> changes_;
  std::vector<std::string> current_;
  std::atomic<bool> stopping_{false};
  std::thread watcher_;
};

}  // namespace boxoffice::chaos

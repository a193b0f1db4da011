#include "chaos/cluster.hpp"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "chaos/http_api.hpp"
#include "chaos/stable_ports.hpp"

namespace boxoffice::chaos {
namespace {

using clock = std::chrono::steady_clock;

clock::time_point deadline_in(double seconds) {
  return clock::now() + std::chrono::milliseconds(static_cast<long>(seconds * 1000));
}

}  // namespace

Cluster::Cluster(const Options& options, std::string database_url)
    : options_(options), database_url_(std::move(database_url)) {
  const auto ports = pick_stable_ports(2 * options.nodes);
  for (int i = 0; i < options.nodes; ++i) {
    http_.push_back("127.0.0.1:" + std::to_string(ports[static_cast<std::size_t>(2 * i)]));
    cluster_.push_back("127.0.0.1:" + std::to_string(ports[static_cast<std::size_t>(2 * i + 1)]));
  }
  if (options.partitions() && options.nodes > 1) {
    std::vector<int> cluster_ports;
    for (int i = 0; i < options.nodes; ++i)
      cluster_ports.push_back(ports[static_cast<std::size_t>(2 * i + 1)]);
    relays_ = std::make_unique<LinkRelays>(cluster_ports);
  }
  for (int i = 0; i < options.nodes; ++i) {
    nodes_.push_back(
        std::make_unique<NodeProcess>(options.boxoffice, node_args(i),
                                      options.out_dir + "/node-" + std::to_string(i + 1) + ".log"));
    states_.push_back(NodeState::down);
  }
}

Cluster::~Cluster() {
  stop_all();
}

std::vector<std::string> Cluster::node_args(int i) const {
  std::vector<std::string> args = {"serve",
                                   "--node-id",
                                   std::to_string(node_id(i)),
                                   "--listen",
                                   http_address(i),
                                   "--database",
                                   database_url_,
                                   "--admin-key",
                                   options_.admin_key,
                                   "--hold-ttl",
                                   options_.hold_ttl,
                                   "--token-ttl",
                                   options_.token_ttl,
                                   "--queue-max-active",
                                   std::to_string(options_.queue_max_active),
                                   "--queue-idle-timeout",
                                   options_.queue_idle_timeout,
                                   "--request-timeout",
                                   options_.request_timeout,
                                   "--commit-wait",
                                   options_.commit_wait,
                                   "--log-level",
                                   options_.node_log_level};
  if (clustered()) {
    args.insert(args.end(), {"--cluster-listen", cluster_address(i)});
    std::string peers;
    for (int j = 0; j < size(); ++j)
      if (j != i) peers += (peers.empty() ? "" : ",") + cluster_address(j);
    // With relays, a node dials the others only through them (so a cut is a cut).
    if (relays_) peers = relays_->peers_of(node_id(i));
    args.insert(args.end(), {"--peers", peers});
  }
  // Behind a balancer a node drains for two health-check intervals (docs/deploy.md); without
  // one there is nobody to take it out first, so it stops at once.
  const auto& extra = options_.server_args;
  if (std::find(extra.begin(), extra.end(), "--drain-grace") == extra.end())
    args.insert(args.end(),
                {"--drain-grace",
                 options_.balanced()
                     ? std::to_string(static_cast<long>(2 * options_.check_every_s * 1000)) + "ms"
                     : "0s"});
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

void Cluster::start_all() {
  for (int i = 0; i < size(); ++i) {
    process(i).log_marker("start node " + std::to_string(node_id(i)));
    process(i).start();
  }
  for (int i = 0; i < size(); ++i) {
    if (!wait_ready(i, options_.ready_timeout_s))
      throw std::runtime_error("node " + std::to_string(node_id(i)) + " (" + http_address(i) +
                               ") did not answer /readyz 200 within " +
                               std::to_string(options_.ready_timeout_s) +
                               " s or exited; see the end of " + process(i).log_path());
    set_state(i, NodeState::up);
  }
}

std::optional<double> Cluster::restart(int i) {
  const auto started = clock::now();
  process(i).log_marker("restart node " + std::to_string(node_id(i)));
  process(i).start();
  if (!wait_ready(i, options_.ready_timeout_s)) return std::nullopt;
  set_state(i, NodeState::up);
  return std::chrono::duration<double>(clock::now() - started).count();
}

std::vector<std::string> Cluster::stop_all() {
  std::vector<std::string> stopped;
  const auto deadline =
      std::chrono::milliseconds(static_cast<long>(options_.stop_timeout_s * 1000));
  for (auto& node : nodes_)  // SIGTERM all first, so they shut down in parallel
    if (node->running()) {
      node->signal(SIGCONT);
      node->signal(SIGTERM);
    }
  for (int i = 0; i < size(); ++i) {
    if (!process(i).running()) continue;
    const int code = process(i).stop(deadline);
    const std::string line = "node " + std::to_string(node_id(i)) + " exit " + std::to_string(code);
    process(i).log_marker(line);
    stopped.push_back(line);
    set_state(i, NodeState::down);
  }
  return stopped;
}

bool Cluster::wait_ready(int i, double timeout_s) {
  const auto deadline = deadline_in(timeout_s);
  auto client = make_client(http_address(i), 1.0);
  client->set_keep_alive(false);
  while (clock::now() < deadline) {
    if (auto result = client->Get("/readyz"); result && result->status == 200) return true;
    if (const auto code = process(i).wait_exit(std::chrono::milliseconds(0))) {
      process(i).log_marker("node exited with code " + std::to_string(*code));
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

bool Cluster::wait_rejoined(int i, double timeout_s) const {
  const auto deadline = deadline_in(timeout_s);
  const std::string wanted = cluster_address(i);
  while (clock::now() < deadline) {
    bool all = true;
    for (int j = 0; j < size() && all; ++j) {
      if (j == i || state(j) != NodeState::up) continue;
      auto client = make_client(http_address(j), 1.0);
      auto result = client->Get("/api/v1/admin/cluster", {{"X-Admin-Key", options_.admin_key}});
      all = false;
      if (!result || result->status != 200) break;
      const auto view = nlohmann::json::parse(result->body, nullptr, false);
      if (!view.is_object() || !view.contains("nodes") || !view["nodes"].is_array()) break;
      for (const auto& node : view["nodes"])
        if ((node.value("address", "") == wanted ||
             (node["nodeId"].is_number() && node["nodeId"].get<int>() == node_id(i))) &&
            node.value("status", "") == "up")
          all = true;
    }
    if (all) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace boxoffice::chaos

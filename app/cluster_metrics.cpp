#include "app/cluster_metrics.hpp"

#include "http/prometheus_text.hpp"

namespace boxoffice::app {

using http::append_metric;
void render_cluster_metrics(const actors::ActorStats& stats, const actors::ClusterView& view,
                            std::string& out) {
  append_metric(out, "boxoffice_cluster_forwarded_requests_total", "counter",
                "Requests sent to the node owning their entity.", stats.forwarded_requests);
  append_metric(out, "boxoffice_cluster_served_for_peers_total", "counter",
                "Requests answered here for another node.", stats.served_for_peers);
  append_metric(out, "boxoffice_cluster_forward_retries_total", "counter",
                "Forwarded requests sent again to a new owner after their node went down.",
                stats.forward_retries);
  append_metric(out, "boxoffice_cluster_forward_failures_total", "counter",
                "Forwarded requests failed (503) because their node went down.",
                stats.forward_failures);
  append_metric(out, "boxoffice_cluster_peer_up_total", "counter", "Peers that came up.",
                stats.peer_up_events);
  append_metric(out, "boxoffice_cluster_peer_down_total", "counter",
                "Peers that went down or left.", stats.peer_down_events);
  append_metric(out, "boxoffice_cluster_ownership_moves_total", "counter",
                "Entity actors handed over to another node.", stats.ownership_moves);
  append_metric(out, "boxoffice_cluster_live_nodes", "gauge", "Nodes owning entities in this view.",
                static_cast<std::int64_t>(view.live.size()));
  if (view.peers.empty()) return;
  out +=
      "# HELP boxoffice_cluster_peer_up Whether a configured peer is up (1) or down (0).\n"
      "# TYPE boxoffice_cluster_peer_up gauge\n";
  for (const auto& peer : view.peers)
    out += "boxoffice_cluster_peer_up{address=\"" + peer.address + "\"} " + (peer.up ? "1" : "0") +
           "\n";
}

}  // namespace boxoffice::app

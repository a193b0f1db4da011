#include "app/actor_metrics.hpp"

namespace boxoffice::app {
namespace {

void metric(std::string& out, const char* name, const char* type, const char* help, std::int64_t value) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
         std::to_string(value) + "\n";
}

}  // namespace

void render_actor_metrics(const actors::ActorStats& stats, std::string& out) {
  metric(out, "boxoffice_entity_actors", "gauge", "Entity actors alive on this node.", stats.entities_live);
  metric(out, "boxoffice_entity_actors_spawned_total", "counter", "Entity actors started.", stats.entities_spawned);
  metric(out, "boxoffice_entity_actors_passivated_total", "counter", "Idle entity actors stopped.",
         stats.entities_passivated);
  metric(out, "boxoffice_wallet_charges_total", "counter", "Charges committed.", stats.charges_applied);
  metric(out, "boxoffice_wallet_write_batches_total", "counter", "Wallet transactions committed.",
         stats.charge_batches);
  metric(out, "boxoffice_version_conflicts_total", "counter",
         "Writes refused because another writer changed the row first.", stats.version_conflicts);
  metric(out, "boxoffice_queue_waiting", "gauge", "Queue tokens WAITING.", stats.queue_waiting);
  metric(out, "boxoffice_queue_active", "gauge", "Queue tokens ACTIVE.", stats.queue_active);
  metric(out, "boxoffice_queue_admitted_total", "counter", "Queue tokens admitted to ACTIVE.", stats.queue_admitted);
  metric(out, "boxoffice_queue_expired_total", "counter", "Queue tokens expired (ttl or idle).", stats.queue_expired);
}

}  // namespace boxoffice::app

#include "app/actor_metrics.hpp"

#include "http/prometheus_text.hpp"

namespace boxoffice::app {

using http::append_metric;
void render_actor_metrics(const actors::ActorStats& stats, std::string& out) {
  append_metric(out, "boxoffice_entity_actors", "gauge", "Entity actors alive on this node.",
                stats.entities_live);
  append_metric(out, "boxoffice_entity_actors_spawned_total", "counter", "Entity actors started.",
                stats.entities_spawned);
  append_metric(out, "boxoffice_entity_actors_passivated_total", "counter",
                "Idle entity actors stopped.", stats.entities_passivated);
  append_metric(out, "boxoffice_wallet_charges_total", "counter", "Charges committed.",
                stats.charges_applied);
  append_metric(out, "boxoffice_wallet_write_batches_total", "counter",
                "Wallet transactions committed.", stats.charge_batches);
  append_metric(out, "boxoffice_version_conflicts_total", "counter",
                "Writes refused because another writer changed the row first.",
                stats.version_conflicts);
  append_metric(out, "boxoffice_queue_waiting", "gauge", "Queue tokens WAITING.",
                stats.queue_waiting);
  append_metric(out, "boxoffice_queue_active", "gauge", "Queue tokens ACTIVE.", stats.queue_active);
  append_metric(out, "boxoffice_queue_admitted_total", "counter",
                "Queue tokens admitted to ACTIVE.", stats.queue_admitted);
  append_metric(out, "boxoffice_holds_active", "gauge", "Seat holds alive.", stats.holds_active);
  append_metric(out, "boxoffice_holds_created_total", "counter", "Seat holds committed.",
                stats.holds_created);
  append_metric(out, "boxoffice_holds_expired_total", "counter",
                "Seat holds released after their time.", stats.holds_expired);
  append_metric(out, "boxoffice_holds_cancelled_total", "counter",
                "Seat holds cancelled by their holder.", stats.holds_cancelled);
  append_metric(out, "boxoffice_hold_write_batches_total", "counter",
                "Schedule transactions committed.", stats.hold_batches);
  append_metric(out, "boxoffice_seats_sold_total", "counter", "Seats sold.", stats.seats_sold);
  append_metric(out, "boxoffice_payments_total", "counter", "Payments committed.", stats.payments);
  append_metric(out, "boxoffice_payment_batches_total", "counter",
                "Payment transactions sent (several payments each under load).",
                stats.payment_batches);
  append_metric(out, "boxoffice_payments_amount_won_total", "counter", "Money paid, in won.",
                stats.payments_amount);
  append_metric(out, "boxoffice_hold_to_payment_seconds_sum", "counter",
                "Time from hold to payment, summed.", stats.hold_to_payment_ms_sum / 1000);
  append_metric(out, "boxoffice_hold_to_payment_seconds_count", "counter",
                "Payments with a measured hold time.", stats.payments);
  append_metric(out, "boxoffice_queue_expired_total", "counter",
                "Queue tokens expired (ttl or idle).", stats.queue_expired);
}

}  // namespace boxoffice::app

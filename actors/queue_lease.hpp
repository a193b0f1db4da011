#pragma once

#include <caf/all.hpp>
#include <cstdint>
#include <functional>

#include "actors/entity_context.hpp"
#include "storage/lease_repository.hpp"

namespace boxoffice::actors {

// The queue actor's hold on the queue lease (docs/adr-004): one host of the waiting room at a
// time, the database as arbiter.
struct QueueLeaseState {
  std::int64_t epoch = 0;  // 0 until held
  domain::TimeMs waiting_since = 0;
  bool refusing = false;   // another node holds it and did not hand it over: requests get 503
  bool lost = false;       // a renewal found it taken: this actor stops, the router still knows it
  bool acquiring = false;  // an acquire is in flight: it may commit even if nobody waits for it
  bool abandoned = false;  // handed over while acquiring: stop (and give the lease back) after it
};

// The lease's length: a host that stopped renewing (dead, frozen, cut from the database) is
// replaced this long after its last renewal. Renewed every third of it.
std::chrono::milliseconds queue_lease_ttl(const config::Config& config);

// Before the queue actor loads the line: takes the lease, then runs `then` (load and serve)
// and renews the lease until the actor stops (losing it makes the actor hand over: another
// node hosts the line now). While another node holds the lease, requests wait for a hand-over
// (briefly), then are answered 503 UNAVAILABLE until the lease is handed over or expires.
void host_queue(caf::event_based_actor* self, EntityContext* context, QueueLeaseState& lease,
                std::function<void()> then);

// What each write of the line is conditional on.
storage::QueueFence queue_fence(const EntityContext* context, const QueueLeaseState& lease);

// The actor stops: hands the lease over at once (its successor need not wait for expiry),
// then quits; what reaches it until then goes back to the router (to the new host). A node that is
// leaving keeps its storage until its handed-over actors stopped, so the release is not lost on
// SIGTERM.
void release_lease_and_quit(caf::event_based_actor* self, EntityContext* context,
                            const QueueLeaseState& lease);

}  // namespace boxoffice::actors

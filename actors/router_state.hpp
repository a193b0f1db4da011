#pragma once

// Internal to the router (router.cpp, cluster_links.cpp).
#include <caf/all.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/replica_messages.hpp"
#include "actors/router.hpp"
#include "actors/slot_deadlines.hpp"

namespace boxoffice::actors::routing {

// A request sent to a peer's router and not answered yet.
struct RemoteAsk {
  std::shared_ptr<ReplySlot> slot;
  std::string key;
  caf::message request;
};

// An entity actor told to stop once its writes are done.
struct HandedOver {
  std::string key;
  bool refresh_owner = false;
};

// One other node: configured by address (`--peers`), learned by id once it answered. A node
// dials exactly its configured addresses: a peer that dialed in and is not configured here
// gets a link that is never dialed (its own configured link to this node redials), so a relay
// or proxy named in `--peers` is never bypassed. Links are found by node id once known.
struct PeerLink {
  std::string host;
  std::uint16_t port = 0;
  domain::NodeId node = 0;
  bool configured = true;  // from --peers: dialed; false: learned from a peer's introduction
  bool retired = false;    // an introduced link whose node a configured link reached since
  bool up = false;
  bool departed = false;      // said it is stopping: not reconnected until its connection ends
  bool connecting = false;    // a connect attempt is in flight
  bool tried = false;         // one attempt ended (up or not)
  bool ever_up = false;       // it was up once: coming back, it may have served on its own
  bool left_cleanly = false;  // said it was leaving (handed everything over) before it went
  domain::TimeMs since = 0;
  caf::actor router;        // its published router while up
  std::string connections;  // its database connections' name prefix (to end them)
  std::vector<RemoteAsk> asks;

  std::string address() const { return host + ":" + std::to_string(port); }
};

struct RouterState {
  explicit RouterState(RouterSetup setup_in) : setup(std::move(setup_in)) {}

  RouterSetup setup;
  std::unordered_map<std::string, caf::actor> entities;
  // Keys served for a peer whose view of the cluster differed from this node's: handed
  // over at the next tick unless this node owns them by then.
  std::vector<std::string> served_unowned;
  // Entity actors told to stop (handover) until they did, with the key whose owner then
  // reloads (if asked to). A leaving node waits for them: their writes need its database.
  std::unordered_map<caf::actor_addr, HandedOver> handed_over;
  std::vector<PeerLink> peers;
  ClusterView view;  // the current one; a copy is published on every change
  bool leaving = false;
  std::uint64_t stalls_handled = 0;  // StallWatch::stalls() when last handled
  std::vector<caf::response_promise> leave_waiters;
  domain::TimeMs leave_deadline = 0;
  std::size_t leave_acks_pending = 0;  // peers not yet told that this node is leaving
  // Replicas of the queue's read model (replica_feed.cpp): this node's follower, and the
  // version this node's queue actor published last (a heartbeat repeats it to the peers).
  caf::actor replica;
  ReplicaBatch feed;  // header only; source.host 0: none

  // Deadlines of the requests in flight; the sweep on its way (its generation, and the time
  // it is for: none when none is armed).
  SlotDeadlines deadlines;
  std::uint64_t deadline_sweep = 0;
  std::optional<SlotDeadlines::Clock::time_point> deadline_sweep_for;

  EntityContext& context() { return *setup.context; }
  bool clustered() const { return !view.self_address.empty(); }
};

using Self = caf::event_based_actor;
using StatePtr = std::shared_ptr<RouterState>;

// router.cpp
// Sends `request` as the slot's next attempt and watches its deadline.
void ask_watched(Self* self, const StatePtr& state, const std::shared_ptr<ReplySlot>& slot,
                 const caf::actor& target, caf::message request);
void route(Self* self, const StatePtr& state, const std::string& key, caf::message request,
           std::shared_ptr<ReplySlot> slot);
caf::actor entity_for(Self* self, const StatePtr& state, const std::string& key);
// Forgets a local entity actor and tells it to stop once its writes are done; with
// `refresh_owner`, the key's owner then reloads what it may have loaded before those writes.
void hand_over(Self* self, const StatePtr& state, const std::string& key, const caf::actor& entity,
               bool refresh_owner);
// Tells every local entity this node no longer owns to stop once its writes are done.
void hand_over_unowned(Self* self, const StatePtr& state);
// The same for the keys served for peers since the last tick.
void hand_over_served_unowned(Self* self, const StatePtr& state);
// A peer that may have served on its own is back (cut off or frozen, not a clean leave): it
// may have written any entity this node has loaded. Every local entity but the queue (its
// lease fences the line) reloads once its writes are done, and once more when it stopped.
void reload_every_entity(Self* self, const StatePtr& state);

// cluster_links.cpp
void start_cluster(Self* self, const StatePtr& state);
// Answers leave() once the peers know and every local entity actor has stopped (or the
// deadline passed).
void check_left(const StatePtr& state);
void on_tick(Self* self, const StatePtr& state);
// True while this node rejoins the cluster after it stood still (detected here too, so that
// requests that waited out a freeze are not served from the old view).
bool check_stall(Self* self, const StatePtr& state);
caf::result<domain::NodeId, std::string, std::string> on_hello(Self* self, const StatePtr& state,
                                                               domain::NodeId node,
                                                               const std::string& address,
                                                               const std::string& connections);
bool on_leaving(Self* self, const StatePtr& state, domain::NodeId node);
caf::result<bool> on_leave(Self* self, const StatePtr& state);
bool on_peer_down(Self* self, const StatePtr& state, const caf::actor_addr& source);
PeerLink* owner_link(const StatePtr& state, domain::NodeId node);
void track_ask(const StatePtr& state, PeerLink& link, RemoteAsk ask);

// replica_feed.cpp
// Clustered: spawns this node's replica follower (queue_replica.hpp).
void start_replica(Self* self, const StatePtr& state);
// A batch of this node's queue actor goes to every peer that is up; one from a peer goes to
// this node's follower.
void on_replica_batch(Self* self, const StatePtr& state, ReplicaBatch& batch);
// Every tick: the version this node's queue actor is at, to every peer that is up.
void send_replica_heartbeat(Self* self, const StatePtr& state);
// This node's follower asks the host for a snapshot of its model.
caf::result<caf::message> ask_snapshot_of(Self* self, const StatePtr& state, domain::NodeId host);
// A peer's follower asks: this node's queue actor answers if it runs here.
caf::result<caf::message> serve_snapshot(Self* self, const StatePtr& state);

// remote_settlement.cpp
// The owner of a write that is not safe to send again died before answering: once the
// write's deadline passed (no COMMIT is sent after it), ends the dead process's database
// connections (a COMMIT it sent dies with them or is decided) and looks the write up by its
// request id: committed, its answer; not, 503; cannot tell, 504.
void settle_remote_write(Self* self, const StatePtr& state, const RemoteAsk& ask,
                         const std::string& peer_connections);

}  // namespace boxoffice::actors::routing

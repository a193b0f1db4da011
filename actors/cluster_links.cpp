// The router's cluster side: connecting to peers, their introductions, their departures and
// deaths, and this node's own departure. See router.hpp for the protocol.
#include <spdlog/spdlog.h>
#include <caf/io/all.hpp>

#include "actors/messages.hpp"
#include "actors/router_state.hpp"

namespace boxoffice::actors::routing {
namespace {

constexpr std::chrono::milliseconds kTick{250};
constexpr std::chrono::seconds kLeaveDeadline{5};

domain::TimeMs wall_now() {
  return domain::SystemClock().now_ms();
}

// Lifecycle lines show at info level or above (tests and operators wait for them).
template <class... Args>
void announce(const char* format, Args&&... args) {
  auto logger = spdlog::default_logger();
  logger->log(std::max(spdlog::level::info, logger->level()), fmt::runtime(format),
              std::forward<Args>(args)...);
}

void publish(const StatePtr& state) {
  auto& view = state->view;
  view.peers.clear();
  std::int64_t up = 0;
  for (const auto& link : state->peers) {
    if (link.retired) continue;
    view.peers.push_back(ClusterMember{link.address(), link.node, link.up, link.since});
    if (link.up) ++up;
  }
  view.leaving = state->leaving;
  view.refresh_live();
  state->context().stats.peers_up = up;
  if (state->setup.cluster)
    state->setup.cluster->publish(std::make_shared<const ClusterView>(view));
}

// Whether this node waits for `link` to be tried: only the links it dials (--peers) count; a
// link a peer introduced, or one retired for a configured link, is never dialed.
bool awaited(const PeerLink& link) {
  return link.configured && !link.retired && !link.tried;
}

void check_first_round(const StatePtr& state) {
  if (!state->setup.first_round) return;
  for (const auto& link : state->peers)
    if (awaited(link)) return;
  state->setup.first_round->set_value();
  state->setup.first_round.reset();
}

// The link is not up any more: its unanswered requests go to the new owner when that is
// safe, otherwise they fail (503: the client may retry with its Idempotency-Key).
void take_down(Self* self, const StatePtr& state, std::size_t index, const std::string& why) {
  auto& link = state->peers[index];
  const bool was_up = link.up;
  link.up = false;
  link.router = caf::actor{};
  link.since = wall_now();
  auto asks = std::move(link.asks);
  link.asks.clear();
  if (was_up) {
    ++state->context().stats.peer_down_events;
    announce("cluster: node {} ({}) is down: {}", link.node, link.address(), why);
  }
  publish(state);
  auto& stats = state->context().stats;
  const auto connections = link.connections;
  for (auto& ask : asks) {
    if (ask.slot->done()) continue;
    if (ask.slot->retryable()) {
      ++stats.forward_retries;
      route(self, state, ask.key, std::move(ask.request), std::move(ask.slot));
    } else {
      settle_remote_write(self, state, ask, connections);
    }
  }
}

void peer_up(Self* self, const StatePtr& state, std::size_t index, domain::NodeId node,
             caf::actor router, const std::string& connections) {
  auto& link = state->peers[index];
  if (link.up && link.router == router) return;
  // Back after this node saw it go without a goodbye (a cut, a freeze, a crash): it may have
  // served entities on its own meanwhile, written behind what this node's actors loaded.
  const bool may_have_served_alone = !link.up && link.ever_up && !link.left_cleanly;
  if (link.up || link.router) take_down(self, state, index, "it restarted");
  auto& fresh = state->peers[index];
  fresh.ever_up = true;
  fresh.left_cleanly = false;
  fresh.up = true;
  fresh.departed = false;
  fresh.node = node;
  fresh.router = router;
  fresh.connections = connections;
  fresh.since = wall_now();
  self->monitor(router);
  ++state->context().stats.peer_up_events;
  announce("cluster: node {} ({}) is up", node, fresh.address());
  publish(state);
  hand_over_unowned(self, state);
  if (may_have_served_alone) {
    announce("cluster: node {} is back after it went silently; every entity here reloads", node);
    reload_every_entity(self, state);
  }
}

// A configured link reached `node`, which an introduced link may already stand for: that one
// retires, handing its unanswered requests to the configured link (one link per node).
void retire_introduced(const StatePtr& state, std::size_t index, domain::NodeId node) {
  for (std::size_t i = 0; i < state->peers.size(); ++i) {
    auto& other = state->peers[i];
    if (i == index || other.configured || other.retired || other.node != node) continue;
    auto& link = state->peers[index];
    for (auto& ask : other.asks) link.asks.push_back(std::move(ask));
    other.asks.clear();
    if (other.up && !link.up) {
      link.node = node;
      link.up = true;
      link.ever_up = true;
      link.router = other.router;
      link.connections = other.connections;
      link.since = other.since;
    }
    other.retired = true;
    other.up = false;
    other.router = caf::actor{};
    other.node = 0;
  }
}

void check_rejoined(const StatePtr& state) {
  auto* watch = state->setup.stall_watch;
  if (!watch || !watch->stalled() || state->stalls_handled != watch->stalls()) return;
  for (const auto& link : state->peers)
    if (awaited(link)) return;
  watch->clear();
  announce("cluster: node {} rejoined after standing still", state->view.self);
}

void attempt_ended(const StatePtr& state, std::size_t index) {
  state->peers[index].connecting = false;
  state->peers[index].tried = true;
  check_first_round(state);
  check_rejoined(state);
}

void introduce(Self* self, const StatePtr& state, std::size_t index, caf::actor remote) {
  const auto timeout = state->context().config.peer_timeout;
  self->request(remote, timeout, hello_atom::value, state->view.self, state->view.self_address,
                state->context().storage.connection_name())
      .then(
          [self, state, index, remote](domain::NodeId node, const std::string&,
                                       const std::string& connections) {
            attempt_ended(state, index);
            if (node == state->view.self) {
              spdlog::error("cluster: {} answers with this node's own id {}; check --node-id",
                            state->peers[index].address(), node);
              return;
            }
            retire_introduced(state, index, node);
            peer_up(self, state, index, node, remote, connections);
          },
          [state, index](caf::error& error) {
            attempt_ended(state, index);
            spdlog::debug("cluster: {} refused the introduction: {}", state->peers[index].address(),
                          caf::to_string(error));
          });
}

void connect(Self* self, const StatePtr& state, std::size_t index) {
  auto& link = state->peers[index];
  link.connecting = true;
  // remote_actor() would block without a timeout; ask the middleman with one instead.
  auto middleman = self->system().middleman().actor_handle();
  self->request(middleman, state->context().config.peer_timeout, caf::connect_atom::value,
                link.host, link.port)
      .then(
          [self, state, index](const caf::node_id&, caf::strong_actor_ptr& remote,
                               const std::set<std::string>&) {
            if (!remote) {
              attempt_ended(state, index);
              return;
            }
            introduce(self, state, index, caf::actor_cast<caf::actor>(std::move(remote)));
          },
          [state, index](caf::error&) { attempt_ended(state, index); });
}

// The link of a peer that introduced itself: the one that knows its id, else the configured
// one for the address it advertises, else a new link that is never dialed.
std::size_t link_index_for(const StatePtr& state, domain::NodeId node, const std::string& address) {
  for (std::size_t i = 0; i < state->peers.size(); ++i)
    if (!state->peers[i].retired && state->peers[i].node == node && state->peers[i].configured)
      return i;
  for (std::size_t i = 0; i < state->peers.size(); ++i)
    if (!state->peers[i].retired && state->peers[i].node == node) return i;
  for (std::size_t i = 0; i < state->peers.size(); ++i)
    if (!state->peers[i].retired && state->peers[i].address() == address) return i;
  PeerLink link;
  const auto colon = address.rfind(':');
  link.host = address.substr(0, colon);
  link.port = static_cast<std::uint16_t>(std::stoi(address.substr(colon + 1)));
  link.configured = false;
  link.tried = true;
  state->peers.push_back(std::move(link));
  return state->peers.size() - 1;
}

bool dialable(const PeerLink& link) {
  return link.configured && !link.connecting && !link.departed;
}

bool valid_address(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= address.size()) return false;
  for (std::size_t i = colon + 1; i < address.size(); ++i)
    if (address[i] < '0' || address[i] > '9') return false;
  return address.size() - colon - 1 <= 5 && std::stoi(address.substr(colon + 1)) <= 65535;
}

}  // namespace

void check_left(const StatePtr& state) {
  if (!state->leaving || state->leave_waiters.empty()) return;
  const bool settled =
      state->leave_acks_pending == 0 && state->entities.empty() && state->handed_over.empty();
  if (!settled && wall_now() < state->leave_deadline) return;
  if (!settled)
    spdlog::warn("cluster: node {} left with {} peers not told and {} actors still writing",
                 state->view.self, state->leave_acks_pending,
                 state->entities.size() + state->handed_over.size());
  for (auto& waiter : state->leave_waiters) waiter.deliver(true);
  state->leave_waiters.clear();
}

PeerLink* owner_link(const StatePtr& state, domain::NodeId node) {
  for (auto& link : state->peers)
    if (link.up && link.node == node && link.router) return &link;
  return nullptr;
}

void track_ask(const StatePtr& state, PeerLink& link, RemoteAsk ask) {
  auto& asks = link.asks;
  // Answered asks are dropped here, in amortized O(1): whenever the list doubles.
  if (asks.size() >= 64 && (asks.size() & (asks.size() - 1)) == 0) {
    asks.erase(std::remove_if(asks.begin(), asks.end(),
                              [](const RemoteAsk& each) { return each.slot->done(); }),
               asks.end());
  }
  (void)state;
  asks.push_back(std::move(ask));
}

void start_cluster(Self* self, const StatePtr& state) {
  const auto& config = state->context().config;
  state->view.self = config.node_id;
  state->view.self_address = config.advertised_address();
  for (const auto& peer : config.peers) {
    PeerLink link;
    link.host = peer.host;
    link.port = static_cast<std::uint16_t>(peer.port);
    state->peers.push_back(std::move(link));
  }
  publish(state);
  check_first_round(state);
  if (!state->clustered()) return;
  on_tick(self, state);
}

bool check_stall(Self* self, const StatePtr& state) {
  auto* watch = state->setup.stall_watch;
  if (!watch || !state->clustered()) return false;
  const auto stalls = watch->stalls();
  if (stalls != state->stalls_handled) {
    // This process stood still (SIGSTOP, a VM pause): the others may have declared it dead
    // and served its entities meanwhile. Drop every entity (they reload from the database
    // when asked again) and refuse work until every peer was tried once more.
    state->stalls_handled = stalls;
    spdlog::warn("cluster: node {} stood still; rejoining, every entity reloads", state->view.self);
    for (auto& [key, entity] : state->entities) hand_over(self, state, key, entity, true);
    state->entities.clear();
    // Every link it dials is tried once more. Only those: found by the chaos tool, a thawed
    // node also waited for the introduced link its own dial had just retired, which nothing
    // tries any more: it answered 503 for 30 s, until it was restarted.
    for (std::size_t i = 0; i < state->peers.size(); ++i) {
      auto& link = state->peers[i];
      if (state->leaving || !dialable(link)) continue;
      link.tried = false;
      connect(self, state, i);
    }
    check_rejoined(state);
  }
  return watch->stalled();
}

void on_tick(Self* self, const StatePtr& state) {
  check_stall(self, state);
  for (std::size_t i = 0; i < state->peers.size(); ++i) {
    if (!state->peers[i].up && dialable(state->peers[i]) && !state->leaving)
      connect(self, state, i);
  }
  if (state->leaving)
    hand_over_unowned(self, state);  // what peers still sent meanwhile
  else
    hand_over_served_unowned(self, state);
  check_left(state);
  self->delayed_send(self, kTick, tick_atom::value);
}

caf::result<domain::NodeId, std::string, std::string> on_hello(Self* self, const StatePtr& state,
                                                               domain::NodeId node,
                                                               const std::string& address,
                                                               const std::string& connections) {
  if (state->leaving)
    return caf::make_error(caf::sec::request_receiver_down, "this node is stopping");
  if (node == state->view.self || node <= 0 || !valid_address(address)) {
    spdlog::error("cluster: a peer at {} introduced itself as node {}; check --node-id", address,
                  node);
    return caf::make_error(caf::sec::invalid_argument, "node id taken or address invalid");
  }
  auto sender = caf::actor_cast<caf::actor>(self->current_sender());
  if (!sender) return caf::make_error(caf::sec::invalid_argument, "anonymous introduction");
  const auto index = link_index_for(state, node, address);
  peer_up(self, state, index, node, sender, connections);
  state->peers[index].tried = true;
  check_rejoined(state);
  return caf::result<domain::NodeId, std::string, std::string>(
      state->view.self, state->view.self_address, state->context().storage.connection_name());
}

bool on_leaving(Self* self, const StatePtr& state, domain::NodeId node) {
  bool known = false;
  for (auto& link : state->peers) {
    if (link.node != node || !link.up) continue;
    known = true;
    link.up = false;  // owns nothing any more; its answers to earlier requests still count
    link.departed = true;
    link.left_cleanly = true;
    link.since = wall_now();
    ++state->context().stats.peer_down_events;
    announce("cluster: node {} ({}) is leaving", node, link.address());
  }
  publish(state);
  hand_over_unowned(self, state);
  return known;
}

caf::result<bool> on_leave(Self* self, const StatePtr& state) {
  if (!state->clustered()) return true;
  auto promise = self->make_response_promise<bool>();
  state->leave_waiters.push_back(promise);
  if (state->leaving) return promise;
  state->leaving = true;
  state->leave_deadline = wall_now() + std::chrono::milliseconds(kLeaveDeadline).count();
  publish(state);
  hand_over_unowned(self, state);
  for (const auto& link : state->peers) {
    if (!link.up) continue;
    ++state->leave_acks_pending;
    const auto acked = [state] {
      --state->leave_acks_pending;
      check_left(state);
    };
    self->request(link.router, state->context().config.peer_timeout, leaving_atom::value,
                  state->view.self)
        .then([acked](bool) { acked(); }, [acked](caf::error&) { acked(); });
  }
  check_left(state);
  return promise;
}

bool on_peer_down(Self* self, const StatePtr& state, const caf::actor_addr& source) {
  bool known = false;
  for (std::size_t i = 0; i < state->peers.size(); ++i) {
    auto& link = state->peers[i];
    if (!link.router || link.router.address() != source) continue;
    known = true;
    link.departed = false;  // its process ended: a restarted one may be connected again
    take_down(self, state, i, "connection lost");
  }
  return known;
}

}  // namespace boxoffice::actors::routing

#include "actors/cluster_view.hpp"

#include <algorithm>

#include "actors/entity_key.hpp"

namespace boxoffice::actors {

void ClusterView::refresh_live() {
  live.clear();
  if (!leaving) live.push_back(self);
  for (const auto& peer : peers)
    if (peer.up && peer.node != 0) live.push_back(peer.node);
  std::sort(live.begin(), live.end());
  live.erase(std::unique(live.begin(), live.end()), live.end());
}

domain::NodeId ClusterView::owner_of(const std::string& key) const {
  if (live.empty()) return self;
  if (key == kQueueKey) return live.front();
  return domain::rendezvous_owner(key, live);
}

void ClusterBoard::publish(std::shared_ptr<const ClusterView> view) {
  std::lock_guard lock(mutex_);
  view_ = std::move(view);
}

std::shared_ptr<const ClusterView> ClusterBoard::current() const {
  std::lock_guard lock(mutex_);
  return view_;
}

}  // namespace boxoffice::actors

#pragma once

#include <cstdint>
#include <string>

namespace boxoffice::actors {

// (kind, key) of an entity actor, as one string: "wallet:12", "token:abc", "schedule:7".
enum class EntityKind { wallet, token, schedule };

// The waiting room is one actor per cluster (on the live node with the lowest id).
inline const std::string kQueueKey = "queue:main";

inline std::string entity_key(EntityKind kind, const std::string& key) {
  switch (kind) {
    case EntityKind::wallet: return "wallet:" + key;
    case EntityKind::token: return "token:" + key;
    case EntityKind::schedule: return "schedule:" + key;
  }
  return key;
}

inline std::string entity_key(EntityKind kind, std::int64_t id) {
  return entity_key(kind, std::to_string(id));
}

}  // namespace boxoffice::actors

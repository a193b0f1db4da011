#pragma once

#include <cstdint>

#include "domain/rendezvous.hpp"

namespace boxoffice::actors {

// Where a replica's read model comes from: the node hosting the queue, its lease epoch and
// the publishing actor there (a new actor on the same node numbers its versions afresh).
struct ReplicaSource {
  domain::NodeId host = 0;
  std::int64_t epoch = 0;
  std::uint64_t actor = 0;

  bool operator==(const ReplicaSource& other) const {
    return host == other.host && epoch == other.epoch && actor == other.actor;
  }
  bool operator!=(const ReplicaSource& other) const { return !(*this == other); }
};

}  // namespace boxoffice::actors

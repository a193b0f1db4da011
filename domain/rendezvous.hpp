#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace boxoffice::domain {

using NodeId = std::int64_t;

// Rendezvous (highest random weight) hashing: every node of a cluster computes the same
// owner for a key from the same set of live nodes, and when a node leaves only the keys it
// owned move. Stable across processes, builds and machines (no std::hash).
std::uint64_t rendezvous_weight(NodeId node, std::string_view key);

// The live node with the highest weight for `key`; 0 when `live` is empty.
NodeId rendezvous_owner(std::string_view key, const std::vector<NodeId>& live);

}  // namespace boxoffice::domain

#include "domain/rendezvous.hpp"

namespace boxoffice::domain {
namespace {

constexpr std::uint64_t kFnvOffset = 14695981039346656037ULL;
constexpr std::uint64_t kFnvPrime = 1099511628211ULL;

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = kFnvOffset;
  for (const unsigned char c : text) {
    hash ^= c;
    hash *= kFnvPrime;
  }
  return hash;
}

// splitmix64's finalizer: spreads nearby inputs (node 1, 2, 3) over the whole range.
std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

}  // namespace

std::uint64_t rendezvous_weight(NodeId node, std::string_view key) {
  return mix(fnv1a(key) ^ mix(static_cast<std::uint64_t>(node)));
}

NodeId rendezvous_owner(std::string_view key, const std::vector<NodeId>& live) {
  NodeId owner = 0;
  std::uint64_t best = 0;
  for (const auto node : live) {
    const auto weight = rendezvous_weight(node, key);
    // Ties (astronomically rare) go to the lower id, so every node agrees.
    if (owner == 0 || weight > best || (weight == best && node < owner)) {
      owner = node;
      best = weight;
    }
  }
  return owner;
}

}  // namespace boxoffice::domain

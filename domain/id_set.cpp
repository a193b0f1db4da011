#include "domain/id_set.hpp"

namespace boxoffice::domain {

bool IdSet::insert(Id id) {
  if (id < 1) return false;
  const auto bit = static_cast<std::uint64_t>(id);
  auto& word = pages_[bit / kPageIds][(bit % kPageIds) / 64];
  const auto mask = std::uint64_t{1} << (bit % 64);
  if (word & mask) return false;
  word |= mask;
  ++size_;
  return true;
}

bool IdSet::contains(Id id) const {
  if (id < 1) return false;
  const auto bit = static_cast<std::uint64_t>(id);
  const auto page = pages_.find(bit / kPageIds);
  if (page == pages_.end()) return false;
  return (page->second[(bit % kPageIds) / 64] >> (bit % 64)) & 1U;
}

}  // namespace boxoffice::domain

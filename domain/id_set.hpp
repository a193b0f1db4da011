#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <unordered_map>

#include "domain/catalog.hpp"

namespace boxoffice::domain {

// A set of positive ids kept as bits in pages of 4,096 ids: database ids are dense, so a
// million wallets cost about 130 KB (a hash set of them costs about 40 MB).
class IdSet {
 public:
  // Whether `id` was new. Ids below 1 are never members.
  bool insert(Id id);
  bool contains(Id id) const;
  std::size_t size() const { return size_; }

 private:
  static constexpr std::uint64_t kPageIds = 4096;
  using Page = std::array<std::uint64_t, kPageIds / 64>;

  std::unordered_map<std::uint64_t, Page> pages_;
  std::size_t size_ = 0;
};

}  // namespace boxoffice::domain

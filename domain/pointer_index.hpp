#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace boxoffice::domain {

// A hash index of pointers to objects that carry their own key (`KeyOf{}(item)`): open
// addressing with linear probing, at most half full, deletion by backward shift (no
// tombstones). One pointer per slot: about 16 bytes per member, where a node-based
// std::unordered_map of the same costs 40-56 bytes. The objects must outlive their entries
// and must not change their key while indexed.
template <class T, class Key, class KeyOf, class Hash = std::hash<Key>>
class PointerIndex {
 public:
  std::size_t size() const { return size_; }

  T* find(const Key& key) const {
    if (slots_.empty()) return nullptr;
    for (auto i = home(key);; i = next(i)) {
      T* item = slots_[i];
      if (!item) return nullptr;
      if (KeyOf{}(*item) == key) return item;
    }
  }

  // `item`'s key must not be indexed yet.
  void insert(T* item) {
    if (2 * (size_ + 1) > slots_.size()) grow();
    place(item);
    ++size_;
  }

  bool erase(const Key& key) {
    if (slots_.empty()) return false;
    auto hole = home(key);
    while (slots_[hole] && !(KeyOf{}(*slots_[hole]) == key)) hole = next(hole);
    if (!slots_[hole]) return false;
    slots_[hole] = nullptr;
    --size_;
    // Moves back every later member of the run whose home is not between the hole and it.
    for (auto i = next(hole); slots_[i]; i = next(i)) {
      const auto wanted = home(KeyOf{}(*slots_[i]));
      const bool stays = hole < i ? (hole < wanted && wanted <= i) : (hole < wanted || wanted <= i);
      if (stays) continue;
      slots_[hole] = slots_[i];
      slots_[i] = nullptr;
      hole = i;
    }
    return true;
  }

 private:
  std::size_t home(const Key& key) const {
    // Fibonacci hashing: sequential keys (ids) spread as well as hashed texts.
    const auto mixed = static_cast<std::uint64_t>(Hash{}(key)) * 0x9E3779B97F4A7C15ULL;
    return static_cast<std::size_t>(mixed >> (64 - bits_));
  }
  std::size_t next(std::size_t i) const { return (i + 1) & (slots_.size() - 1); }

  void place(T* item) {
    auto i = home(KeyOf{}(*item));
    while (slots_[i]) i = next(i);
    slots_[i] = item;
  }

  void grow() {
    std::vector<T*> old(std::size_t{1} << (bits_ + 1), nullptr);
    old.swap(slots_);
    ++bits_;
    for (T* item : old)
      if (item) place(item);
  }

  std::vector<T*> slots_;
  unsigned bits_ = 3;  // slots_.size() == 1 << bits_ once allocated (16 first)
  std::size_t size_ = 0;
};

}  // namespace boxoffice::domain

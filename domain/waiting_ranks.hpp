#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace boxoffice::domain {

// An immutable set of issue sequence numbers (the WAITING tokens) that answers "how many
// members are below seq" exactly, for positions. Bits in leaves of 512 seqs, 64 leaves to a
// group with per-leaf counts; groups are shared between versions, so a batch of k changes
// copies at most k leaves and k groups plus one array of per-group totals (a million seqs:
// 31 groups). A rank reads one prefix total, at most 63 leaf counts and 8 words.
class WaitingRanks {
  struct Leaf;
  struct Group;

 public:
  static constexpr std::int64_t kLeafSeqs = 512;
  static constexpr std::int64_t kGroupLeaves = 64;
  static constexpr std::int64_t kGroupSeqs = kLeafSeqs * kGroupLeaves;

  // An empty set for seqs from `first_seq` on.
  explicit WaitingRanks(std::int64_t first_seq = 1);

  std::int64_t size() const { return size_; }
  bool contains(std::int64_t seq) const;
  // How many members are smaller than seq.
  std::int64_t rank(std::int64_t seq) const;

  class Editor {
   public:
    explicit Editor(const WaitingRanks& base);
    void insert(std::int64_t seq);  // seq >= the set's first seq
    void erase(std::int64_t seq);
    WaitingRanks finish();

   private:
    void flip(std::int64_t seq, bool on);

    std::int64_t base_;
    std::int64_t size_;
    std::vector<std::shared_ptr<const Group>> groups_;
    std::map<std::size_t, std::shared_ptr<Group>> copied_groups_;  // in this batch
    std::map<std::pair<std::size_t, std::size_t>, std::shared_ptr<Leaf>> copied_leaves_;
    std::vector<std::int64_t> before_;
    std::size_t initial_groups_;
    std::size_t lowest_changed_ = SIZE_MAX;
  };

 private:
  struct Leaf {
    std::array<std::uint64_t, kLeafSeqs / 64> words{};
  };
  struct Group {
    std::array<std::shared_ptr<const Leaf>, kGroupLeaves> leaves;
    std::array<std::int32_t, kGroupLeaves> counts{};
    std::int64_t total = 0;
  };

  std::int64_t base_ = 1;
  std::shared_ptr<const std::vector<std::shared_ptr<const Group>>> groups_;
  std::shared_ptr<const std::vector<std::int64_t>> before_;  // members in the groups before i
  std::int64_t size_ = 0;
};

}  // namespace boxoffice::domain

#include "domain/waiting_ranks.hpp"

#include <algorithm>

namespace boxoffice::domain {

WaitingRanks::WaitingRanks(std::int64_t first_seq)
    : base_(first_seq),
      groups_(std::make_shared<const std::vector<std::shared_ptr<const Group>>>()),
      before_(std::make_shared<const std::vector<std::int64_t>>()) {}

bool WaitingRanks::contains(std::int64_t seq) const {
  if (seq < base_) return false;
  const auto offset = seq - base_;
  const auto group = static_cast<std::size_t>(offset / kGroupSeqs);
  if (group >= groups_->size() || !(*groups_)[group]) return false;
  const auto in_group = offset % kGroupSeqs;
  const auto& leaf = (*groups_)[group]->leaves[static_cast<std::size_t>(in_group / kLeafSeqs)];
  if (!leaf) return false;
  const auto bit = in_group % kLeafSeqs;
  return (leaf->words[static_cast<std::size_t>(bit / 64)] >> (bit % 64)) & 1U;
}

std::int64_t WaitingRanks::rank(std::int64_t seq) const {
  if (seq <= base_) return 0;
  const auto offset = seq - base_;
  const auto group = static_cast<std::size_t>(offset / kGroupSeqs);
  if (group >= groups_->size()) return size_;
  std::int64_t below = (*before_)[group];
  const auto& entry = (*groups_)[group];
  if (!entry) return below;
  const auto in_group = offset % kGroupSeqs;
  const auto leaf_index = static_cast<std::size_t>(in_group / kLeafSeqs);
  for (std::size_t i = 0; i < leaf_index; ++i) below += entry->counts[i];
  const auto& leaf = entry->leaves[leaf_index];
  if (!leaf) return below;
  const auto bit = in_group % kLeafSeqs;
  const auto word = static_cast<std::size_t>(bit / 64);
  for (std::size_t i = 0; i < word; ++i) below += __builtin_popcountll(leaf->words[i]);
  const auto mask = (std::uint64_t{1} << (bit % 64)) - 1;
  return below + __builtin_popcountll(leaf->words[word] & mask);
}

WaitingRanks::Editor::Editor(const WaitingRanks& base)
    : base_(base.base_),
      size_(base.size_),
      groups_(*base.groups_),
      before_(*base.before_),
      initial_groups_(groups_.size()) {}

void WaitingRanks::Editor::insert(std::int64_t seq) {
  flip(seq, true);
}
void WaitingRanks::Editor::erase(std::int64_t seq) {
  flip(seq, false);
}

void WaitingRanks::Editor::flip(std::int64_t seq, bool on) {
  if (seq < base_) return;  // below the set's range: never a member
  const auto offset = seq - base_;
  const auto g = static_cast<std::size_t>(offset / kGroupSeqs);
  const auto in_group = offset % kGroupSeqs;
  const auto l = static_cast<std::size_t>(in_group / kLeafSeqs);
  const auto bit = in_group % kLeafSeqs;
  if (g >= groups_.size()) {
    if (!on) return;
    groups_.resize(g + 1);
    before_.resize(g + 1, 0);
  }
  auto& group = copied_groups_[g];
  if (!group) {
    group = groups_[g] ? std::make_shared<Group>(*groups_[g]) : std::make_shared<Group>();
    groups_[g] = group;
  }
  auto& leaf = copied_leaves_[{g, l}];
  if (!leaf) {
    leaf = group->leaves[l] ? std::make_shared<Leaf>(*group->leaves[l]) : std::make_shared<Leaf>();
    group->leaves[l] = leaf;
  }
  auto& word = leaf->words[static_cast<std::size_t>(bit / 64)];
  const auto mask = std::uint64_t{1} << (bit % 64);
  if (static_cast<bool>(word & mask) == on) return;
  word ^= mask;
  const int delta = on ? 1 : -1;
  group->counts[l] += delta;
  group->total += delta;
  size_ += delta;
  lowest_changed_ = std::min(lowest_changed_, g);
}

WaitingRanks WaitingRanks::Editor::finish() {
  for (auto& [index, group] : copied_groups_) {
    for (std::size_t l = 0; l < group->leaves.size(); ++l)
      if (group->counts[l] == 0) group->leaves[l] = nullptr;
    if (group->total == 0) groups_[index] = nullptr;  // nothing waits there any more
  }
  std::size_t from = std::min(initial_groups_, groups_.size());
  if (lowest_changed_ != SIZE_MAX) from = std::min(from, lowest_changed_ + 1);
  for (std::size_t g = std::max<std::size_t>(from, 1); g < groups_.size(); ++g)
    before_[g] = before_[g - 1] + (groups_[g - 1] ? groups_[g - 1]->total : 0);
  WaitingRanks next(base_);
  next.size_ = size_;
  next.groups_ =
      std::make_shared<const std::vector<std::shared_ptr<const Group>>>(std::move(groups_));
  next.before_ = std::make_shared<const std::vector<std::int64_t>>(std::move(before_));
  return next;
}

}  // namespace boxoffice::domain

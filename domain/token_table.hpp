#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace boxoffice::domain {

// An immutable map from token text to Value that is cheap to change into a new version:
// a three-level trie over the text's hash (256 x 256 buckets) whose untouched parts are
// shared between versions, so a batch of k changes copies k small buckets and at most
// k + 1 arrays of 256 pointers, never the whole map. Readers of one version need no lock.
template <class Value>
class TokenTable {
  struct Bucket {
    std::vector<std::pair<std::string, Value>> entries;
  };
  struct Mid {
    std::array<std::shared_ptr<const Bucket>, 256> buckets;
  };
  struct Root {
    std::array<std::shared_ptr<const Mid>, 256> mids;
  };

  static std::size_t hash_of(const std::string& key) { return std::hash<std::string>{}(key); }

 public:
  std::size_t size() const { return size_; }

  const Value* find(const std::string& key) const {
    if (!root_) return nullptr;
    const auto hash = hash_of(key);
    const auto& mid = root_->mids[hash & 0xff];
    if (!mid) return nullptr;
    const auto& bucket = mid->buckets[(hash >> 8) & 0xff];
    if (!bucket) return nullptr;
    for (const auto& [text, value] : bucket->entries)
      if (text == key) return &value;
    return nullptr;
  }

  // Calls f(key, value) for every entry, in no particular order.
  template <class F>
  void for_each(F&& f) const {
    if (!root_) return;
    for (const auto& mid : root_->mids) {
      if (!mid) continue;
      for (const auto& bucket : mid->buckets) {
        if (!bucket) continue;
        for (const auto& [key, value] : bucket->entries) f(key, value);
      }
    }
  }

  // Makes the next version out of this one. Parts are copied once per batch.
  class Editor {
   public:
    explicit Editor(const TokenTable& base)
        : root_(base.root_ ? std::make_shared<Root>(*base.root_) : std::make_shared<Root>()),
          size_(base.size_) {}

    const Value* find(const std::string& key) const { return TokenTable(root_, size_).find(key); }

    void put(const std::string& key, Value value) {
      auto& entries = bucket_of(hash_of(key)).entries;
      for (auto& entry : entries)
        if (entry.first == key) {
          entry.second = std::move(value);
          return;
        }
      entries.emplace_back(key, std::move(value));
      ++size_;
    }

    bool erase(const std::string& key) {
      auto& entries = bucket_of(hash_of(key)).entries;
      for (auto it = entries.begin(); it != entries.end(); ++it)
        if (it->first == key) {
          *it = std::move(entries.back());
          entries.pop_back();
          --size_;
          return true;
        }
      return false;
    }

    TokenTable finish() { return TokenTable(std::move(root_), size_); }

   private:
    Bucket& bucket_of(std::size_t hash) {
      const std::size_t m = hash & 0xff;
      const std::size_t b = (hash >> 8) & 0xff;
      auto& mid = mids_[m];
      if (!mid) {
        mid = root_->mids[m] ? std::make_shared<Mid>(*root_->mids[m]) : std::make_shared<Mid>();
        root_->mids[m] = mid;
      }
      auto& bucket = buckets_[(m << 8) | b];
      if (!bucket) {
        bucket = mid->buckets[b] ? std::make_shared<Bucket>(*mid->buckets[b])
                                 : std::make_shared<Bucket>();
        mid->buckets[b] = bucket;
      }
      return *bucket;
    }

    std::shared_ptr<Root> root_;
    std::size_t size_ = 0;
    std::unordered_map<std::size_t, std::shared_ptr<Mid>> mids_;        // copied in this batch
    std::unordered_map<std::size_t, std::shared_ptr<Bucket>> buckets_;  // copied in this batch
  };

  TokenTable() = default;

 private:
  TokenTable(std::shared_ptr<const Root> root, std::size_t size)
      : root_(std::move(root)), size_(size) {}

  std::shared_ptr<const Root> root_;
  std::size_t size_ = 0;
};

}  // namespace boxoffice::domain

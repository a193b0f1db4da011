#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/token_table.hpp"
#include "domain/token_view.hpp"
#include "domain/waiting_ranks.hpp"

namespace boxoffice::domain {

// One committed change of a token as readers see it: its facts now, or none (forgotten).
struct ReadChange {
  std::string token;
  std::optional<TokenFacts> facts;
};

// The waiting room as of one commit, for readers: every live token (and recently ended
// ones) with its status and expiry, and the WAITING seqs for exact positions. Immutable: the
// queue actor makes the next version from this one and the changes of its next commit,
// sharing everything they did not touch (O(changes), never a copy of the line).
class QueueReadModel {
 public:
  // The committed line after a load, at version `version`.
  static QueueReadModel of(const std::vector<QueueToken>& live, std::uint64_t version);
  // A copy of another node's model (a replica), from all its entries.
  static QueueReadModel of(const std::vector<ReadChange>& entries, std::uint64_t version,
                           AdmissionRate rate);

  QueueReadModel next(const std::vector<ReadChange>& changes, AdmissionRate rate) const;

  std::uint64_t version() const { return version_; }
  std::size_t size() const { return tokens_.size(); }
  std::int64_t waiting_count() const { return waiting_.size(); }
  AdmissionRate rate() const { return rate_; }
  // Every token it holds with its facts (a replica's snapshot), in no particular order.
  std::vector<ReadChange> entries() const;
  const TokenFacts* find(const std::string& token) const { return tokens_.find(token); }
  // What the client sees of `token` at `now`; none when the model does not know it.
  std::optional<TokenView> view(const std::string& token, TimeMs now) const;

 private:
  explicit QueueReadModel(std::int64_t first_seq) : waiting_(first_seq) {}

  TokenTable<TokenFacts> tokens_;
  WaitingRanks waiting_;
  AdmissionRate rate_;
  std::uint64_t version_ = 0;
};

TokenFacts facts_of(const QueueToken& token);

}  // namespace boxoffice::domain

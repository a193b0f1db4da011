#include "domain/queue_read_model.hpp"

#include <algorithm>

namespace boxoffice::domain {

TokenFacts facts_of(const QueueToken& token) {
  return TokenFacts{token.user,      token.seq,        token.status,
                    token.issued_at, token.expires_at, token.wallet};
}

QueueReadModel QueueReadModel::of(const std::vector<QueueToken>& live, std::uint64_t version) {
  std::vector<ReadChange> changes;
  changes.reserve(live.size());
  for (const auto& token : live) changes.push_back(ReadChange{token.token, facts_of(token)});
  return of(changes, version, {});
}

QueueReadModel QueueReadModel::of(const std::vector<ReadChange>& entries, std::uint64_t version,
                                  AdmissionRate rate) {
  std::int64_t first_seq = 1;
  bool any = false;
  for (const auto& entry : entries) {
    if (!entry.facts) continue;
    first_seq = any ? std::min(first_seq, entry.facts->seq) : entry.facts->seq;
    any = true;
  }
  QueueReadModel model(first_seq);
  model = model.next(entries, rate);
  model.version_ = version;
  return model;
}

std::vector<ReadChange> QueueReadModel::entries() const {
  std::vector<ReadChange> out;
  out.reserve(tokens_.size());
  tokens_.for_each([&out](const std::string& token, const TokenFacts& facts) {
    out.push_back({token, facts});
  });
  return out;
}

QueueReadModel QueueReadModel::next(const std::vector<ReadChange>& changes,
                                    AdmissionRate rate) const {
  QueueReadModel out(*this);
  TokenTable<TokenFacts>::Editor tokens(tokens_);
  WaitingRanks::Editor waiting(waiting_);
  for (const auto& change : changes) {
    if (const auto* before = tokens.find(change.token);
        before && before->status == TokenStatus::waiting)
      waiting.erase(before->seq);
    if (!change.facts) {
      tokens.erase(change.token);
      continue;
    }
    if (change.facts->status == TokenStatus::waiting) waiting.insert(change.facts->seq);
    tokens.put(change.token, *change.facts);
  }
  out.tokens_ = tokens.finish();
  out.waiting_ = waiting.finish();
  out.rate_ = rate;
  ++out.version_;
  return out;
}

std::optional<TokenView> QueueReadModel::view(const std::string& token, TimeMs now) const {
  const auto* facts = tokens_.find(token);
  if (!facts) return std::nullopt;
  const auto position = facts->status == TokenStatus::waiting ? waiting_.rank(facts->seq) + 1 : 0;
  return token_view(token, *facts, position, rate_, now);
}

}  // namespace boxoffice::domain

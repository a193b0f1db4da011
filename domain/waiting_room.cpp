#include "domain/waiting_room.hpp"

#include "domain/queue_read_model.hpp"

namespace boxoffice::domain {
namespace {

constexpr TimeMs kRateWindow = 60'000;
constexpr std::size_t kRateSamples = 2'000;

}  // namespace

void WaitingRoom::restore(std::vector<QueueToken> live, std::int64_t last_seq, TimeMs now) {
  *this = WaitingRoom(policy_);
  last_seq_ = last_seq;
  for (auto& token : live) {
    if (token.status == TokenStatus::waiting) token.last_seen_at = now;
    add_live(std::move(token));
  }
  advance(now);
}

QueueToken* WaitingRoom::add_live(QueueToken token) {
  QueueToken* entry = nullptr;
  if (free_slots_.empty()) {
    entry = &slots_.emplace_back(std::move(token));
  } else {
    entry = free_slots_.back();
    free_slots_.pop_back();
    *entry = std::move(token);
  }
  by_text_.insert(entry);
  by_user_.insert(entry);
  if (entry->status == TokenStatus::waiting) {
    waiting_.insert({entry->seq, entry});
    idle_deadlines_.emplace(entry->last_seen_at + policy_.idle_timeout, entry->seq);
  } else {
    ++active_count_;
    active_deadlines_.emplace(entry->expires_at, entry->token);
  }
  return entry;
}

const QueueToken& WaitingRoom::issue(Id user, std::string text, TimeMs now, Id wallet) {
  advance(now);
  QueueToken token;
  token.token = std::move(text);
  token.user = user;
  token.wallet = wallet;
  token.seq = ++last_seq_;
  token.issued_at = now;
  token.last_seen_at = now;
  if (waiting_.empty() && active_count_ < policy_.max_active) {
    token.status = TokenStatus::active;
    token.activated_at = now;
    token.expires_at = now + policy_.token_ttl;
    ++admitted_total_;
    admissions_.push_back(now);
  }
  changes_.push_back(QueueChange{true, token.status, token});
  return *add_live(std::move(token));
}

void WaitingRoom::transition(QueueToken& token, TokenStatus to, TimeMs now) {
  const TokenStatus from = token.status;
  token.status = to;
  if (to == TokenStatus::active) {
    token.activated_at = now;
    token.expires_at = now + policy_.token_ttl;
  } else {
    token.ended_at = now;
  }
  changes_.push_back(QueueChange{false, from, token});
}

void WaitingRoom::end(QueueToken& token, TokenStatus to, TimeMs now) {
  if (token.status == TokenStatus::waiting) {
    waiting_.erase(token.seq);
    idle_deadlines_.erase({token.last_seen_at + policy_.idle_timeout, token.seq});
  } else {
    --active_count_;
    active_deadlines_.erase({token.expires_at, token.token});
  }
  if (to == TokenStatus::expired) ++expired_total_;
  transition(token, to, now);
  by_user_.erase(token.user);
  by_text_.erase(token.token);
  remember_ended(token);
  token = QueueToken{};  // frees its text
  free_slots_.push_back(&token);
}

void WaitingRoom::remember_ended(const QueueToken& token) {
  ended_[token.token] = token;
  ended_order_.push_back(token.token);
  if (ended_order_.size() > kEndedKept) {
    ended_.erase(ended_order_.front());
    ended_order_.pop_front();
  }
}

void WaitingRoom::admit(TimeMs now) {
  while (active_count_ < policy_.max_active && !waiting_.empty()) {
    auto& token = *waiting_.begin()->second;
    waiting_.erase(waiting_.begin());
    idle_deadlines_.erase({token.last_seen_at + policy_.idle_timeout, token.seq});
    transition(token, TokenStatus::active, now);
    ++active_count_;
    active_deadlines_.emplace(token.expires_at, token.token);
    ++admitted_total_;
    admissions_.push_back(now);
  }
  while (admissions_.size() > kRateSamples ||
         (!admissions_.empty() && admissions_.front() < now - kRateWindow))
    admissions_.pop_front();
}

void WaitingRoom::advance(TimeMs now) {
  while (!active_deadlines_.empty() && active_deadlines_.begin()->first <= now) {
    end(*live_token(active_deadlines_.begin()->second), TokenStatus::expired, now);
  }
  while (!idle_deadlines_.empty() && idle_deadlines_.begin()->first <= now) {
    end(*waiting_.find(idle_deadlines_.begin()->second)->second, TokenStatus::expired, now);
  }
  admit(now);
}

bool WaitingRoom::complete(const std::string& token, TimeMs now) {
  auto* entry = live_token(token);
  if (!entry || entry->status != TokenStatus::active) return false;
  end(*entry, TokenStatus::completed, now);
  changes_.pop_back();  // the payment's own transaction already wrote COMPLETED
  admit(now);
  return true;
}

void WaitingRoom::touch(const std::string& token, TimeMs now) {
  auto* entry = live_token(token);
  if (!entry || entry->status != TokenStatus::waiting || now <= entry->last_seen_at) return;
  idle_deadlines_.erase({entry->last_seen_at + policy_.idle_timeout, entry->seq});
  entry->last_seen_at = now;
  idle_deadlines_.emplace(entry->last_seen_at + policy_.idle_timeout, entry->seq);
}

const QueueToken* WaitingRoom::find(const std::string& token) const {
  if (const auto* entry = live_token(token)) return entry;
  if (const auto it = ended_.find(token); it != ended_.end()) return &it->second;
  return nullptr;
}

const QueueToken* WaitingRoom::live_token_of(Id user) const {
  return by_user_.find(user);
}

AdmissionRate WaitingRoom::admission_rate() const {
  if (admissions_.empty()) return {};
  return AdmissionRate{static_cast<std::int64_t>(admissions_.size()), admissions_.front()};
}

TokenView WaitingRoom::view(const QueueToken& token, TimeMs now) const {
  const auto facts = facts_of(token);
  const auto position = token.status == TokenStatus::waiting
                            ? static_cast<std::int64_t>(waiting_.order_of_key(token.seq)) + 1
                            : 0;
  return token_view(token.token, facts, position, admission_rate(), now);
}

std::optional<std::int64_t> WaitingRoom::back_of_line_wait(TimeMs now) const {
  if (waiting_.empty()) return 0;
  return estimated_wait(waiting_count(), admission_rate(), now);
}

std::optional<TimeMs> WaitingRoom::next_deadline() const {
  std::optional<TimeMs> next;
  if (!active_deadlines_.empty()) next = active_deadlines_.begin()->first;
  if (!idle_deadlines_.empty() && (!next || idle_deadlines_.begin()->first < *next))
    next = idle_deadlines_.begin()->first;
  return next;
}

}  // namespace boxoffice::domain

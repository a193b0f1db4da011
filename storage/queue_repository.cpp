#include "storage/queue_repository.hpp"

#include "storage/changed_rows.hpp"
#include "storage/write_transaction.hpp"

namespace boxoffice::storage {
namespace {

// Any constant, distinct from the migration lock: the queue admission lock of all nodes.
constexpr long long kQueueAdmissionLockId = 0x626f78717565LL;

constexpr const char* kColumns =
    "SELECT token, user_id, seq, status, issued_at_ms, last_seen_at_ms, COALESCE(activated_at_ms, "
    "0),"
    " COALESCE(expires_at_ms, 0), COALESCE(ended_at_ms, 0) FROM queue_tokens";

struct Row {
  std::string token, status;
  long long user = 0, seq = 0, issued = 0, seen = 0, activated = 0, expires = 0, ended = 0;

  domain::QueueToken to_token() const {
    domain::QueueToken out;
    out.token = token;
    out.user = user;
    out.seq = seq;
    out.status = domain::parse_token_status(status).value_or(domain::TokenStatus::expired);
    out.issued_at = issued;
    out.last_seen_at = seen;
    out.activated_at = activated;
    out.expires_at = expires;
    out.ended_at = ended;
    return out;
  }
};

soci::indicator null_if_zero(domain::TimeMs value) {
  return value == 0 ? soci::i_null : soci::i_ok;
}

}  // namespace

StoredQueue QueueRepository::load_live() {
  StoredQueue out;
  Row row;
  soci::statement rows =
      (session_.prepare << std::string(kColumns) +
                               " WHERE status IN ('WAITING', 'ACTIVE') ORDER BY seq",
       soci::into(row.token), soci::into(row.user), soci::into(row.seq), soci::into(row.status),
       soci::into(row.issued), soci::into(row.seen), soci::into(row.activated),
       soci::into(row.expires), soci::into(row.ended));
  rows.execute();
  while (rows.fetch()) out.live.push_back(row.to_token());
  long long last = 0;
  session_ << "SELECT COALESCE(MAX(seq), 0) FROM queue_tokens", soci::into(last);
  out.last_seq = last;
  return out;
}

std::optional<domain::QueueToken> QueueRepository::find(const std::string& token) {
  Row row;
  session_ << std::string(kColumns) + " WHERE token = :token", soci::use(token),
      soci::into(row.token), soci::into(row.user), soci::into(row.seq), soci::into(row.status),
      soci::into(row.issued), soci::into(row.seen), soci::into(row.activated),
      soci::into(row.expires), soci::into(row.ended);
  if (!session_.got_data()) return std::nullopt;
  return row.to_token();
}

bool QueueRepository::user_exists(domain::Id user) {
  int count = 0;
  session_ << "SELECT COUNT(*) FROM users WHERE id = :id", soci::use(user), soci::into(count);
  return count > 0;
}

int QueueRepository::apply(const std::vector<domain::QueueChange>& changes, std::int64_t max_active,
                           domain::TimeMs now, const QueueFence& fence) {
  WriteTransaction transaction(session_, kind_);
  fence.check(session_, kind_);
  bool admits = false;
  for (const auto& change : changes)
    admits = admits || (change.token.status == domain::TokenStatus::active && !change.inserted);
  // Admissions of every node's queue actor are serialized (SQLite: BEGIN IMMEDIATE already).
  if (admits && kind_ == config::DatabaseKind::postgresql)
    session_ << "SELECT pg_advisory_xact_lock(" + std::to_string(kQueueAdmissionLockId) + ")";
  int skipped = 0;
  for (const auto& change : changes) {
    const auto& token = change.token;
    const std::string status = domain::status_name(token.status);
    auto activated = null_if_zero(token.activated_at);
    auto expires = null_if_zero(token.expires_at);
    auto ended = null_if_zero(token.ended_at);
    if (change.inserted) {
      session_
          << "INSERT INTO queue_tokens(seq, token, user_id, status, issued_at_ms, last_seen_at_ms,"
             " activated_at_ms, expires_at_ms, ended_at_ms, version)"
             " VALUES(:seq, :token, :user, :status, :issued, :seen, :activated, :expires, :ended, "
             "0)",
          soci::use(token.seq), soci::use(token.token), soci::use(token.user), soci::use(status),
          soci::use(token.issued_at), soci::use(token.last_seen_at),
          soci::use(token.activated_at, activated), soci::use(token.expires_at, expires),
          soci::use(token.ended_at, ended);
      continue;
    }
    const std::string from = domain::status_name(change.from);
    const long long updated =
        changed_rows(session_,
                     "UPDATE queue_tokens SET status = :status, activated_at_ms = :activated,"
                     " expires_at_ms = :expires, ended_at_ms = :ended, version = version + 1"
                     " WHERE token = :token AND status = :from",
                     soci::use(status), soci::use(token.activated_at, activated),
                     soci::use(token.expires_at, expires), soci::use(token.ended_at, ended),
                     soci::use(token.token), soci::use(from));
    if (updated == 0) ++skipped;
  }
  if (admits) {
    long long active = 0;
    session_
        << "SELECT COUNT(*) FROM queue_tokens WHERE status = 'ACTIVE' AND expires_at_ms > :now",
        soci::use(now), soci::into(active);
    if (active > max_active) throw QueueLimitExceeded();  // rolls the transaction back
  }
  // A new token proves the batch (token texts are unique); transitions alone cannot.
  for (const auto& change : changes) {
    if (!change.inserted) continue;
    transaction.prove_with([kind = kind_, token = change.token.token](soci::session& s) {
      return QueueRepository(s, kind).find(token).has_value();
    });
    break;
  }
  transaction.commit();
  return skipped;
}

}  // namespace boxoffice::storage

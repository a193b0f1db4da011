#include "storage/queue_repository.hpp"

#include <algorithm>

#include "storage/changed_rows.hpp"
#include "storage/sql_literal.hpp"
#include "storage/write_transaction.hpp"

namespace boxoffice::storage {
namespace {

// Any constant, distinct from the migration lock: the queue admission lock of all nodes.
constexpr long long kQueueAdmissionLockId = 0x626f78717565LL;

// A token with its user's wallet (every user has one; 0 if not).
constexpr const char* kColumns =
    "SELECT t.token, t.user_id, COALESCE(w.id, 0), t.seq, t.status, t.issued_at_ms,"
    " t.last_seen_at_ms, COALESCE(t.activated_at_ms, 0), COALESCE(t.expires_at_ms, 0),"
    " COALESCE(t.ended_at_ms, 0) FROM queue_tokens t LEFT JOIN wallets w ON w.user_id = t.user_id";

struct Row {
  std::string token, status;
  long long user = 0, wallet = 0, seq = 0, issued = 0, seen = 0, activated = 0, expires = 0,
            ended = 0;

  domain::QueueToken to_token() const {
    domain::QueueToken out;
    out.token = token;
    out.user = user;
    out.wallet = wallet;
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

std::string number_or_null(domain::TimeMs value) {
  return value == 0 ? "NULL" : std::to_string(value);
}

// Rows per INSERT statement (a burst of issues is one statement per this many).
constexpr std::size_t kInsertRows = 2'000;

}  // namespace

StoredQueue QueueRepository::load_live() {
  StoredQueue out;
  Row row;
  soci::statement rows =
      (session_.prepare << std::string(kColumns) +
                               " WHERE t.status IN ('WAITING', 'ACTIVE') ORDER BY t.seq",
       soci::into(row.token), soci::into(row.user), soci::into(row.wallet), soci::into(row.seq),
       soci::into(row.status), soci::into(row.issued), soci::into(row.seen),
       soci::into(row.activated), soci::into(row.expires), soci::into(row.ended));
  rows.execute();
  while (rows.fetch()) out.live.push_back(row.to_token());
  long long last = 0;
  session_ << "SELECT COALESCE(MAX(seq), 0) FROM queue_tokens", soci::into(last);
  out.last_seq = last;
  soci::rowset<std::string> ended =
      (session_.prepare
       << "SELECT token FROM queue_tokens WHERE status IN ('EXPIRED', 'COMPLETED')");
  for (const auto& token : ended) out.ended.push_back(domain::token_fingerprint(token));
  return out;
}

std::optional<domain::QueueToken> QueueRepository::find(const std::string& token) {
  Row row;
  session_ << std::string(kColumns) + " WHERE t.token = :token", soci::use(token),
      soci::into(row.token), soci::into(row.user), soci::into(row.wallet), soci::into(row.seq),
      soci::into(row.status), soci::into(row.issued), soci::into(row.seen),
      soci::into(row.activated), soci::into(row.expires), soci::into(row.ended);
  if (!session_.got_data()) return std::nullopt;
  return row.to_token();
}

std::unordered_map<domain::Id, domain::Id> QueueRepository::existing_users(
    const std::vector<domain::Id>& users) {
  std::unordered_map<domain::Id, domain::Id> found;
  if (users.empty()) return found;
  std::string list;
  for (const auto user : users) {
    if (!list.empty()) list += ',';
    list += std::to_string(user);
  }
  long long user = 0, wallet = 0;
  soci::statement rows = (session_.prepare << "SELECT u.id, COALESCE(w.id, 0) FROM users u"
                                              " LEFT JOIN wallets w ON w.user_id = u.id"
                                              " WHERE u.id IN (" +
                                                  list + ")",
                          soci::into(user), soci::into(wallet));
  rows.execute();
  while (rows.fetch()) found.emplace(user, wallet);
  return found;
}

void QueueRepository::insert_all(const std::vector<const domain::QueueToken*>& tokens) {
  for (std::size_t from = 0; from < tokens.size(); from += kInsertRows) {
    std::string sql =
        "INSERT INTO queue_tokens(seq, token, user_id, status, issued_at_ms, last_seen_at_ms,"
        " activated_at_ms, expires_at_ms, ended_at_ms, version) VALUES ";
    const auto to = std::min(tokens.size(), from + kInsertRows);
    for (std::size_t i = from; i < to; ++i) {
      const auto& token = *tokens[i];
      if (i > from) sql += ',';
      sql += "(" + std::to_string(token.seq) + "," + sql_quoted(token.token) + "," +
             std::to_string(token.user) + ",'" + domain::status_name(token.status) + "'," +
             std::to_string(token.issued_at) + "," + std::to_string(token.last_seen_at) + "," +
             number_or_null(token.activated_at) + "," + number_or_null(token.expires_at) + "," +
             number_or_null(token.ended_at) + ",0)";
    }
    session_ << sql;
  }
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
  std::vector<const domain::QueueToken*> inserted;
  for (const auto& change : changes)
    if (change.inserted) inserted.push_back(&change.token);
  insert_all(inserted);
  int skipped = 0;
  for (const auto& change : changes) {
    if (change.inserted) continue;
    const auto& token = change.token;
    const std::string status = domain::status_name(token.status);
    auto activated = null_if_zero(token.activated_at);
    auto expires = null_if_zero(token.expires_at);
    auto ended = null_if_zero(token.ended_at);
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

#include "storage/wallet_reads.hpp"

#include <nlohmann/json.hpp>
#include <string>

#include "storage/schedule_repository.hpp"
#include "storage/wallet_repository.hpp"

namespace boxoffice::storage {
namespace {

// '{1,2,3}': a BIGINT[] literal.
std::string id_array(const std::vector<domain::Id>& ids) {
  std::string text = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) text += ',';
    text += std::to_string(ids[i]);
  }
  return text + "}";
}

// The rows of `select` (a JSON array of arrays) for the ids, in one round trip.
nlohmann::json rows_for(soci::session& session, const std::string& select,
                        const std::vector<domain::Id>& ids) {
  const std::string array = id_array(ids);
  std::string rows;
  session << select, soci::use(array), soci::into(rows);
  return nlohmann::json::parse(rows);
}

}  // namespace

std::unordered_map<domain::Id, domain::Wallet> load_wallets(soci::session& session,
                                                            config::DatabaseKind kind,
                                                            const std::vector<domain::Id>& ids) {
  std::unordered_map<domain::Id, domain::Wallet> found;
  if (kind != config::DatabaseKind::postgresql) {
    WalletRepository wallets(session, kind);
    for (const auto id : ids)
      if (auto wallet = wallets.load(id)) found.emplace(id, *wallet);
    return found;
  }
  const auto rows =
      rows_for(session,
               "SELECT CAST(coalesce(json_agg(json_build_array(id, user_id, balance, version)),"
               " CAST('[]' AS json)) AS TEXT) FROM wallets WHERE id = ANY(CAST(:ids AS BIGINT[]))",
               ids);
  for (const auto& row : rows)
    found.emplace(row.at(0).get<domain::Id>(),
                  domain::Wallet{row.at(0).get<domain::Id>(), row.at(1).get<domain::Id>(),
                                 row.at(2).get<domain::Won>(), row.at(3).get<std::int64_t>()});
  return found;
}

std::unordered_map<domain::Id, domain::Id> wallets_of_users(soci::session& session,
                                                            config::DatabaseKind kind,
                                                            const std::vector<domain::Id>& users) {
  std::unordered_map<domain::Id, domain::Id> found;
  if (kind != config::DatabaseKind::postgresql) {
    ScheduleRepository schedules(session, kind);
    for (const auto user : users)
      if (auto wallet = schedules.wallet_of(user)) found.emplace(user, *wallet);
    return found;
  }
  const auto rows = rows_for(
      session,
      "SELECT CAST(coalesce(json_agg(json_build_array(user_id, id)), CAST('[]' AS json)) AS TEXT)"
      " FROM wallets WHERE user_id = ANY(CAST(:users AS BIGINT[]))",
      users);
  for (const auto& row : rows)
    found.emplace(row.at(0).get<domain::Id>(), row.at(1).get<domain::Id>());
  return found;
}

}  // namespace boxoffice::storage

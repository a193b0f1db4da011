#include "storage/catalog_repository.hpp"

#include "storage/write_transaction.hpp"

namespace boxoffice::storage {

domain::User CatalogRepository::create_user(const std::string& name, domain::TimeMs now) {
  WriteTransaction transaction(session_, kind_);
  domain::User user;
  user.name = name;
  long long user_id = 0;
  long long wallet_id = 0;
  session_ << "INSERT INTO users(name, created_at_ms) VALUES(:name, :now) RETURNING id",
      soci::use(name), soci::use(now), soci::into(user_id);
  session_ << "INSERT INTO wallets(user_id, balance, version, updated_at_ms)"
              " VALUES(:user, 0, 0, :now) RETURNING id",
      soci::use(user_id), soci::use(now), soci::into(wallet_id);
  transaction.commit();
  user.id = user_id;
  user.wallet_id = wallet_id;
  return user;
}

domain::Concert CatalogRepository::create_concert(const std::string& title, domain::TimeMs now) {
  WriteTransaction transaction(session_, kind_);
  long long id = 0;
  session_ << "INSERT INTO concerts(title, created_at_ms) VALUES(:title, :now) RETURNING id",
      soci::use(title), soci::use(now), soci::into(id);
  transaction.commit();
  return domain::Concert{id, title};
}

std::optional<domain::Schedule> CatalogRepository::create_schedule(const domain::ScheduleSpec& spec,
                                                                   domain::TimeMs now) {
  WriteTransaction transaction(session_, kind_);
  int found = 0;
  session_ << "SELECT COUNT(*) FROM concerts WHERE id = :id", soci::use(spec.concert_id),
      soci::into(found);
  if (found == 0) return std::nullopt;
  long long id = 0;
  const int seat_count = spec.seat_count;
  session_ << "INSERT INTO schedules(concert_id, starts_at_ms, booking_opens_at_ms,"
              " booking_closes_at_ms, seat_count, seat_price, version, created_at_ms)"
              " VALUES(:concert, :starts, :opens, :closes, :seats, :price, 0, :now) RETURNING id",
      soci::use(spec.concert_id), soci::use(spec.starts_at), soci::use(spec.booking_opens_at),
      soci::use(spec.booking_closes_at), soci::use(seat_count), soci::use(spec.seat_price),
      soci::use(now), soci::into(id);
  const long long schedule_id = id;
  if (kind_ == config::DatabaseKind::postgresql) {
    session_ << "INSERT INTO seats(schedule_id, seat_number, price, status, version)"
                " SELECT :id, n, :price, 'AVAILABLE', 0 FROM generate_series(1, :count) AS n",
        soci::use(schedule_id), soci::use(spec.seat_price), soci::use(seat_count);
  } else {
    session_ << "WITH RECURSIVE numbers(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM numbers"
                " WHERE n < :count)"
                " INSERT INTO seats(schedule_id, seat_number, price, status, version)"
                " SELECT :id, n, :price, 'AVAILABLE', 0 FROM numbers",
        soci::use(seat_count), soci::use(schedule_id), soci::use(spec.seat_price);
  }
  transaction.commit();
  return domain::Schedule{id, spec};
}

std::vector<domain::Concert> CatalogRepository::list_concerts() {
  std::vector<domain::Concert> out;
  long long id = 0;
  std::string title;
  soci::statement rows = (session_.prepare << "SELECT id, title FROM concerts ORDER BY id",
                          soci::into(id), soci::into(title));
  rows.execute();
  while (rows.fetch()) out.push_back(domain::Concert{id, title});
  return out;
}

std::optional<domain::Concert> CatalogRepository::find_concert(domain::Id id) {
  std::string title;
  session_ << "SELECT title FROM concerts WHERE id = :id", soci::use(id), soci::into(title);
  if (!session_.got_data()) return std::nullopt;
  return domain::Concert{id, title};
}

bool CatalogRepository::has_any_user() {
  int count = 0;
  session_ << "SELECT COUNT(*) FROM (SELECT id FROM users LIMIT 1) AS any_user", soci::into(count);
  return count > 0;
}

std::vector<domain::Id> CatalogRepository::ids_from(IdTable table, domain::Id from) {
  const char* sql = table == IdTable::wallets
                        ? "SELECT id FROM wallets WHERE id >= :from ORDER BY id"
                        : "SELECT id FROM schedules WHERE id >= :from ORDER BY id";
  std::vector<domain::Id> out;
  long long id = 0;
  soci::statement rows = (session_.prepare << sql, soci::use(from), soci::into(id));
  rows.execute();
  while (rows.fetch()) out.push_back(id);
  return out;
}

}  // namespace boxoffice::storage

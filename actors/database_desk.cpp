#include "actors/database_desk.hpp"

#include <spdlog/spdlog.h>

#include "actors/entity_directory.hpp"
#include "actors/read_batcher.hpp"
#include "actors/snapshot_board.hpp"
#include "actors/storage_call.hpp"
#include "storage/catalog_repository.hpp"
#include "storage/payment_repository.hpp"
#include "storage/schedule_repository.hpp"
#include "storage/wallet_reads.hpp"
#include "storage/worker_pool.hpp"
#include "storage/write_outcome.hpp"

namespace boxoffice::actors {
namespace {

using domain::ErrorCode;

constexpr std::chrono::hours kWriteWait{1};  // catalog writes are awaited: their outcome matters
constexpr std::size_t kMaxRememberedWallets = 1'000'000;  // ~50 MB at most, then start over
constexpr std::size_t kMaxRememberedConcerts = 10'000;

}  // namespace

domain::Result<domain::User> DatabaseDesk::create_user(const std::string& name,
                                                       domain::TimeMs now) {
  auto user =
      call_storage(pool_, "create user", kWriteWait,
                   [kind = config_.database.kind, name, now](soci::session& session) {
                     return storage::CatalogRepository(session, kind).create_user(name, now);
                   });
  if (user.ok()) directory_.wallet_created(user->wallet_id);
  return user;
}

domain::Result<domain::Concert> DatabaseDesk::create_concert(const std::string& title,
                                                             domain::TimeMs now) {
  auto concert =
      call_storage(pool_, "create concert", kWriteWait,
                   [kind = config_.database.kind, title, now](soci::session& session) {
                     return storage::CatalogRepository(session, kind).create_concert(title, now);
                   });
  if (concert.ok()) forget_schedules_of(concert->id);  // "no such concert" may be remembered
  return concert;
}

domain::Result<std::optional<domain::Schedule>> DatabaseDesk::create_schedule(
    const domain::ScheduleSpec& spec, domain::TimeMs now) {
  auto schedule =
      call_storage(pool_, "create schedule", kWriteWait,
                   [kind = config_.database.kind, spec, now](soci::session& session) {
                     return storage::CatalogRepository(session, kind).create_schedule(spec, now);
                   });
  forget_schedules_of(spec.concert_id);  // even when it failed: it may have been written
  if (schedule.ok() && schedule.value()) directory_.schedule_created(schedule.value()->id);
  return schedule;
}

domain::Result<std::vector<domain::Concert>> DatabaseDesk::list_concerts() {
  return call_storage(pool_, "list concerts", config_.request_timeout,
                      [kind = config_.database.kind](soci::session& session) {
                        return storage::CatalogRepository(session, kind).list_concerts();
                      });
}

std::optional<std::optional<std::vector<domain::Id>>> DatabaseDesk::remembered_schedules_of(
    domain::Id concert, std::chrono::steady_clock::time_point now) const {
  const auto it = schedules_of_concert_.find(concert);
  if (it == schedules_of_concert_.end() || now - it->second.read_at >= kCatalogTtl)
    return std::nullopt;
  return it->second.ids;
}

std::optional<std::optional<std::vector<domain::Id>>> DatabaseDesk::schedules_of_now(
    domain::Id concert) {
  std::lock_guard<std::mutex> lock(schedules_mutex_);
  return remembered_schedules_of(concert, std::chrono::steady_clock::now());
}

domain::Result<std::optional<std::vector<domain::Id>>> DatabaseDesk::schedules_of(
    domain::Id concert) {
  const auto now = std::chrono::steady_clock::now();
  std::uint64_t writes_before = 0;
  {
    std::lock_guard<std::mutex> lock(schedules_mutex_);
    writes_before = catalog_writes_;
    if (auto known = remembered_schedules_of(concert, now)) return std::move(*known);
  }
  auto ids = call_storage(pool_, "list schedules", config_.request_timeout,
                          [kind = config_.database.kind, concert](soci::session& session) {
                            return storage::ScheduleRepository(session, kind).schedules_of(concert);
                          });
  std::lock_guard<std::mutex> lock(schedules_mutex_);
  if (ids.ok() && catalog_writes_ == writes_before) {
    if (schedules_of_concert_.size() >= kMaxRememberedConcerts) schedules_of_concert_.clear();
    schedules_of_concert_[concert] = KnownSchedules{ids.value(), now};
  }
  return ids;
}

void DatabaseDesk::forget_schedules_of(domain::Id concert) {
  std::lock_guard<std::mutex> lock(schedules_mutex_);
  ++catalog_writes_;
  schedules_of_concert_.erase(concert);
}

domain::Result<std::optional<domain::ReservationRecord>> DatabaseDesk::find_reservation(
    domain::Id id) {
  return call_storage(pool_, "find reservation", config_.request_timeout,
                      [kind = config_.database.kind, id](soci::session& session) {
                        return storage::ScheduleRepository(session, kind).find_reservation(id);
                      });
}

std::optional<domain::Id> DatabaseDesk::known_wallet(domain::Id user) {
  std::lock_guard<std::mutex> lock(wallets_mutex_);
  const auto it = wallet_of_user_.find(user);
  if (it == wallet_of_user_.end()) return std::nullopt;
  return it->second;
}

void DatabaseDesk::remember_wallet(domain::Id user, domain::Id wallet) {
  std::lock_guard<std::mutex> lock(wallets_mutex_);
  if (wallet_of_user_.size() >= kMaxRememberedWallets) wallet_of_user_.clear();
  wallet_of_user_[user] = wallet;
}

DatabaseDesk::DatabaseDesk(const config::Config& config, storage::WorkerPool& pool,
                           const SnapshotBoard& board, EntityDirectory& directory)
    : config_(config),
      pool_(pool),
      board_(board),
      directory_(directory),
      wallet_ids_(std::make_shared<ReadBatcher<domain::Id, domain::Id>>(
          pool, config.request_timeout,
          [kind = config.database.kind](soci::session& session,
                                        const std::vector<domain::Id>& users) {
            return storage::wallets_of_users(session, kind, users);
          })) {}

domain::Result<std::optional<domain::Id>> DatabaseDesk::read_wallet_of(domain::Id user) {
  auto promise = std::make_shared<std::promise<StorageOutcome<std::optional<domain::Id>>>>();
  auto future = promise->get_future();
  wallet_ids_->read(user, [promise](StorageOutcome<std::optional<domain::Id>> outcome) {
    promise->set_value(std::move(outcome));
  });
  // The batch is answered by --request-timeout (its gate); the margin covers the hand-off.
  if (future.wait_for(config_.request_timeout + std::chrono::seconds(1)) !=
      std::future_status::ready) {
    spdlog::warn("wallet lookup: the database did not answer in time");
    return domain::make_error(ErrorCode::unavailable, "the database did not answer in time");
  }
  auto outcome = future.get();
  if (outcome.value) return *outcome.value;
  try {
    std::rethrow_exception(outcome.error);
  } catch (const std::exception& error) {
    return storage_error("wallet lookup", error);
  }
}

PaymentTarget DatabaseDesk::target_in_memory(domain::Id user, domain::Id reservation,
                                             domain::Id token_wallet) {
  PaymentTarget target;
  target.schedule = board_.schedule_of_reservation(reservation);
  target.wallet = token_wallet != 0 ? std::optional<domain::Id>(token_wallet) : known_wallet(user);
  return target;
}

std::optional<PaymentTarget> DatabaseDesk::payment_target_now(domain::Id user,
                                                              domain::Id reservation,
                                                              domain::Id token_wallet) {
  auto target = target_in_memory(user, reservation, token_wallet);
  if (target.schedule == 0 || !target.wallet) return std::nullopt;
  return target;
}

domain::Result<PaymentTarget> DatabaseDesk::payment_target(domain::Id user, domain::Id reservation,
                                                           domain::Id token_wallet) {
  auto target = target_in_memory(user, reservation, token_wallet);
  if (target.schedule != 0) {  // the wallet alone: in a batch with other payers' lookups
    const auto wallet = read_wallet_of(user);
    if (!wallet.ok()) return wallet.error();
    target.wallet = wallet.value();
    if (target.wallet) remember_wallet(user, *target.wallet);
    return target;
  }
  auto found = call_storage(
      pool_, "payment lookup", config_.request_timeout,
      [kind = config_.database.kind, user, reservation, target](soci::session& session) {
        auto out = target;
        storage::ScheduleRepository schedules(session, kind);
        if (out.schedule == 0) {
          const auto record = schedules.find_reservation(reservation);
          if (record) out.schedule = record->schedule;
        }
        if (!out.wallet) out.wallet = schedules.wallet_of(user);
        return out;
      });
  if (found.ok() && found->wallet) remember_wallet(user, *found->wallet);
  return found;
}

domain::Result<std::optional<domain::PaymentReceipt>> DatabaseDesk::payment_replay(
    domain::Id user, const std::string& idempotency_key, domain::Id reservation) {
  return call_storage(
      pool_, "payment replay", config_.request_timeout,
      [kind = config_.database.kind, user, key = idempotency_key,
       reservation](soci::session& session) {
        return storage::PaymentRepository(session, kind).replay(user, key, reservation);
      });
}

domain::Result<domain::Done> DatabaseDesk::ping() {
  return call_storage(pool_, "readiness check", std::chrono::seconds(1),
                      [](soci::session& session) {
                        int one = 0;
                        session << "SELECT 1", soci::into(one);
                        return domain::Done{};
                      });
}

}  // namespace boxoffice::actors

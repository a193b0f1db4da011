#include "actors/entity_directory.hpp"

#include "actors/storage_call.hpp"
#include "storage/catalog_repository.hpp"

namespace boxoffice::actors {
namespace {

KnownIds::Loader ids_of(const config::Config& config, storage::WorkerPool& pool,
                        storage::IdTable table, const char* what) {
  return [kind = config.database.kind, timeout = config.request_timeout, &pool, table,
          what](domain::Id from) {
    return call_storage(pool, what, timeout, [kind, table, from](soci::session& session) {
      return storage::CatalogRepository(session, kind).ids_from(table, from);
    });
  };
}

}  // namespace

EntityDirectory::EntityDirectory(const config::Config& config, storage::WorkerPool& pool)
    : wallets_(ids_of(config, pool, storage::IdTable::wallets, "read wallet ids")),
      schedules_(ids_of(config, pool, storage::IdTable::schedules, "read schedule ids")) {}

}  // namespace boxoffice::actors

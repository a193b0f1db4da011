#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <vector>

#include "domain/id_set.hpp"
#include "domain/result.hpp"

namespace boxoffice::actors {

// Which ids of one kind (wallets, schedules) exist, so that a request naming one that does
// not is refused from memory: no database read per request and no actor started for it.
//
// Ids come from the database in ascending order, so everything below the highest id seen is
// known, except gaps: an id taken by a transaction that has not committed yet (or rolled
// back). A gap stays "pending" (a request for it reads again) until `gap_settle` has passed
// or `pending_span` newer ids were seen. An id above the highest one seen was maybe created
// through another node: it is read again. Reads are coalesced: one at a time, each serving
// every request that arrived before it started, and at most one per `min_read_gap`, so
// made-up ids cost a bounded number of reads (about 1 / min_read_gap per second), never one
// each.
class KnownIds {
 public:
  // The ids >= `from` that exist now, ascending.
  using Loader = std::function<domain::Result<std::vector<domain::Id>>(domain::Id from)>;
  struct Options {
    std::chrono::milliseconds min_read_gap{50};
    std::chrono::milliseconds gap_settle{60'000};
    domain::Id pending_span = 4096;
  };

  explicit KnownIds(Loader loader) : KnownIds(std::move(loader), Options{}) {}
  KnownIds(Loader loader, Options options) : loader_(std::move(loader)), options_(options) {}

  // Whether `id` exists; UNAVAILABLE (the loader's error) when it had to be read and the
  // read failed.
  domain::Result<bool> exists(domain::Id id);
  // What memory says of `id` without a read: none when exists() would read (or wait for one).
  std::optional<bool> exists_now(domain::Id id) const;
  // An id this node just created.
  void add(domain::Id id);
  // How many reads the loader was asked for.
  std::uint64_t reads() const;

 private:
  using Time = std::chrono::steady_clock::time_point;

  bool known_absent(domain::Id id) const;
  void read(std::unique_lock<std::shared_mutex>& lock);
  void apply(const std::vector<domain::Id>& ids, Time now);
  void settle_gaps(Time now);

  const Loader loader_;
  const Options options_;

  // Shared for the answers memory gives (every request for an id that exists), exclusive
  // around reads of the list.
  mutable std::shared_mutex mutex_;
  std::condition_variable_any read_done_;
  domain::IdSet ids_;
  domain::Id next_unseen_ = 1;               // every id below it is known or a gap
  std::map<domain::Id, Time> pending_gaps_;  // gap -> when it was first seen
  bool reading_ = false;
  std::uint64_t reads_started_ = 0;
  std::uint64_t reads_done_ = 0;
  Time last_read_start_{};
  std::optional<domain::Error> last_failure_;  // of the latest read
};

}  // namespace boxoffice::actors

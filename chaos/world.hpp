#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace boxoffice::chaos {

struct ChaosUser {
  std::int64_t user = 0;
  std::int64_t wallet = 0;
};

// What the load believes about each seat of one schedule (from seat maps and answers); only
// steers the choice of seats, never an invariant.
class SeatBoard {
 public:
  enum Mark : std::uint8_t { available = 0, held = 1, sold = 2 };
  explicit SeatBoard(int seats) : marks_(static_cast<std::size_t>(seats)) {}
  int seats() const { return static_cast<int>(marks_.size()); }
  void mark(int seat, Mark mark);
  Mark get(int seat) const;
  // One of the `hot` lowest-numbered seats not known taken (everybody wants the front rows);
  // a random seat when none is left.
  int pick_hot(int hot, std::mt19937_64& rng) const;
  // A random seat not known taken (a few tries), else any seat.
  int pick_any(std::mt19937_64& rng) const;

 private:
  std::vector<std::atomic<std::uint8_t>> marks_;
};

struct ChaosSchedule {
  std::int64_t id = 0;
  int seats = 0;
  std::shared_ptr<SeatBoard> board;
};

// Everything the setup created; shared read-only by workers, the prober and the checks.
struct World {
  // Where the load goes: HTTP host:port per node, or the balancer's one address.
  std::vector<std::string> addresses;
  std::vector<std::string> nodes;      // HTTP host:port per node (failover probes)
  std::vector<ChaosUser> users;        // load users
  std::vector<ChaosUser> probe_users;  // failover probes only
  std::int64_t concert = 0;
  std::vector<ChaosSchedule> schedules;
  std::int64_t price = 0;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  double elapsed_s() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  }
};

}  // namespace boxoffice::chaos

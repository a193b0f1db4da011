// Bytes per WAITING token held by each in-memory structure of the waiting room: the queue
// actor's WaitingRoom and the published QueueReadModel (issue 13: memory per token). Counts
// the heap in use (mallinfo2: arena chunks and mmapped blocks), not RSS, so it is exact and quiet.
// Prints numbers only.
//   bench/queue_memory [tokens]   (default 1,000,000)
#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "domain/queue_read_model.hpp"
#include "domain/waiting_room.hpp"

namespace {

// Arena chunks in use plus mmapped blocks (large vectors).
std::size_t heap_in_use() {
  const auto info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace boxoffice::domain;
  const long long n = argc > 1 ? std::atoll(argv[1]) : 1'000'000;
  const TimeMs now = 2'000'000'000'000;
  const auto per = [n](std::size_t before, std::size_t after) {
    return static_cast<double>(after - before) / static_cast<double>(n);
  };

  auto start = heap_in_use();
  std::vector<QueueToken> live;
  live.reserve(static_cast<std::size_t>(n));
  for (long long i = 1; i <= n; ++i) {
    QueueToken token;
    token.token = new_token_text();
    token.user = i;
    token.seq = i;
    token.issued_at = now;
    token.last_seen_at = now;
    live.push_back(std::move(token));
  }
  auto loaded = heap_in_use();
  std::printf("%lld WAITING tokens\n", n);
  std::printf("  as loaded (vector<QueueToken>): %.0f B/token\n", per(start, loaded));

  WaitingRoom room(QueuePolicy{100, 600'000, 3'600'000});
  room.restore(live, n, now);
  const auto with_room = heap_in_use();
  std::printf("  WaitingRoom (the queue actor):   %.0f B/token\n", per(loaded, with_room));

  const auto model = QueueReadModel::of(live, 1);
  const auto with_model = heap_in_use();
  std::printf("  QueueReadModel (the readers):    %.0f B/token\n", per(with_room, with_model));

  live.clear();
  live.shrink_to_fit();
  const auto kept = heap_in_use();
  std::printf("  kept after the load:             %.0f B/token\n", per(start, kept));
  return model.size() == static_cast<std::size_t>(n) && room.waiting_count() == n ? 0 : 1;
}

// The schedule actor's published seat map (snapshot_board.hpp): a commit builds anew only the
// chunks of seats it changed and shares the rest with the previous version, so publishing costs
// the same on a 100,000-seat schedule as on a 50-seat one.
#include <algorithm>
#include <limits>

#include "actors/schedule_writes.hpp"

namespace boxoffice::actors::schedule {

namespace {

std::shared_ptr<const SeatChunk> make_chunk(const domain::SeatMap& map, std::size_t index) {
  auto chunk = std::make_shared<SeatChunk>();
  const auto& seats = map.seats();
  const auto begin = index * domain::SeatMap::kChunkSeats;
  const auto end = std::min(seats.size(), begin + domain::SeatMap::kChunkSeats);
  chunk->stale_at = std::numeric_limits<domain::TimeMs>::max();
  chunk->seats.reserve(end - begin);
  for (auto i = begin; i < end; ++i) {
    auto seat = seats[i];
    if (seat.status == domain::SeatStatus::held)
      chunk->stale_at = std::min(chunk->stale_at, seat.held_until);
    if (seat.status == domain::SeatStatus::paying) seat.status = domain::SeatStatus::held;
    if (seat.status == domain::SeatStatus::available) ++chunk->available;
    chunk->seats.push_back(seat);
  }
  return chunk;
}

}  // namespace

// Publishes the committed seat map for reads that skip the mailbox: the chunks changed since
// the last version are built anew, the others shared with it.
void publish(ScheduleActor* self, EntityContext* context) {
  auto& state = self->state;
  auto& map = state.map;
  auto changed = map.take_changed_chunks();
  auto snapshot = std::make_shared<SeatMapSnapshot>();
  const auto& spec = map.schedule().spec;
  snapshot->schedule = map.schedule().id;
  snapshot->concert = spec.concert_id;
  snapshot->starts_at = spec.starts_at;
  snapshot->opens_at = spec.booking_opens_at;
  snapshot->closes_at = spec.booking_closes_at;
  snapshot->seat_count = spec.seat_count;
  snapshot->owner = self->id();
  const auto& previous = state.published;
  if (previous && previous->chunks.size() == map.chunk_count()) {
    snapshot->chunks = previous->chunks;
    for (const auto index : changed) snapshot->chunks[index] = make_chunk(map, index);
  } else {
    snapshot->chunks.resize(map.chunk_count());
    for (std::size_t index = 0; index < map.chunk_count(); ++index)
      snapshot->chunks[index] = make_chunk(map, index);
  }
  snapshot->stale_at = std::numeric_limits<domain::TimeMs>::max();
  for (const auto& chunk : snapshot->chunks) {
    snapshot->stale_at = std::min(snapshot->stale_at, chunk->stale_at);
    snapshot->available += chunk->available;
  }
  state.published = snapshot;
  context->board.publish_seat_map(std::move(snapshot));
}

}  // namespace boxoffice::actors::schedule

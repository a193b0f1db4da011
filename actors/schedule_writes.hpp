#pragma once

// Internal to the schedule actor (schedule_actor.cpp, schedule_writes.cpp, seat_map_publish.cpp).
#include <functional>
#include <string>

#include "actors/schedule_actor.hpp"

namespace boxoffice::actors::schedule {

caf::error domain_error(domain::ErrorCode code, const std::string& detail);
caf::error unavailable();
void count_holds(ScheduleActor* self, EntityContext* context, std::int64_t delta);

// Publishes the committed seat map for reads that skip the mailbox.
void publish(ScheduleActor* self, EntityContext* context);
// Queues a live hold's deadline (and arms the expire_atom if it is the earliest).
void arm_expiry(ScheduleActor* self, EntityContext* context, const domain::Seat& seat);
// The expire_atom: releases every queued hold whose deadline passed, arms the next.
void expire_passed(ScheduleActor* self, EntityContext* context);
// Queues the release of a passed hold (unless a new hold of the seat will replace it).
void release_if_passed(ScheduleActor* self, EntityContext* context, std::int32_t number,
                       domain::Id reservation);
// Reloads the seat map from the database, then runs `then`.
void reload(ScheduleActor* self, EntityContext* context, const std::function<void()>& then);
// Starts the next coalesced write unless one is in flight.
void write_next(ScheduleActor* self, EntityContext* context);
// Decides a hold request on committed state: answers it (existing hold, refusal), makes it
// wait for a pending hold of the seat by another user, or queues it for the next write.
void request_hold(ScheduleActor* self, EntityContext* context, QueuedHold hold);
// Answers 503 to every queued write whose deadline passed (never written) and arms the
// next sweep while writes wait.
void sweep(ScheduleActor* self, EntityContext* context);

}  // namespace boxoffice::actors::schedule

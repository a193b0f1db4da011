#pragma once

#include <string>

namespace boxoffice::storage {

// PostgreSQL: `boxoffice_hold_batch(...) RETURNS TEXT`, the writes of one schedule batch (its
// releases, then its holds) in one call: one statement, so one round trip that is also its
// COMMIT (schedule_batch_call.cpp). Any seat not at the version the actor decided on raises
// SQLSTATE BXH01 and nothing of the batch is written. Answers the new reservations' ids,
// comma-separated, in the order of the holds.
const std::string& hold_batch_function_sql();

// The SQLSTATE the function raises when a seat moved on (another writer): reload.
inline constexpr const char* kHoldBatchConflictState = "BXH01";

}  // namespace boxoffice::storage

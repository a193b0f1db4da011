#pragma once

#include <stdexcept>

namespace boxoffice::storage {

// How a deadline-bound write ended when it did not simply commit or fail (commit_gate.hpp).

// The deadline passed while the write was queued or before its COMMIT was sent: it was
// dropped or rolled back, nothing was written. Answer 503.
struct DeadlinePassed : std::runtime_error {
  DeadlinePassed()
      : std::runtime_error("the request's deadline passed before its COMMIT; nothing was written") {
  }
};

// The connection broke while COMMIT was in flight and the write, looked up by its request id
// on a new connection (after the old one's server process was gone), is not in the database.
// Answer 503: nothing was written.
struct NotCommitted : std::runtime_error {
  NotCommitted()
      : std::runtime_error(
            "the connection broke during COMMIT and the write is not in the database") {}
};

// COMMIT was sent and the database neither confirmed nor refused it within the commit wait,
// or the write could not be looked up. It may or may not have happened: answer 504.
struct OutcomeUnknown : std::runtime_error {
  OutcomeUnknown()
      : std::runtime_error("the database did not confirm or refuse the COMMIT in time") {}
};

}  // namespace boxoffice::storage

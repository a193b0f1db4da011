#pragma once

#include <string>

#include "domain/clock.hpp"

namespace boxoffice::domain {

// What every write carries from the HTTP request down to its storage job: its own request
// id (unique per write, stored with the rows it writes so that its outcome can be looked up)
// and its deadline. A write still queued at its deadline is dropped; a transaction whose
// deadline passes before COMMIT is sent rolls back. Both are answered 503: nothing changed.
struct WriteTag {
  std::string request_id;
  TimeMs deadline = 0;  // wall-clock ms since the epoch (it crosses the network)

  bool passed(TimeMs now) const { return deadline != 0 && now >= deadline; }
};

// Wall-clock ms for deadlines. Never the injected domain::Clock: tests move that one by hand
// for hold and token expiry, deadlines are real time.
inline TimeMs wall_clock_ms() {
  return SystemClock().now_ms();
}

// Whether `id` may be stored and embedded in SQL as a literal: 1 to 96 characters from
// [A-Za-z0-9._:-]. Request ids are built from such characters only (see make_request_id).
bool safe_request_id(const std::string& id);

// A request id unique to one write: the HTTP request id (its safe characters, shortened) for
// the logs, then 16 random hex digits, e.g. "4f2a9c.7d0e5b18a9c34f21".
std::string make_request_id(const std::string& http_request_id);

}  // namespace boxoffice::domain

#pragma once

#include <caf/all.hpp>
#include <chrono>
#include <cstdint>
#include <string>

#include "actors/messages.hpp"

namespace boxoffice::actors {

// An entity actor's idle clock without a CAF receive timeout: CAF re-arms a receive timeout
// on its clock thread after every activation of the actor, a wake-up of that thread per
// request under load. Here one idle_atom is on its way per --entity-idle-timeout, carrying
// the count of requests seen when it was sent: the actor is idle when none came since, so it
// passivates between one and two idle timeouts after its last request.
class IdleWatch {
 public:
  // Counted by the actor's request handlers.
  void saw_request() { ++requests_; }

  template <class Actor>
  void arm(Actor* self, std::chrono::milliseconds every) {
    self->delayed_send(self, every, idle_atom::value, requests_);
  }

  // At an idle_atom: true if no request came since it was armed.
  bool idle_since(std::uint64_t requests_then) const { return requests_ == requests_then; }

 private:
  std::uint64_t requests_ = 0;
};

// Asks the router to forget `self` (an entity actor whose state has `idle` and `stopping`).
// Forgotten: the actor is stopping and `stop` runs (it quits now, or once its writes are
// done); not (the router moved on meanwhile) or no answer: it looks again an idle timeout
// later.
template <class Actor, class Stop>
void ask_to_passivate(Actor* self, const caf::actor& router, std::chrono::milliseconds every,
                      std::string key, Stop stop) {
  self->request(router, caf::infinite, passivate_atom::value, std::move(key))
      .then(
          [self, every, stop](bool forgotten) {
            if (!forgotten) {
              self->state.idle.arm(self, every);
              return;
            }
            self->state.stopping = true;
            stop();
          },
          [self, every](caf::error&) { self->state.idle.arm(self, every); });
}

}  // namespace boxoffice::actors

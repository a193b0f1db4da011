#include "storage/commit_gate.hpp"

namespace boxoffice::storage {
namespace {

thread_local CommitGate* current_gate = nullptr;

}  // namespace

bool CommitGate::start() {
  int expected = kQueued;
  return state_.compare_exchange_strong(expected, kRunning);
}

bool CommitGate::begin_commit(domain::TimeMs now) {
  if (now >= deadline_) return false;
  int expected = kRunning;
  return state_.compare_exchange_strong(expected, kCommitting);
}

bool CommitGate::claim() {
  int state = state_.load();
  while (state == kRunning || state == kCommitting)
    if (state_.compare_exchange_weak(state, kAnswered)) return true;
  return false;
}

CommitGate::Lapse CommitGate::lapse(domain::TimeMs now) {
  int state = state_.load();
  while (true) {
    if ((state == kQueued || state == kRunning) && now >= deadline_) {
      if (state_.compare_exchange_weak(state, kAnswered)) return Lapse::expired;
    } else if (state == kCommitting && now >= verdict_deadline_) {
      if (state_.compare_exchange_weak(state, kAnswered)) return Lapse::unknown;
    } else {
      return Lapse::none;
    }
  }
}

CommitGate* CommitGate::current() {
  return current_gate;
}

CommitGate::Scope::Scope(CommitGate* gate) : previous_(current_gate) {
  current_gate = gate;
}

CommitGate::Scope::~Scope() {
  current_gate = previous_;
}

}  // namespace boxoffice::storage

#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "chaos/latency_histogram.hpp"

namespace boxoffice::chaos {

// Counts and latencies of one operation kind ("hold", "pay", ...). Every attempt is counted
// under its answer's label; a request retried on another node counts once in requests_.
struct OpStats {
  std::map<std::string, std::uint64_t> by_label;
  LatencyHistogram latency;
  std::uint64_t requests = 0;
  std::uint64_t attempts = 0;
  std::uint64_t retried = 0;     // requests that needed another attempt
  std::uint64_t retried_ok = 0;  // ... and then got a 2xx
  void merge(const OpStats& other);
};

// What the service acknowledged (2xx) to the tool; the invariants look for all of it.
struct AckCharge {
  std::int64_t wallet = 0, user = 0, amount = 0, balance = 0;
  std::string key;         // Idempotency-Key, "" when sent without
  bool after_503 = false;  // acknowledged by another node after a 503 for the same request
};
struct UnknownCharge {  // no answer, or 504: it may or may not have happened
  std::int64_t wallet = 0, amount = 0;
  std::string key;
};
using RefusedCharge = UnknownCharge;  // answered 503 on every attempt: nothing was charged
struct AckHold {
  std::int64_t reservation = 0, schedule = 0, user = 0;
  int seat = 0;
};
struct AckPayment {
  std::int64_t payment = 0, reservation = 0, user = 0, schedule = 0, amount = 0;
  int seat = 0;
  std::string key;
};
struct FailedAttempt {  // any 5xx answer or a transport error
  double sent_s = 0;    // when the attempt was sent
  double at_s = 0;      // when its answer (or the transport error) came
  std::string op, label;
};
struct BadAnswer {  // 500, another 5xx, or 503 without Retry-After
  double at_s = 0;
  int node = 0;
  std::string op, label, detail;
};

struct RunRecord {
  std::map<std::string, OpStats> ops;
  std::vector<AckCharge> charges;
  std::vector<UnknownCharge> unknown_charges;
  std::vector<RefusedCharge> refused_charges;
  // Cancels answered 503 (on every attempt before the last): those attempts changed nothing.
  std::vector<std::int64_t> refused_cancels;
  std::vector<AckHold> holds;
  std::vector<AckPayment> payments;
  std::vector<std::int64_t> cancels;
  std::vector<BadAnswer> bad_answers;  // first 50 kept
  std::uint64_t bad_answer_count = 0;
  std::vector<FailedAttempt> failed;       // every attempt that failed (a balancer must have none)
  std::vector<std::string> active_tokens;  // tokens last seen ACTIVE when the load stopped
  void merge(RunRecord&& other);
};

}  // namespace boxoffice::chaos

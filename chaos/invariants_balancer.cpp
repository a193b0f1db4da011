// Behind a balancer (--balancer): no request fails, except while a killed node has not been
// taken out yet; what failed then is counted per kill, as numbers.
#include <fmt/format.h>

#include "chaos/invariants.hpp"

namespace boxoffice::chaos {
namespace {

// Whether `attempt` was in flight while `fault` was handled (signal to recovered): sent
// before it was over and answered after it began. A write sent to a node just before it was
// killed is answered only at its deadline (its outcome is told then, docs/adr-004), long
// after the node was taken out: that failure is the kill's.
bool overlaps(const FailedAttempt& attempt, const FaultRecord& fault) {
  return attempt.sent_s <= fault.until_s && attempt.at_s >= fault.at_s;
}

// The fault whose handling overlapped `attempt`, if any (a kill first: its failures are
// counted, not refused).
const FaultRecord* fault_of(const std::vector<FaultRecord>& timeline,
                            const FailedAttempt& attempt) {
  const FaultRecord* found = nullptr;
  for (const auto& fault : timeline) {
    if (!overlaps(attempt, fault)) continue;
    if (fault.kind == FaultKind::kill) return &fault;
    if (!found) found = &fault;
  }
  return found;
}

}  // namespace

void attribute_failures(const RunRecord& record, std::vector<FaultRecord>& timeline) {
  for (auto& fault : timeline) {
    std::optional<double> first, last;
    fault.failed = 0;
    for (const auto& attempt : record.failed) {
      if (!overlaps(attempt, fault)) continue;
      ++fault.failed;
      if (!first || attempt.at_s < *first) first = attempt.at_s;
      if (!last || attempt.at_s > *last) last = attempt.at_s;
    }
    if (first) fault.failing_s = *last - *first;
  }
}

std::vector<Verdict> check_balancer(const CheckInputs& in) {
  Violations failed, internal;
  std::size_t during_kills = 0;
  for (const auto& attempt : in.record.failed) {
    const auto* fault = fault_of(in.timeline, attempt);
    const auto line =
        fmt::format("{} got {} at {:.1f} s{}", attempt.op, attempt.label, attempt.at_s,
                    fault ? fmt::format(" ({} of node {} at {:.1f} s)", to_string(fault->kind),
                                        fault->node, fault->at_s)
                          : "");
    if (attempt.label.rfind("500", 0) == 0) internal.add(line);
    if (fault && fault->kind == FaultKind::kill)
      ++during_kills;
    else
      failed.add(line);
  }
  return {failed.verdict("no failed request through the balancer (no 5xx, no transport error) "
                         "but while a killed node was not yet taken out",
                         fmt::format("none ({} during kill -9, counted per fault)", during_kills)),
          internal.verdict("no 500 answer", "none")};
}

}  // namespace boxoffice::chaos

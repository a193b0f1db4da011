// Behind a balancer (--balancer): no request fails, except while a killed node has not been
// taken out yet; what failed then is counted per kill, as numbers.
#include <fmt/format.h>

#include "chaos/invariants.hpp"

namespace boxoffice::chaos {
namespace {

// The fault whose handling was under way at `at_s` (signal to recovered), if any.
const FaultRecord* fault_at(const std::vector<FaultRecord>& timeline, double at_s) {
  for (const auto& fault : timeline)
    if (at_s >= fault.at_s && at_s <= fault.until_s) return &fault;
  return nullptr;
}

}  // namespace

void attribute_failures(const RunRecord& record, std::vector<FaultRecord>& timeline) {
  for (auto& fault : timeline) {
    std::optional<double> first, last;
    fault.failed = 0;
    for (const auto& attempt : record.failed) {
      if (attempt.at_s < fault.at_s || attempt.at_s > fault.until_s) continue;
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
    const auto* fault = fault_at(in.timeline, attempt.at_s);
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

#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "chaos/fault_runner.hpp"
#include "chaos/flags.hpp"
#include "chaos/invariants.hpp"
#include "chaos/run_record.hpp"

namespace boxoffice::chaos {

struct RunSummary {
  const Options& options;
  const RunRecord& record;
  const std::vector<FaultRecord>& timeline;
  const std::vector<Verdict>& verdicts;
  double load_s = 0;
  std::string schema;
  std::string error;  // the run could not finish (setup failure, ...)
};

bool all_pass(const RunSummary& summary);
// The human report: operations table, fault timeline, invariant verdicts.
void print_report(std::ostream& out, const RunSummary& summary);
nlohmann::json report_json(const RunSummary& summary);

}  // namespace boxoffice::chaos

#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "chaos/flags.hpp"
#include "chaos/http_api.hpp"
#include "chaos/world.hpp"

namespace boxoffice::chaos {

// Failover probes: through one node, read entities of every kind (wallets spread over the id
// range, queue tokens, and the seat map of every schedule when a probe token is ACTIVE).
// A probe passes when all of them answer 200.
class Prober {
 public:
  Prober(const Options& options, const World& world);
  // Issues the probe users' tokens (before the load, so they are ACTIVE at once).
  void prepare();
  // One probe through node i; on failure `failure` names the read that failed.
  bool probe(int node, std::string& failure);
  // Probes until each of `nodes` passed once; seconds since `since`, nullopt past max_s.
  std::optional<double> until_all_pass(const std::vector<int>& nodes,
                                       std::chrono::steady_clock::time_point since, double max_s,
                                       std::string& failure);
  // An ACTIVE probe token (for reads after the load), "" when none is ACTIVE.
  // `candidates` are tried after the probe tokens.
  std::string active_token(const std::vector<std::string>& candidates = {});
  // The first failures of the last until_all_pass, and how many were 503 answers.
  const std::vector<std::string>& failures() const { return failures_; }
  int answered_503() const { return answered_503_; }
  // Kinds the last probe covered ("wallet+token+schedule" or "wallet+token").
  const std::string& kinds() const { return kinds_; }

 private:
  ApiReply get(int node, const std::string& path, const std::string& token = "");
  void renew_tokens(int node);

  const Options& options_;
  const World& world_;
  NodeClients clients_;
  std::vector<ChaosUser> wallets_;
  std::vector<std::string> tokens_;  // per probe user, "" when none
  std::string kinds_;
  std::vector<std::string> failures_;
  int answered_503_ = 0;
};

}  // namespace boxoffice::chaos

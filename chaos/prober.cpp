#include "chaos/prober.hpp"

#include <thread>

namespace boxoffice::chaos {

Prober::Prober(const Options& options, const World& world)
    : options_(options), world_(world), clients_(world.nodes, 1.0) {
  wallets_ = world.probe_users;
  const std::size_t step = std::max<std::size_t>(1, world.users.size() / 8);
  for (std::size_t i = 0; i < world.users.size() && wallets_.size() < 16; i += step)
    wallets_.push_back(world.users[i]);
  tokens_.resize(world.probe_users.size());
}

ApiReply Prober::get(int node, const std::string& path, const std::string& token) {
  return clients_.send(node, {"GET", path, "", token, "", ""});
}

void Prober::prepare() {
  for (int attempt = 0; attempt < 3; ++attempt) renew_tokens(attempt % clients_.size());
}

void Prober::renew_tokens(int node) {
  for (std::size_t i = 0; i < tokens_.size(); ++i) {
    if (!tokens_[i].empty()) continue;
    const auto reply = clients_.send(
        node, {"POST", "/api/v1/queue/tokens",
               nlohmann::json{{"userId", world_.probe_users[i].user}}.dump(), "", "", ""});
    if (reply.ok() && reply.body.contains("token")) tokens_[i] = reply.body["token"];
  }
}

bool Prober::probe(int node, std::string& failure) {
  const std::string where = " via node " + std::to_string(node + 1);
  for (const auto& w : wallets_) {
    const auto reply = get(
        node, "/api/v1/wallets/" + std::to_string(w.wallet) + "?userId=" + std::to_string(w.user));
    if (reply.status != 200) {
      failure = "GET wallet " + std::to_string(w.wallet) + where + ": " + reply.label();
      return false;
    }
  }
  std::string active;
  bool renew = false;
  for (auto& token : tokens_) {
    if (token.empty()) {
      renew = true;
      continue;
    }
    const auto reply = get(node, "/api/v1/queue/tokens/me", token);
    if (reply.status != 200) {
      failure = "GET token" + where + ": " + reply.label();
      return false;
    }
    const auto status = reply.body.value("status", "");
    if (status == "ACTIVE" && active.empty()) active = token;
    if (status == "EXPIRED" || status == "COMPLETED") {
      token.clear();
      renew = true;
    }
  }
  if (renew) renew_tokens(node);
  kinds_ = "wallet+token";
  if (active.empty()) return true;  // no ACTIVE probe token now: schedules not probed
  for (const auto& schedule : world_.schedules) {
    const auto reply =
        get(node, "/api/v1/schedules/" + std::to_string(schedule.id) + "/seats", active);
    if (reply.status != 200 && reply.code != "TOKEN_NOT_ACTIVE") {
      failure =
          "GET seats of schedule " + std::to_string(schedule.id) + where + ": " + reply.label();
      return false;
    }
  }
  kinds_ = "wallet+token+schedule";
  return true;
}

std::string Prober::active_token(const std::vector<std::string>& candidates) {
  std::vector<std::string> all = tokens_;
  all.insert(all.end(), candidates.begin(), candidates.end());
  for (const auto& token : all) {
    if (token.empty()) continue;
    for (int node = 0; node < clients_.size(); ++node) {
      const auto reply = get(node, "/api/v1/queue/tokens/me", token);
      if (reply.unavailable()) continue;
      if (reply.status == 200 && reply.body.value("status", "") == "ACTIVE") return token;
      break;
    }
  }
  return {};
}

std::optional<double> Prober::until_all_pass(const std::vector<int>& nodes,
                                             std::chrono::steady_clock::time_point since,
                                             double max_s, std::string& failure) {
  using clock = std::chrono::steady_clock;
  std::vector<int> pending = nodes;
  failures_.clear();
  answered_503_ = 0;
  while (true) {
    for (auto it = pending.begin(); it != pending.end();)
      if (probe(*it, failure)) {
        it = pending.erase(it);
      } else {
        if (failures_.size() < 3) failures_.push_back(failure);
        if (failure.find(": 503") != std::string::npos) ++answered_503_;
        ++it;
      }
    const double elapsed = std::chrono::duration<double>(clock::now() - since).count();
    if (pending.empty()) {
      failure.clear();
      return elapsed;
    }
    if (elapsed > max_s) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace boxoffice::chaos

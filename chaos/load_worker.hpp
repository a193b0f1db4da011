#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "chaos/flags.hpp"
#include "chaos/http_api.hpp"
#include "chaos/run_record.hpp"
#include "chaos/world.hpp"

namespace boxoffice::chaos {

// One load thread: a slice of the users, one keep-alive client per node, its own
// std::mt19937_64 seeded from seed + index. Drives the users' on-sale night until stopped.
class LoadWorker {
 public:
  LoadWorker(int index, const Options& options, const World& world, std::vector<int> users,
             const std::atomic<bool>& stop);
  void run();
  RunRecord take_record() { return std::move(record_); }

 private:
  enum class TokenState { none, waiting, active };
  enum class Retry { never, on_503, always };
  struct UserState {
    ChaosUser who;
    std::string token;
    TokenState state = TokenState::none;
    std::chrono::steady_clock::time_point next_poll{};
    std::int64_t reservation = 0;
    std::string pay_key;        // kept until the payment's outcome is known
    std::int64_t balance = -1;  // last balance the service reported (-1 unknown)
  };

  bool step();  // false when the chosen user had nothing to do now
  ApiReply call(const char* op, const ApiRequest& request, Retry retry);
  void forget_token(UserState& u);
  void on_token_refused(UserState& u, const ApiReply& reply);

  // operations.cpp
  void issue_token(UserState& u);
  void poll_token(UserState& u);
  void read_seats(UserState& u);
  void hold(UserState& u);
  void charge(UserState& u, std::int64_t at_least);
  void pay(UserState& u);
  void cancel(UserState& u);

  int index_;
  const Options& options_;
  const World& world_;
  const std::atomic<bool>& stop_;
  std::vector<UserState> users_;
  std::mt19937_64 rng_;
  NodeClients clients_;
  RunRecord record_;
  std::uint64_t keys_ = 0;
};

}  // namespace boxoffice::chaos

#include "chaos/load_worker.hpp"

#include <algorithm>
#include <thread>

namespace boxoffice::chaos {

LoadWorker::LoadWorker(int index, const Options& options, const World& world,
                       std::vector<int> users, const std::atomic<bool>& stop)
    : index_(index),
      options_(options),
      world_(world),
      stop_(stop),
      rng_(options.seed + static_cast<std::uint64_t>(index)),
      clients_(world.addresses, options.http_timeout_s) {
  for (const int u : users) {
    users_.emplace_back();
    users_.back().who = world.users.at(static_cast<std::size_t>(u));
  }
}

void LoadWorker::run() {
  using clock = std::chrono::steady_clock;
  // The on-sale moment: every user asks for a place in the waiting room at once.
  for (auto& u : users_) {
    if (stop_) return;
    issue_token(u);
  }
  const bool paced = options_.rate > 0;
  const auto interval = std::chrono::duration_cast<clock::duration>(
      std::chrono::duration<double>(paced ? options_.clients / options_.rate : 0.0));
  auto next = clock::now();
  int idle = 0;
  while (!stop_) {
    if (paced) {
      next += interval;
      if (next < clock::now() - std::chrono::seconds(1)) next = clock::now();  // no catch-up burst
      std::this_thread::sleep_until(next);
    }
    if (step()) {
      idle = 0;
    } else if (++idle >= static_cast<int>(users_.size())) {
      idle = 0;  // every user is waiting for its next poll
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  for (const auto& u : users_)
    if (u.state == TokenState::active) record_.active_tokens.push_back(u.token);
}

bool LoadWorker::step() {
  auto& u = users_[rng_() % users_.size()];
  const auto& mix = options_.mix;
  int pick = static_cast<int>(rng_() % static_cast<std::uint64_t>(mix.total()));
  enum { token, seats, hold_op, charge_op, pay_op, cancel_op } op = token;
  if ((pick -= mix.token) < 0)
    op = token;
  else if ((pick -= mix.seats) < 0)
    op = seats;
  else if ((pick -= mix.hold) < 0)
    op = hold_op;
  else if ((pick -= mix.charge) < 0)
    op = charge_op;
  else if ((pick -= mix.pay) < 0)
    op = pay_op;
  else
    op = cancel_op;

  // Fans top up before paying, not forever: a well-funded wallet looks at its token instead.
  if (op == charge_op &&
      (u.balance < 0 || u.balance < 4 * std::max<std::int64_t>(world_.price, 1))) {
    charge(u, 0);
    return true;
  }
  if (op == charge_op) op = token;
  if (u.state == TokenState::none) {
    issue_token(u);
    return true;
  }
  if (u.state == TokenState::waiting || op == token) {
    if (std::chrono::steady_clock::now() < u.next_poll) return false;
    poll_token(u);
    return true;
  }
  switch (op) {
    case seats: read_seats(u); break;
    case hold_op: u.reservation ? pay(u) : hold(u); break;
    case pay_op: u.reservation ? pay(u) : hold(u); break;
    default: u.reservation ? cancel(u) : hold(u); break;
  }
  return true;
}

ApiReply LoadWorker::call(const char* op, const ApiRequest& request, Retry retry) {
  auto& stats = record_.ops[op];
  ++stats.requests;
  const int nodes = clients_.size();
  int node = static_cast<int>(rng_() % static_cast<std::uint64_t>(nodes));
  const int max_attempts = std::max(8, 3 * nodes);
  const auto started = std::chrono::steady_clock::now();
  ApiReply reply;
  bool retried = false;
  int earlier_503 = 0, earlier_transport = 0;
  for (int attempt = 0; attempt < max_attempts; ++attempt) {
    if (attempt > 0) {
      earlier_503 += reply.status == 503;
      earlier_transport += reply.status == 0;
    }
    const double sent_s = world_.elapsed_s();
    reply = clients_.send(node, request);
    reply.earlier_503 = earlier_503;
    reply.earlier_transport = earlier_transport;
    ++stats.attempts;
    ++stats.by_label[reply.label()];
    if (reply.status == 0 || reply.status >= 500)
      record_.failed.push_back({sent_s, world_.elapsed_s(), op, reply.label()});
    // 503 must say when to retry; 504 OUTCOME_UNKNOWN is the truth when the server cannot tell.
    if (reply.status >= 500 && !(reply.status == 503 && reply.retry_after) &&
        !(reply.status == 504 && reply.code == "OUTCOME_UNKNOWN")) {
      ++record_.bad_answer_count;
      if (record_.bad_answers.size() < 50)
        record_.bad_answers.push_back({world_.elapsed_s(), node, op, reply.label(),
                                       request.method + " " + request.path + " -> " +
                                           (reply.body.is_null() ? "" : reply.body.dump())});
    }
    const bool may_retry = reply.unavailable() && (retry == Retry::always ||
                                                   (retry == Retry::on_503 && reply.status == 503));
    if (!may_retry || (stop_ && attempt > 0)) break;
    if (attempt == 0) ++stats.retried;
    retried = true;
    node = (node + 1) % nodes;  // the same request (same Idempotency-Key) on the next node
    if ((attempt + 1) % nodes == 0)
      std::this_thread::sleep_for(
          std::chrono::milliseconds(std::min(1000, 50 << std::min(attempt, 5))));
  }
  if (retried && reply.ok()) ++stats.retried_ok;
  stats.latency.record(
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
          .count());
  return reply;
}

void LoadWorker::forget_token(UserState& u) {
  u.token.clear();
  u.state = TokenState::none;
}

void LoadWorker::on_token_refused(UserState& u, const ApiReply& reply) {
  if (reply.status == 401)
    forget_token(u);
  else if (reply.status == 403 && reply.code == "TOKEN_NOT_ACTIVE") {
    u.state = TokenState::waiting;  // expired or still waiting: look at it
    u.next_poll = std::chrono::steady_clock::now();
  }
}

}  // namespace boxoffice::chaos

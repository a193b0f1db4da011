#include "chaos/active_sampler.hpp"

#include <spdlog/spdlog.h>

namespace boxoffice::chaos {

ActiveSampler::ActiveSampler(const ChaosDatabase& database, std::int64_t limit, double period_s)
    : database_(database), limit_(limit), period_s_(period_s) {}

ActiveSampler::~ActiveSampler() {
  stop();
}

void ActiveSampler::start(std::chrono::steady_clock::time_point epoch) {
  thread_ = std::thread([this, epoch] { loop(epoch); });
}

void ActiveSampler::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void ActiveSampler::loop(std::chrono::steady_clock::time_point epoch) {
  std::unique_ptr<soci::session> session;
  const auto period = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(period_s_));
  auto next = std::chrono::steady_clock::now();
  while (!stop_) {
    try {
      if (!session) session = database_.open();
      long long active = 0;
      const long long now = now_ms();
      *session
          << "SELECT COUNT(*) FROM queue_tokens WHERE status = 'ACTIVE' AND expires_at_ms > :now",
          soci::use(now), soci::into(active);
      ++samples_;
      max_ = std::max(max_, active);
      if (active > limit_) ++over_count_;
      if (active > limit_ && over_.size() < 100)
        over_.push_back(
            {std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch).count(),
             active});
    } catch (const std::exception& e) {
      if (errors_++ == 0) spdlog::warn("ACTIVE-token sampling failed: {}", e.what());
      session.reset();
    }
    next += period;
    std::this_thread::sleep_until(next);
  }
}

}  // namespace boxoffice::chaos

#include "domain/poll_pace.hpp"

#include <algorithm>

namespace boxoffice::domain {

std::int64_t poll_after_seconds(std::int64_t position, std::chrono::milliseconds idle_timeout) {
  const std::int64_t longest = std::max<std::int64_t>(
      1, std::chrono::duration_cast<std::chrono::seconds>(idle_timeout).count() / 2);
  const std::int64_t paced =
      (std::max<std::int64_t>(position, 1) + kFansPerPollSecond - 1) / kFansPerPollSecond;
  return std::clamp<std::int64_t>(paced, 1, longest);
}

}  // namespace boxoffice::domain

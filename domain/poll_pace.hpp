#pragma once

#include <chrono>
#include <cstdint>

namespace boxoffice::domain {

// How many seconds a WAITING fan at `position` should let pass before looking again (the
// contract's pollAfterSeconds). One second at the head of the line; further back the pause
// grows with the position, one second per kFansPerPollSecond places ahead; never above half
// the idle timeout, so a fan who follows the advice is never expired for not looking.
// The total poll rate of a line this gives is in docs/poll-pace.md.
inline constexpr std::int64_t kFansPerPollSecond = 100;

std::int64_t poll_after_seconds(std::int64_t position, std::chrono::milliseconds idle_timeout);

}  // namespace boxoffice::domain

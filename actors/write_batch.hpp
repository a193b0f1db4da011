#pragma once

#include <cstddef>

namespace boxoffice::actors {

// At most this many coalesced writes (charges, holds, ...) go into one transaction: the
// rest wait for the next, so one batch never holds its rows for long.
inline constexpr std::size_t kMaxWritesPerBatch = 512;

}  // namespace boxoffice::actors

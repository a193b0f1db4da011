#pragma once

#include "chaos/flags.hpp"
#include "chaos/world.hpp"

namespace boxoffice::chaos {

// Creates the run's users (each comes with a wallet), probe users, one concert and its
// schedules (booking open now) through the admin API of node 1. Throws naming the call that
// failed.
World set_up_world(const Options& options, const std::vector<std::string>& addresses);

}  // namespace boxoffice::chaos

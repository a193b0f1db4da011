#pragma once

#include <string>

#include "config/config.hpp"

namespace boxoffice::app {

void setup_logging(const std::string& level);

// Each returns the process exit status.
int run_migrate(const config::Config& config);
int run_seed_demo(const config::Config& config);
int run_serve(const config::Config& config);

}  // namespace boxoffice::app

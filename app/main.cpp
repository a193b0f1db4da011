// boxoffice serve | migrate | seed --demo: parse the command line, then hand over.
#include <iostream>

#include "app/commands.hpp"
#include "config/loader.hpp"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  auto outcome = boxoffice::config::load_config(args, boxoffice::config::process_environment());
  if (!outcome.config) {
    (outcome.exit_code == 0 ? std::cout : std::cerr)
        << outcome.message
        << (outcome.message.empty() || outcome.message.back() == '\n' ? "" : "\n");
    return outcome.exit_code;
  }
  const auto& config = *outcome.config;
  boxoffice::app::setup_logging(config.log_level);
  switch (config.command) {
    case boxoffice::config::Command::migrate: return boxoffice::app::run_migrate(config);
    case boxoffice::config::Command::seed_demo: return boxoffice::app::run_seed_demo(config);
    case boxoffice::config::Command::serve: return boxoffice::app::run_serve(config);
  }
  return 2;
}

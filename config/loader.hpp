#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace boxoffice::config {

// What the command line asked for: either a Config to run with, or text to print and an
// exit status (0 for --help/--version, 2 for any bad flag or value).
struct LoadOutcome {
  std::optional<Config> config;
  int exit_code = 0;
  std::string message;
};

using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// args excludes the program name. Precedence: flag > environment > --config file > default.
LoadOutcome load_config(const std::vector<std::string>& args, const EnvLookup& env);

EnvLookup process_environment();

}  // namespace boxoffice::config

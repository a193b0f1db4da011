#pragma once

// Small text checks the suites share.
#include <string>

namespace boxoffice::testing {

inline bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace boxoffice::testing

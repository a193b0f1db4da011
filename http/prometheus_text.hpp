#pragma once

#include <cstdint>
#include <string>

namespace boxoffice::http {

// Appends one metric without labels in Prometheus text format (HELP, TYPE, value).
inline void append_metric(std::string& out, const char* name, const char* type, const char* help,
                          std::int64_t value) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
         name + " " + std::to_string(value) + "\n";
}

}  // namespace boxoffice::http

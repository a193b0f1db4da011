#pragma once

#include <spdlog/fmt/fmt.h>
#include <memory>
#include <string>

#include "config/config.hpp"

namespace boxoffice::app {

// Lifecycle lines (listening, stopping, stopped) show at any log level but "off".
void announce_line(const std::string& line);
template <class... Args>
void announce(const char* format, Args&&... args) {
  announce_line(fmt::format(format, std::forward<Args>(args)...));
}

// One boxoffice process's services, assembled: storage workers, the actor runtime and the
// HTTP front. `boxoffice serve` runs one; tests run one in-process on a free port.
class Node {
 public:
  // Applies pending migrations first; throws std::runtime_error naming what failed.
  explicit Node(const config::Config& config);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  int bind();  // binds --listen; returns the port
  void run();  // serves until stop(); returns once requests in flight are answered
  // Hands the entities over (clustered), then stops HTTP; at once.
  void stop();
  // SIGTERM (docs/deploy.md): /readyz answers 503 from now on while requests are still
  // served for --drain-grace, then stop(). Returns at once; a second call stops now.
  void drain();
  bool is_running() const;
  int port() const;

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace boxoffice::app

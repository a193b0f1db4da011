// `boxoffice serve`: assemble a Node and serve until SIGTERM/SIGINT (drained for
// --drain-grace first), then exit 0.
#include <spdlog/spdlog.h>
#include <iostream>

#include "app/commands.hpp"
#include "app/node.hpp"
#include "app/shutdown_signals.hpp"

namespace boxoffice::app {

int run_serve(const config::Config& config) {
  ShutdownSignals signals;  // before any thread exists, so every thread inherits the mask
  std::unique_ptr<Node> node;
  try {
    node = std::make_unique<Node>(config);
    node->bind();
  } catch (const std::exception& error) {
    std::cerr << "boxoffice: " << error.what() << "\n";
    return 1;
  }
  // The first signal drains (docs/deploy.md), a second one ends the drain at once.
  signals.start([&node](int signal) {
    announce("received signal {}: stopping; finishing requests in flight", signal);
    node->drain();
  });
  node->run();
  signals.stop();
  node.reset();
  announce("stopped");
  return 0;
}

}  // namespace boxoffice::app

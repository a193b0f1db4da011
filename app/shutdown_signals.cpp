#include "app/shutdown_signals.hpp"

#include <pthread.h>
#include <csignal>
#include <ctime>

namespace boxoffice::app {
namespace {

sigset_t shutdown_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

ShutdownSignals::ShutdownSignals() {
  const sigset_t set = shutdown_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

ShutdownSignals::~ShutdownSignals() {
  stop();
}

void ShutdownSignals::stop() {
  done_ = true;
  if (waiter_.joinable()) waiter_.join();
}

void ShutdownSignals::start(std::function<void(int)> on_signal) {
  waiter_ = std::thread([this, on_signal = std::move(on_signal)] {
    const sigset_t set = shutdown_set();
    const timespec tick{0, 100'000'000};
    while (!done_) {
      const int signal = sigtimedwait(&set, nullptr, &tick);
      if (signal > 0) on_signal(signal);
    }
  });
}

}  // namespace boxoffice::app

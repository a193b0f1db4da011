#pragma once

#include <sys/types.h>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace boxoffice::testing {

// The real `boxoffice` executable (path compiled in by CMake).
std::string boxoffice_binary();

// A `boxoffice serve` child process. start() returns once the child logged the address it
// listens on (read from its stderr pipe), so no test sleeps to wait for it.
// It runs with BOXOFFICE_DRAIN_GRACE=0s unless the environment sets it (a --drain-grace
// flag wins): tests that stop a server want it stopped now.
class ServerProcess {
 public:
  explicit ServerProcess(std::vector<std::string> args);
  ~ServerProcess();  // kills the child if it still runs
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Throws std::runtime_error with the child's output when it exits or stays silent.
  void start(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  int port() const { return port_; }
  pid_t pid() const { return pid_; }

  // Waits until the child's output matches `pattern`; false on timeout or exit.
  bool wait_for_output(const std::string& pattern, std::chrono::milliseconds timeout);
  void signal(int signal_number);
  // Waits for the exit; returns the exit status, 128 + signal when killed, -1 on timeout.
  int wait_exit(std::chrono::milliseconds timeout);
  bool running() const { return pid_ > 0; }
  std::string output() const;

 private:
  void read_output();  // runs on reader_: the child never blocks on a full pipe

  std::vector<std::string> args_;
  pid_t pid_ = -1;
  int output_fd_ = -1;
  int port_ = 0;
  mutable std::mutex mutex_;
  std::condition_variable grew_;
  std::string output_;
  bool output_closed_ = false;
  std::thread reader_;
};

// Runs the binary to completion; returns exit status and captured stdout+stderr.
struct CommandResult {
  int exit_code = -1;
  std::string output;
};
CommandResult run_boxoffice(const std::vector<std::string>& args,
                            const std::vector<std::string>& env = {});

}  // namespace boxoffice::testing

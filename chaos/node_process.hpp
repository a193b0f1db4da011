#pragma once

#include <sys/types.h>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace boxoffice::chaos {

// One child process (a boxoffice node): fork/exec with stdout+stderr appended to a log file,
// in its own process group (a Ctrl-C at the terminal reaches only the chaos tool) and killed
// by the kernel if the tool dies (PR_SET_PDEATHSIG: start() must run on the main thread).
class NodeProcess {
 public:
  NodeProcess(std::string binary, std::vector<std::string> args, std::string log_path);
  ~NodeProcess();
  NodeProcess(const NodeProcess&) = delete;
  NodeProcess& operator=(const NodeProcess&) = delete;

  // Throws std::runtime_error naming the binary or log file on failure.
  void start();
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // Sends a signal to the running child; false if it is not running.
  bool signal(int signal_number);
  // Waits up to timeout for the child to exit; its exit code (128+signal when killed),
  // nullopt if it still runs.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  // SIGCONT + SIGTERM, then SIGKILL after the deadline; returns the exit code.
  int stop(std::chrono::milliseconds deadline);
  // Appends a line to the log file (the tool's marker between restarts).
  void log_marker(const std::string& line) const;
  const std::string& log_path() const { return log_path_; }

 private:
  std::string binary_;
  std::vector<std::string> args_;
  std::string log_path_;
  pid_t pid_ = -1;
};

}  // namespace boxoffice::chaos

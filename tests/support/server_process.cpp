#include "support/server_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <regex>
#include <stdexcept>
#include <thread>

namespace boxoffice::testing {
namespace {

std::vector<char*> argv_of(const std::string& binary, std::vector<std::string>& args) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  return argv;
}

// The test's environment plus BOXOFFICE_DRAIN_GRACE=0s unless it names one: a test that
// stops a server wants it stopped now (a flag still wins; the drain's own tests pass one).
std::vector<std::string> child_environment() {
  std::vector<std::string> env;
  bool grace = false;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    env.emplace_back(*entry);
    grace = grace || env.back().rfind("BOXOFFICE_DRAIN_GRACE=", 0) == 0;
  }
  if (!grace) env.emplace_back("BOXOFFICE_DRAIN_GRACE=0s");
  return env;
}

std::vector<char*> pointers_to(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& text : strings) out.push_back(text.data());
  out.push_back(nullptr);
  return out;
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::string boxoffice_binary() {
  // Another build (an older commit, say) to check that a test fails against it.
  if (const char* other = std::getenv("BOXOFFICE_TEST_BINARY")) return other;
  return BOXOFFICE_BINARY;
}

ServerProcess::ServerProcess(std::vector<std::string> args) : args_(std::move(args)) {}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (reader_.joinable()) reader_.join();
  if (output_fd_ >= 0) ::close(output_fd_);
}

void ServerProcess::read_output() {
  char buffer[4096];
  while (true) {
    const ssize_t n = ::read(output_fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    std::lock_guard<std::mutex> lock(mutex_);
    if (n <= 0) {
      output_closed_ = true;
      grew_.notify_all();
      return;
    }
    output_.append(buffer, static_cast<std::size_t>(n));
    grew_.notify_all();
  }
}

std::string ServerProcess::output() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return output_;
}

void ServerProcess::start(std::chrono::milliseconds timeout) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  const std::string binary = boxoffice_binary();
  auto args = args_;
  auto env = child_environment();
  auto envp = pointers_to(env);
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(pipe_fds[1], STDERR_FILENO);
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    auto argv = argv_of(binary, args);
    ::execve(binary.c_str(), argv.data(), envp.data());
    std::_Exit(127);
  }
  ::close(pipe_fds[1]);
  output_fd_ = pipe_fds[0];
  reader_ = std::thread([this] { read_output(); });
  const std::regex listening("listening on http://[^ ]+:([0-9]+)");
  std::unique_lock<std::mutex> lock(mutex_);
  std::smatch match;
  const bool found = grew_.wait_for(lock, timeout, [&] {
    return std::regex_search(output_, match, listening) || output_closed_;
  });
  if (found && !output_closed_) {
    port_ = std::stoi(match[1]);
    return;
  }
  const std::string seen = output_;
  lock.unlock();
  throw std::runtime_error(std::string("boxoffice ") +
                           (found ? "exited" : "did not report listening in time") +
                           " before listening:\n" + seen);
}

bool ServerProcess::wait_for_output(const std::string& pattern, std::chrono::milliseconds timeout) {
  const std::regex wanted(pattern);
  std::unique_lock<std::mutex> lock(mutex_);
  return grew_.wait_for(lock, timeout, [&] {
    return std::regex_search(output_, wanted) || output_closed_;
  }) && std::regex_search(output_, wanted);
}

void ServerProcess::signal(int signal_number) {
  if (pid_ > 0) ::kill(pid_, signal_number);
}

int ServerProcess::wait_exit(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  // The child closes its end of the pipe when it exits; then reap it.
  {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!grew_.wait_for(lock, timeout, [&] { return output_closed_; })) return -1;
  }
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return decode_status(status);
}

CommandResult run_boxoffice(const std::vector<std::string>& args,
                            const std::vector<std::string>& env) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  const std::string binary = boxoffice_binary();
  auto argv_storage = args;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(pipe_fds[1], STDERR_FILENO);
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    for (const auto& name : {"BOXOFFICE_LISTEN", "BOXOFFICE_DATABASE", "BOXOFFICE_CONFIG"})
      ::unsetenv(name);
    for (const auto& assignment : env) ::putenv(const_cast<char*>(assignment.c_str()));
    auto argv = argv_of(binary, argv_storage);
    ::execv(binary.c_str(), argv.data());
    std::_Exit(127);
  }
  ::close(pipe_fds[1]);
  CommandResult result;
  char buffer[4096];
  ssize_t n = 0;
  while ((n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0)
    result.output.append(buffer, static_cast<std::size_t>(n));
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = decode_status(status);
  return result;
}

}  // namespace boxoffice::testing

#include "support/server_process.hpp"

#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <regex>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace boxoffice::testing {
namespace {

std::vector<char*> argv_of(const std::string& binary, std::vector<std::string>& args) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  return argv;
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::string boxoffice_binary() { return BOXOFFICE_BINARY; }

ServerProcess::ServerProcess(std::vector<std::string> args) : args_(std::move(args)) {}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (stderr_fd_ >= 0) ::close(stderr_fd_);
}

void ServerProcess::start(std::chrono::milliseconds timeout) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  const std::string binary = boxoffice_binary();
  auto args = args_;
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(pipe_fds[1], STDERR_FILENO);
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    auto argv = argv_of(binary, args);
    ::execv(binary.c_str(), argv.data());
    std::_Exit(127);
  }
  ::close(pipe_fds[1]);
  stderr_fd_ = pipe_fds[0];
  ::fcntl(stderr_fd_, F_SETFL, O_NONBLOCK);
  const std::regex listening("listening on http://[^ ]+:([0-9]+)");
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    drain(std::chrono::milliseconds(100));
    std::smatch match;
    if (std::regex_search(output_, match, listening)) {
      port_ = std::stoi(match[1]);
      return;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      drain(std::chrono::milliseconds(0));
      throw std::runtime_error("boxoffice exited with " + std::to_string(decode_status(status)) +
                               " before listening:\n" + output_);
    }
  }
  throw std::runtime_error("boxoffice did not report listening in time:\n" + output_);
}

void ServerProcess::drain(std::chrono::milliseconds timeout) {
  pollfd poll_fd{stderr_fd_, POLLIN, 0};
  if (::poll(&poll_fd, 1, static_cast<int>(timeout.count())) <= 0) return;
  char buffer[4096];
  ssize_t n = 0;
  while ((n = ::read(stderr_fd_, buffer, sizeof buffer)) > 0) output_.append(buffer, static_cast<std::size_t>(n));
}

bool ServerProcess::wait_for_output(const std::string& pattern, std::chrono::milliseconds timeout) {
  const std::regex wanted(pattern);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (pid_ > 0 && std::chrono::steady_clock::now() < deadline) {
    if (std::regex_search(output_, wanted)) return true;
    drain(std::chrono::milliseconds(50));
  }
  return std::regex_search(output_, wanted);
}

void ServerProcess::signal(int signal_number) {
  if (pid_ > 0) ::kill(pid_, signal_number);
}

int ServerProcess::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (pid_ > 0) {
    int status = 0;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      pid_ = -1;
      drain(std::chrono::milliseconds(0));
      return decode_status(status);
    }
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    drain(std::chrono::milliseconds(20));  // keeps the pipe from filling while we wait
  }
  return -1;
}

CommandResult run_boxoffice(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  const std::string binary = boxoffice_binary();
  auto argv_storage = args;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(pipe_fds[1], STDERR_FILENO);
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    for (const auto& name : {"BOXOFFICE_LISTEN", "BOXOFFICE_DATABASE", "BOXOFFICE_CONFIG"}) ::unsetenv(name);
    for (const auto& assignment : env) ::putenv(const_cast<char*>(assignment.c_str()));
    auto argv = argv_of(binary, argv_storage);
    ::execv(binary.c_str(), argv.data());
    std::_Exit(127);
  }
  ::close(pipe_fds[1]);
  CommandResult result;
  char buffer[4096];
  ssize_t n = 0;
  while ((n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0) result.output.append(buffer, static_cast<std::size_t>(n));
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = decode_status(status);
  return result;
}

}  // namespace boxoffice::testing

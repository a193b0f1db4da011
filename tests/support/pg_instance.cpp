#include "support/pg_instance.hpp"

#include <dirent.h>
#include <unistd.h>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace boxoffice::testing {
namespace {

std::string script() {
  return BOXOFFICE_PG_SCRIPT;
}

// Runs the script; returns its stdout (the URL for `start`). Throws on failure.
std::string run_script(const std::string& command, const std::string& dir) {
  const std::string line = script() + " " + command + " '" + dir + "' 2>&1";
  FILE* pipe = ::popen(line.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + line);
  std::string output;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  const int status = ::pclose(pipe);
  if (status != 0) throw std::runtime_error(line + " failed:\n" + output);
  return output;
}

}  // namespace

PgInstance::PgInstance() {
  char pattern[] = "/tmp/boxoffice-pg-XXXXXX";
  if (!::mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  const auto output = run_script("start", dir_);
  std::ifstream url_file(dir_ + "/url");
  std::getline(url_file, url_);
  std::ifstream port_file(dir_ + "/port");
  port_file >> port_;
  std::ifstream pid_file(dir_ + "/data/postmaster.pid");
  pid_file >> postmaster_;
  if (url_.empty() || port_ == 0 || postmaster_ <= 0)
    throw std::runtime_error("PostgreSQL in " + dir_ + " did not start:\n" + output);
}

PgInstance::~PgInstance() {
  thaw();
  try {
    run_script("stop", dir_);
  } catch (...) {
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::vector<pid_t> PgInstance::children_of(pid_t parent) const {
  std::vector<pid_t> children;
  DIR* proc = ::opendir("/proc");
  if (!proc) return children;
  while (const dirent* entry = ::readdir(proc)) {
    const pid_t pid = std::atoi(entry->d_name);
    if (pid <= 0) continue;
    std::ifstream stat("/proc/" + std::string(entry->d_name) + "/stat");
    std::string text;
    std::getline(stat, text);
    // pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'.
    const auto close = text.rfind(')');
    if (close == std::string::npos) continue;
    char state = 0;
    int ppid = 0;
    if (std::sscanf(text.c_str() + close + 1, " %c %d", &state, &ppid) == 2 && ppid == parent)
      children.push_back(pid);
  }
  ::closedir(proc);
  return children;
}

void PgInstance::freeze() {
  if (frozen()) return;
  // The postmaster first (it starts no process any more), then what it started.
  ::kill(postmaster_, SIGSTOP);
  stopped_.push_back(postmaster_);
  for (const pid_t child : children_of(postmaster_)) {
    ::kill(child, SIGSTOP);
    stopped_.push_back(child);
  }
}

void PgInstance::thaw() {
  for (auto it = stopped_.rbegin(); it != stopped_.rend(); ++it) ::kill(*it, SIGCONT);
  stopped_.clear();
}

}  // namespace boxoffice::testing

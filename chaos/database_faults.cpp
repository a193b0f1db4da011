#include "chaos/database_faults.hpp"

#include <dirent.h>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <vector>

namespace boxoffice::chaos {
namespace {

pid_t parent_of(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  std::getline(stat, text);
  const auto close = text.rfind(')');  // the command may hold spaces
  if (close == std::string::npos) return 0;
  char state = 0;
  int parent = 0;
  if (std::sscanf(text.c_str() + close + 1, " %c %d", &state, &parent) != 2) return 0;
  return parent;
}

std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> children;
  DIR* proc = ::opendir("/proc");
  if (!proc) return children;
  while (const dirent* entry = ::readdir(proc)) {
    const pid_t pid = std::atoi(entry->d_name);
    if (pid > 0 && parent_of(pid) == parent) children.push_back(pid);
  }
  ::closedir(proc);
  return children;
}

}  // namespace

DatabaseFaults::DatabaseFaults(const ChaosDatabase& database) : session_(database.open()) {
  int backend = 0;
  *session_ << "SELECT pg_backend_pid()", soci::into(backend);
  const pid_t parent = parent_of(backend);
  // The postmaster: the parent of every backend, and itself a "postgres" process.
  std::ifstream comm("/proc/" + std::to_string(parent) + "/comm");
  std::string name;
  std::getline(comm, name);
  if (parent > 1 && name.rfind("postgres", 0) == 0) postmaster_ = parent;
}

std::string DatabaseFaults::freeze() {
  if (postmaster_ == 0) return "PostgreSQL's processes are not on this machine: not frozen";
  ::kill(postmaster_, SIGSTOP);  // first: it starts no process any more
  stopped_.push_back(postmaster_);
  for (const pid_t child : children_of(postmaster_)) {
    ::kill(child, SIGSTOP);
    stopped_.push_back(child);
  }
  return "";
}

void DatabaseFaults::thaw() {
  for (auto it = stopped_.rbegin(); it != stopped_.rend(); ++it) ::kill(*it, SIGCONT);
  stopped_.clear();
}

std::string DatabaseFaults::terminate_connections() {
  try {
    long long ended = 0;
    *session_ << "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity"
                 " WHERE application_name LIKE 'boxoffice/%' AND pid <> pg_backend_pid()",
        soci::into(ended);
    return std::to_string(ended) + " connections ended";
  } catch (const std::exception& e) {
    return std::string("pg_terminate_backend failed: ") + e.what();
  }
}

}  // namespace boxoffice::chaos

#include "storage/connection_fence.hpp"

#include <chrono>
#include <thread>

#include "domain/write_tag.hpp"

namespace boxoffice::storage {
namespace {

constexpr auto kPoll = std::chrono::milliseconds(20);

}  // namespace

bool fence_connections(soci::session& session, const std::string& name, bool whole_process,
                       domain::TimeMs limit) {
  if (name.empty()) return false;
  const std::string under = name + "/";
  const int length = static_cast<int>(under.size());
  const int below = whole_process ? 1 : 0;
  const std::string matching =
      " FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND (application_name = :name"
      " OR (:below = 1 AND left(application_name, :length) = :under))";
  long long signalled = 0;
  session << "SELECT COUNT(pg_terminate_backend(pid))" + matching, soci::use(name),
      soci::use(below), soci::use(length), soci::use(under), soci::into(signalled);
  while (true) {
    long long left = 0;
    session << "SELECT COUNT(*)" + matching, soci::use(name), soci::use(below), soci::use(length),
        soci::use(under), soci::into(left);
    if (left == 0) return true;
    if (domain::wall_clock_ms() >= limit) return false;
    std::this_thread::sleep_for(kPoll);
  }
}

}  // namespace boxoffice::storage

#include "support/test_database.hpp"

#include <unistd.h>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

#include "config/values.hpp"
#include "storage/session_factory.hpp"

namespace boxoffice::testing {
namespace {

std::string unique_suffix() {
  static std::atomic<int> counter{0};
  static const auto seed = std::random_device{}();
  return std::to_string(::getpid()) + "_" + std::to_string(seed % 100000) + "_" +
         std::to_string(counter++);
}

std::string pg_server_url() {
  if (const char* url = std::getenv("BOXOFFICE_TEST_PG_URL")) return url;
  if (const char* file = std::getenv("BOXOFFICE_TEST_PG_URL_FILE")) {
    std::ifstream in(file);
    std::string url;
    std::getline(in, url);
    if (!url.empty()) return url;
  }
  throw std::runtime_error(
      "BOXOFFICE_TEST_BACKEND=postgresql needs BOXOFFICE_TEST_PG_URL or "
      "BOXOFFICE_TEST_PG_URL_FILE");
}

std::string sanitize(std::string label) {
  for (char& c : label)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return label.substr(0, 30);
}

}  // namespace

config::DatabaseKind test_backend() {
  const char* backend = std::getenv("BOXOFFICE_TEST_BACKEND");
  if (backend && std::string(backend) == "postgresql") return config::DatabaseKind::postgresql;
  return config::DatabaseKind::sqlite;
}

config::DatabaseTarget fresh_database(const std::string& label) {
  const std::string name = "t_" + sanitize(label) + "_" + unique_suffix();
  if (test_backend() == config::DatabaseKind::sqlite) {
    const auto folder = std::filesystem::temp_directory_path() / "boxoffice-tests";
    std::filesystem::create_directories(folder);
    const auto path = folder / (name + ".db");
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
    return *config::parse_database_url("sqlite:" + path.string());
  }
  const std::string server = pg_server_url();
  auto admin = storage::open_session(*config::parse_database_url(server));
  *admin << "CREATE SCHEMA " + name;
  const std::string separator = server.find('?') == std::string::npos ? "?" : "&";
  return *config::parse_database_url(server + separator + "options=-csearch_path%3D" + name);
}

std::string database_flag(const config::DatabaseTarget& target) {
  return target.url;
}

}  // namespace boxoffice::testing

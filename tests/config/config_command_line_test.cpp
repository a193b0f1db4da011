#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "support/server_process.hpp"

namespace boxoffice::config {
namespace {

using boxoffice::testing::run_boxoffice;

// Appended to every `serve` below, which must be refused before it starts. Should a refusal
// ever be missing, the server then exits at once on the unusable database instead of
// listening on a fixed port until the test times out.
std::vector<std::string> serve_with(std::vector<std::string> args) {
  args.insert(args.begin(), "serve");
  for (const char* guard : {"--listen", "127.0.0.1:0", "--database",
                            "sqlite:/proc/boxoffice-config-test-no-such-dir/x.db"})
    args.emplace_back(guard);
  return args;
}

long line_count(const std::string& output) {
  return static_cast<long>(std::count(output.begin(), output.end(), '\n')) +
         (output.empty() || output.back() == '\n' ? 0 : 1);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(config_command_line)

BOOST_AUTO_TEST_CASE(version_prints_the_version_and_exits_0) {
  const auto result = run_boxoffice({"--version"});
  BOOST_TEST(result.exit_code == 0, result.output);
  BOOST_TEST(result.output == "boxoffice 0.1.0\n");
}

BOOST_AUTO_TEST_CASE(help_lists_the_commands_and_exits_0) {
  const auto result = run_boxoffice({"--help"});
  BOOST_TEST(result.exit_code == 0, result.output);
  BOOST_TEST(contains(result.output, "serve"), result.output);
  BOOST_TEST(contains(result.output, "migrate"), result.output);
}

BOOST_AUTO_TEST_CASE(bad_duration_flag_exits_2_with_one_line_naming_the_flag) {
  const auto result = run_boxoffice(serve_with({"--hold-ttl", "5x"}));
  BOOST_TEST(result.exit_code == 2, result.output);
  BOOST_TEST(line_count(result.output) == 1, result.output);
  BOOST_TEST(contains(result.output, "--hold-ttl"), result.output);
}

BOOST_AUTO_TEST_CASE(zero_queue_max_active_exits_2_naming_the_flag) {
  const auto result = run_boxoffice(serve_with({"--queue-max-active", "0"}));
  BOOST_TEST(result.exit_code == 2, result.output);
  BOOST_TEST(line_count(result.output) == 1, result.output);
  BOOST_TEST(contains(result.output, "--queue-max-active"), result.output);
}

BOOST_AUTO_TEST_CASE(bad_environment_value_exits_2_naming_the_variable) {
  const auto result = run_boxoffice(serve_with({}), {"BOXOFFICE_MAX_CHARGE=abc"});
  BOOST_TEST(result.exit_code == 2, result.output);
  BOOST_TEST(line_count(result.output) == 1, result.output);
  BOOST_TEST(contains(result.output, "BOXOFFICE_MAX_CHARGE"), result.output);
  BOOST_TEST(contains(result.output, "--max-charge"), result.output);
}

BOOST_AUTO_TEST_CASE(unknown_command_exits_2_with_one_line) {
  const auto result = run_boxoffice({"frobnicate"});
  BOOST_TEST(result.exit_code == 2, result.output);
  BOOST_TEST(line_count(result.output) == 1, result.output);
}

BOOST_AUTO_TEST_CASE(cluster_listen_with_sqlite_exits_2_naming_the_flag) {
  const auto result = run_boxoffice(serve_with({"--cluster-listen", "127.0.0.1:0"}));
  BOOST_TEST(result.exit_code == 2, result.output);
  BOOST_TEST(line_count(result.output) == 1, result.output);
  BOOST_TEST(contains(result.output, "--cluster-listen"), result.output);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::config

#include <boost/test/unit_test.hpp>

#include <unistd.h>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "config/loader.hpp"
#include "config/settings.hpp"

namespace boxoffice::config {
namespace {

using Env = std::map<std::string, std::string>;
using Settings = std::vector<std::pair<std::string, std::string>>;

LoadOutcome load(const std::vector<std::string>& args, const Env& env = {}) {
  return load_config(args, [env](const std::string& name) -> std::optional<std::string> {
    const auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  });
}

// A TOML file in the temp folder, removed again when the test ends.
class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("boxoffice-config-test-" + std::to_string(::getpid()) + "-" +
             std::to_string(++counter) + ".toml");
    std::ofstream out(path_);
    out << content;
  }
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

std::string toml_of(const Settings& settings) {
  std::string text;
  for (const auto& [key, value] : settings) text += key + " = \"" + value + "\"\n";
  return text;
}

std::string env_name_of(const std::string& key) {
  for (const auto& spec : kSettings)
    if (spec.key == key) return std::string(spec.env);
  BOOST_FAIL("no setting named " << key);
  return "";
}

std::string ms(std::chrono::milliseconds value) {
  return std::to_string(value.count());
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A refusal as shared/API.md describes it: status 2, no config, a one-line message.
void check_refused(const LoadOutcome& outcome) {
  BOOST_TEST(!outcome.config.has_value());
  BOOST_TEST(outcome.exit_code == 2);
  BOOST_TEST(!outcome.message.empty());
  BOOST_TEST(!contains(outcome.message, "\n"), "message has a line break: " << outcome.message);
}

// One setting with a valid, non-default value, how to read it back from a Config, and the
// other settings it needs to be accepted at all.
struct ReadCase {
  std::string key;
  std::string value;
  std::function<std::string(const Config&)> read;
  std::string expected;
  Settings needs;
};

const std::string kPostgres = "postgresql://box@db.internal:5432/boxoffice";

std::vector<ReadCase> read_cases() {
  return {
      {"listen",
       "0.0.0.0:9090",
       [](const Config& c) { return c.listen.to_string(); },
       "0.0.0.0:9090",
       {}},
      {"database",
       kPostgres,
       [](const Config& c) {
         return std::string(c.database.kind == DatabaseKind::postgresql ? "postgresql "
                                                                        : "sqlite ") +
                c.database.url;
       },
       "postgresql " + kPostgres,
       {}},
      {"admin-key",
       "s3cret-key",
       [](const Config& c) { return c.admin_key.value_or("<none>"); },
       "s3cret-key",
       {}},
      {"hold-ttl", "2s", [](const Config& c) { return ms(c.hold_ttl); }, "2000", {}},
      {"token-ttl", "90s", [](const Config& c) { return ms(c.token_ttl); }, "90000", {}},
      {"queue-max-active",
       "7",
       [](const Config& c) { return std::to_string(c.queue_max_active); },
       "7",
       {}},
      {"queue-idle-timeout",
       "1500ms",
       [](const Config& c) { return ms(c.queue_idle_timeout); },
       "1500",
       {}},
      {"max-charge",
       "5000",
       [](const Config& c) { return std::to_string(c.max_charge); },
       "5000",
       {}},
      {"max-balance",
       "70000",
       [](const Config& c) { return std::to_string(c.max_balance); },
       "70000",
       {}},
      {"max-body-bytes",
       "2048",
       [](const Config& c) { return std::to_string(c.max_body_bytes); },
       "2048",
       {}},
      {"node-id", "3", [](const Config& c) { return std::to_string(c.node_id); }, "3", {}},
      {"cluster-listen",
       "10.0.0.1:7001",
       [](const Config& c) {
         return c.cluster_listen ? c.cluster_listen->to_string() : std::string("<none>");
       },
       "10.0.0.1:7001",
       {{"database", kPostgres}}},
      {"cluster-advertise",
       "relay.internal:9001",
       [](const Config& c) { return c.advertised_address(); },
       "relay.internal:9001",
       {{"database", kPostgres}, {"cluster-listen", "10.0.0.1:7001"}}},
      {"peers",
       "10.0.0.2:7001,[fd00::3]:7001",
       [](const Config& c) {
         std::string out;
         for (const auto& peer : c.peers) out += (out.empty() ? "" : ",") + peer.to_string();
         return out;
       },
       "10.0.0.2:7001,[fd00::3]:7001",
       {{"database", kPostgres}, {"cluster-listen", "10.0.0.1:7001"}}},
      {"log-level", "debug", [](const Config& c) { return c.log_level; }, "debug", {}},
      {"http-threads",
       "8",
       [](const Config& c) { return std::to_string(c.http_threads); },
       "8",
       {}},
      {"db-pool-size",
       "4",
       [](const Config& c) { return std::to_string(c.db_pool_size); },
       "4",
       {}},
      {"request-timeout",
       "10s",
       [](const Config& c) { return ms(c.request_timeout); },
       "10000",
       {}},
      {"commit-wait", "30s", [](const Config& c) { return ms(c.commit_wait); }, "30000", {}},
      {"entity-idle-timeout",
       "1h",
       [](const Config& c) { return ms(c.entity_idle_timeout); },
       "3600000",
       {}},
      {"peer-timeout", "3s", [](const Config& c) { return ms(c.peer_timeout); }, "3000", {}},
      {"drain-grace", "0s", [](const Config& c) { return ms(c.drain_grace); }, "0", {}},
      {"max-connections",
       "20000",
       [](const Config& c) { return std::to_string(c.max_connections); },
       "20000",
       {}},
      {"keep-alive-timeout",
       "90s",
       [](const Config& c) { return ms(c.keep_alive_timeout); },
       "90000",
       {}},
      {"max-header-bytes",
       "8192",
       [](const Config& c) { return std::to_string(c.max_header_bytes); },
       "8192",
       {}},
      {"header-timeout", "3s", [](const Config& c) { return ms(c.header_timeout); }, "3000", {}},
      {"write-timeout", "1m", [](const Config& c) { return ms(c.write_timeout); }, "60000", {}},
      {"max-queue-wait", "250ms", [](const Config& c) { return ms(c.max_queue_wait); }, "250", {}},
      {"web-root",
       "/usr/../tmp",
       [](const Config& c) { return c.web_root.value_or("<none>"); },
       "/tmp",
       {}},
  };
}

// One refused value per setting.
const std::vector<std::pair<std::string, std::string>> kBadValues{
    {"listen", "localhost"},
    {"database", "mysql://box@db/boxoffice"},
    {"admin-key", std::string(257, 'k')},
    {"hold-ttl", "5x"},
    {"token-ttl", "0s"},
    {"queue-max-active", "0"},
    {"queue-idle-timeout", "1.5s"},
    {"max-charge", "abc"},
    {"max-balance", "0"},
    {"max-body-bytes", "1073741825"},
    {"node-id", "-1"},
    {"cluster-listen", "10.0.0.1:65536"},
    {"cluster-advertise", "10.0.0.1"},
    {"peers", "10.0.0.2:7001,"},
    {"log-level", "verbose"},
    {"http-threads", "4097"},
    {"db-pool-size", "257"},
    {"request-timeout", "10d"},
    {"commit-wait", "-1s"},
    {"entity-idle-timeout", "m"},
    {"peer-timeout", "0ms"},
    {"drain-grace", "-1s"},
    {"max-connections", "0"},
    {"keep-alive-timeout", "60"},
    {"max-header-bytes", "1023"},
    {"header-timeout", "-1s"},
    {"write-timeout", "0s"},
    {"max-queue-wait", "soon"},
    {"web-root", "/nonexistent/boxoffice-web-root"},
};

std::set<std::string> all_setting_keys() {
  std::set<std::string> keys;
  for (const auto& spec : kSettings) keys.insert(std::string(spec.key));
  return keys;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(config_loader)

BOOST_AUTO_TEST_CASE(the_test_tables_cover_every_setting) {
  std::set<std::string> read_keys, bad_keys;
  for (const auto& test : read_cases()) read_keys.insert(test.key);
  for (const auto& [key, value] : kBadValues) bad_keys.insert(key);
  BOOST_TEST(read_keys == all_setting_keys(), boost::test_tools::per_element());
  BOOST_TEST(bad_keys == all_setting_keys(), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(uses_every_documented_default_when_nothing_is_given) {
  const auto outcome = load({"serve"});
  BOOST_TEST(outcome.exit_code == 0);
  BOOST_TEST_REQUIRE(outcome.config.has_value(), outcome.message);
  const Config& config = *outcome.config;
  BOOST_TEST((config.command == Command::serve));
  BOOST_TEST(config.listen.host == "127.0.0.1");
  BOOST_TEST(config.listen.port == 8080);
  BOOST_TEST((config.database.kind == DatabaseKind::sqlite));
  BOOST_TEST(config.database.url == "sqlite:var/boxoffice.db");
  BOOST_TEST(config.database.sqlite_path == "var/boxoffice.db");
  BOOST_TEST(!config.admin_key.has_value());
  BOOST_TEST(ms(config.hold_ttl) == "300000");
  BOOST_TEST(ms(config.token_ttl) == "600000");
  BOOST_TEST(config.queue_max_active == 100);
  BOOST_TEST(ms(config.queue_idle_timeout) == "120000");
  BOOST_TEST(config.max_charge == 10'000'000);
  BOOST_TEST(config.max_balance == 1'000'000'000);
  BOOST_TEST(config.max_body_bytes == 1'048'576);
  BOOST_TEST(config.node_id == 1);
  BOOST_TEST(!config.cluster_listen.has_value());
  BOOST_TEST(!config.clustered());
  BOOST_TEST(config.peers.empty());
  BOOST_TEST(!config.web_root.has_value());
}

BOOST_AUTO_TEST_CASE(uses_the_defaults_of_the_undocumented_tuning_settings) {
  const auto outcome = load({"serve"});
  BOOST_TEST_REQUIRE(outcome.config.has_value(), outcome.message);
  BOOST_TEST(outcome.config->log_level == "info");
  BOOST_TEST(outcome.config->http_threads == 64);
  BOOST_TEST(outcome.config->db_pool_size == 8);
  BOOST_TEST(ms(outcome.config->request_timeout) == "5000");
  BOOST_TEST(ms(outcome.config->commit_wait) == "10000");
  BOOST_TEST(ms(outcome.config->entity_idle_timeout) == "600000");
  BOOST_TEST(ms(outcome.config->drain_grace) == "4000");
}

BOOST_AUTO_TEST_CASE(reads_every_setting_from_its_flag) {
  for (const auto& test : read_cases()) {
    BOOST_TEST_CONTEXT("--" << test.key << " " << test.value) {
      std::vector<std::string> args{"serve", "--" + test.key, test.value};
      for (const auto& [key, value] : test.needs) {
        args.push_back("--" + key);
        args.push_back(value);
      }
      const auto outcome = load(args);
      BOOST_TEST_REQUIRE(outcome.config.has_value(), outcome.message);
      BOOST_TEST(outcome.exit_code == 0);
      BOOST_TEST(test.read(*outcome.config) == test.expected);
    }
  }
}

BOOST_AUTO_TEST_CASE(reads_every_setting_from_a_flag_written_with_equals) {
  for (const auto& test : read_cases()) {
    BOOST_TEST_CONTEXT("--" << test.key << "=" << test.value) {
      std::vector<std::string> args{"serve", "--" + test.key + "=" + test.value};
      for (const auto& [key, value] : test.needs) args.push_back("--" + key + "=" + value);
      const auto outcome = load(args);
      BOOST_TEST_REQUIRE(outcome.config.has_value(), outcome.message);
      BOOST_TEST(test.read(*outcome.config) == test.expected);
    }
  }
}

BOOST_AUTO_TEST_CASE(reads_every_setting_from_its_environment_variable) {
  for (const auto& test : read_cases()) {
    const std::string variable = env_name_of(test.key);
    BOOST_TEST_CONTEXT(variable << "=" << test.value) {
      BOOST_TEST(variable.rfind("BOXOFFICE_", 0) == 0u);
      Env env{{variable, test.value}};
      for (const auto& [key, value] : test.needs) env[env_name_of(key)] = value;
      const auto outcome = load({"serve"}, env);
      BOOST_TEST_REQUIRE(outcome.config.has_value(), outcome.message);
      BOOST_TEST(test.read(*outcome.config) == test.expected);
    }
  }
}

BOOST_AUTO_TEST_CASE(uses_the_documented_environment_variable_names) {
  // The names of shared/API.md's flag table.
  const std::map<std::string, std::string> documented{
      {"listen", "BOXOFFICE_LISTEN"},
      {"database", "BOXOFFICE_DATABASE"},
      {"admin-key", "BOXOFFICE_ADMIN_KEY"},
      {"hold-ttl", "BOXOFFICE_HOLD_TTL"},
      {"token-ttl", "BOXOFFICE_TOKEN_TTL"},
      {"queue-max-active", "BOXOFFICE_QUEUE_MAX_ACTIVE"},
      {"queue-idle-timeout", "BOXOFFICE_QUEUE_IDLE_TIMEOUT"},
      {"max-charge", "BOXOFFICE_MAX_CHARGE"},
      {"max-balance", "BOXOFFICE_MAX_BALANCE"},
      {"max-body-bytes", "BOXOFFICE_MAX_BODY_BYTES"},
      {"node-id", "BOXOFFICE_NODE_ID"},
      {"cluster-listen", "BOXOFFICE_CLUSTER_LISTEN"},
      {"cluster-advertise", "BOXOFFICE_CLUSTER_ADVERTISE"},
      {"peers", "BOXOFFICE_PEERS"},
  };
  for (const auto& [key, variable] : documented) {
    BOOST_TEST_CONTEXT(key) {
      BOOST_TEST(env_name_of(key) == variable);
    }
  }
}

BOOST_AUTO_TEST_CASE(reads_every_setting_from_a_config_file) {
  for (const auto& test : read_cases()) {
    BOOST_TEST_CONTEXT(test.key << " = \"" << test.value << "\"") {
      Settings settings{{test.key, test.value}};
      settings.insert(settings.end(), test.needs.begin(), test.needs.end());
      const TempFile file(toml_of(settings));
      const auto outcome = load({"serve", "--config", file.path()});
      BOOST_TEST_REQUIRE(outcome.config.has_value(), outcome.message);
      BOOST_TEST(test.read(*outcome.config) == test.expected);
    }
  }
}

BOOST_AUTO_TEST_CASE(reads_integers_from_a_config_file) {
  const TempFile file("max-charge = 5000\nnode-id = 7\nqueue-max-active = 3\n");
  const auto outcome = load({"serve", "--config", file.path()});
  BOOST_TEST_REQUIRE(outcome.config.has_value(), outcome.message);
  BOOST_TEST(outcome.config->max_charge == 5000);
  BOOST_TEST(outcome.config->node_id == 7);
  BOOST_TEST(outcome.config->queue_max_active == 3);
}

BOOST_AUTO_TEST_CASE(ignores_comments_and_blank_lines_in_a_config_file) {
  const TempFile file("# boxoffice settings\n\nhold-ttl = \"2s\"  # short holds\n");
  const auto outcome = load({"serve", "--config", file.path()});
  BOOST_TEST_REQUIRE(outcome.config.has_value(), outcome.message);
  BOOST_TEST(ms(outcome.config->hold_ttl) == "2000");
}

BOOST_AUTO_TEST_CASE(prefers_flag_then_environment_then_file_then_default) {
  const TempFile file("hold-ttl = \"3s\"\n");
  const Env env{{"BOXOFFICE_HOLD_TTL", "2s"}};
  const auto hold_ttl = [](const LoadOutcome& outcome) {
    return outcome.config ? ms(outcome.config->hold_ttl) : "refused: " + outcome.message;
  };
  BOOST_TEST(hold_ttl(load({"serve", "--config", file.path(), "--hold-ttl", "1s"}, env)) == "1000");
  BOOST_TEST(hold_ttl(load({"serve", "--config", file.path()}, env)) == "2000");
  BOOST_TEST(hold_ttl(load({"serve", "--config", file.path()})) == "3000");
  BOOST_TEST(hold_ttl(load({"serve"})) == "300000");
}

BOOST_AUTO_TEST_CASE(takes_each_setting_from_its_own_highest_source) {
  const TempFile file("hold-ttl = \"3s\"\ntoken-ttl = \"3s\"\nnode-id = 3\n");
  const Env env{{"BOXOFFICE_HOLD_TTL", "2s"}, {"BOXOFFICE_TOKEN_TTL", "2s"}};
  const auto outcome = load({"serve", "--config", file.path(), "--hold-ttl", "1s"}, env);
  BOOST_TEST_REQUIRE(outcome.config.has_value(), outcome.message);
  BOOST_TEST(ms(outcome.config->hold_ttl) == "1000");
  BOOST_TEST(ms(outcome.config->token_ttl) == "2000");
  BOOST_TEST(outcome.config->node_id == 3);
  BOOST_TEST(outcome.config->queue_max_active == 100);
}

BOOST_AUTO_TEST_CASE(treats_an_empty_environment_variable_as_unset) {
  const auto outcome = load({"serve"}, {{"BOXOFFICE_HOLD_TTL", ""}, {"BOXOFFICE_ADMIN_KEY", ""}});
  BOOST_TEST_REQUIRE(outcome.config.has_value(), outcome.message);
  BOOST_TEST(ms(outcome.config->hold_ttl) == "300000");
  BOOST_TEST(!outcome.config->admin_key.has_value());
}

BOOST_AUTO_TEST_CASE(reads_the_file_named_by_boxoffice_config) {
  const TempFile file("hold-ttl = \"3s\"\n");
  const auto outcome = load({"serve"}, {{"BOXOFFICE_CONFIG", file.path()}});
  BOOST_TEST_REQUIRE(outcome.config.has_value(), outcome.message);
  BOOST_TEST(ms(outcome.config->hold_ttl) == "3000");
}

BOOST_AUTO_TEST_CASE(prefers_the_config_flag_to_boxoffice_config) {
  const TempFile from_flag("hold-ttl = \"3s\"\n");
  const TempFile from_env("hold-ttl = \"4s\"\n");
  const auto outcome =
      load({"serve", "--config", from_flag.path()}, {{"BOXOFFICE_CONFIG", from_env.path()}});
  BOOST_TEST_REQUIRE(outcome.config.has_value(), outcome.message);
  BOOST_TEST(ms(outcome.config->hold_ttl) == "3000");
}

BOOST_AUTO_TEST_CASE(refuses_a_bad_flag_value_naming_the_flag) {
  for (const auto& [key, value] : kBadValues) {
    BOOST_TEST_CONTEXT("--" << key << "=" << value) {
      const auto outcome = load({"serve", "--" + key + "=" + value});
      check_refused(outcome);
      BOOST_TEST(contains(outcome.message, "--" + key), outcome.message);
    }
  }
}

BOOST_AUTO_TEST_CASE(refuses_a_bad_flag_value_given_as_a_separate_argument) {
  const auto outcome = load({"serve", "--hold-ttl", "5x"});
  check_refused(outcome);
  BOOST_TEST(contains(outcome.message, "--hold-ttl"), outcome.message);
  BOOST_TEST(contains(outcome.message, "5x"), outcome.message);
}

BOOST_AUTO_TEST_CASE(refuses_a_bad_environment_value_naming_flag_and_variable) {
  for (const auto& [key, value] : kBadValues) {
    const std::string variable = env_name_of(key);
    BOOST_TEST_CONTEXT(variable << "=" << value) {
      const auto outcome = load({"serve"}, {{variable, value}});
      check_refused(outcome);
      BOOST_TEST(contains(outcome.message, "--" + key), outcome.message);
      BOOST_TEST(contains(outcome.message, variable), outcome.message);
    }
  }
}

BOOST_AUTO_TEST_CASE(refuses_a_bad_file_value_naming_flag_and_file) {
  for (const auto& [key, value] : kBadValues) {
    BOOST_TEST_CONTEXT(key << " = \"" << value << "\"") {
      const TempFile file(toml_of({{key, value}}));
      const auto outcome = load({"serve", "--config", file.path()});
      check_refused(outcome);
      BOOST_TEST(contains(outcome.message, "--" + key), outcome.message);
      BOOST_TEST(contains(outcome.message, file.path()), outcome.message);
    }
  }
}

BOOST_AUTO_TEST_CASE(refuses_an_empty_admin_key_flag) {
  const auto outcome = load({"serve", "--admin-key", ""});
  check_refused(outcome);
  BOOST_TEST(contains(outcome.message, "--admin-key"), outcome.message);
}

BOOST_AUTO_TEST_CASE(refuses_a_value_with_a_line_break_in_one_line) {
  // A trailing newline is what a value read from a file (a mounted secret) often carries.
  const auto outcome = load({"serve"}, {{"BOXOFFICE_HOLD_TTL", "5m\n"}});
  check_refused(outcome);
  BOOST_TEST(contains(outcome.message, "--hold-ttl"), outcome.message);
}

BOOST_AUTO_TEST_CASE(refuses_an_unknown_key_in_the_config_file_naming_file_and_key) {
  const TempFile file("hold-ttl = \"2s\"\nhold-time = \"2s\"\n");
  const auto outcome = load({"serve", "--config", file.path()});
  check_refused(outcome);
  BOOST_TEST(contains(outcome.message, file.path()), outcome.message);
  BOOST_TEST(contains(outcome.message, "hold-time"), outcome.message);
}

BOOST_AUTO_TEST_CASE(refuses_a_config_file_with_a_syntax_error_naming_the_file) {
  const TempFile file("hold-ttl = \"2s\nnode-id = \n");
  const auto outcome = load({"serve", "--config", file.path()});
  check_refused(outcome);
  BOOST_TEST(contains(outcome.message, file.path()), outcome.message);
}

BOOST_AUTO_TEST_CASE(refuses_config_file_values_that_are_neither_string_nor_integer) {
  for (const std::string line : {"node-id = 1.5", "admin-key = true", "peers = [\"a:1\", \"b:2\"]",
                                 "[listen]\nhost = \"x\""}) {
    BOOST_TEST_CONTEXT(line) {
      const TempFile file(line + "\n");
      const auto outcome = load({"serve", "--config", file.path()});
      check_refused(outcome);
      BOOST_TEST(contains(outcome.message, file.path()), outcome.message);
    }
  }
}

BOOST_AUTO_TEST_CASE(refuses_a_missing_config_file_naming_it) {
  const std::string missing =
      (std::filesystem::temp_directory_path() /
       ("boxoffice-config-test-missing-" + std::to_string(::getpid()) + ".toml"))
          .string();
  const auto from_flag = load({"serve", "--config", missing});
  check_refused(from_flag);
  BOOST_TEST(contains(from_flag.message, missing), from_flag.message);
  const auto from_env = load({"serve"}, {{"BOXOFFICE_CONFIG", missing}});
  check_refused(from_env);
  BOOST_TEST(contains(from_env.message, missing), from_env.message);
}

BOOST_AUTO_TEST_CASE(refuses_an_unknown_flag) {
  const auto outcome = load({"serve", "--hold-time", "2s"});
  check_refused(outcome);
  BOOST_TEST(contains(outcome.message, "--hold-time"), outcome.message);
}

BOOST_AUTO_TEST_CASE(refuses_an_unknown_command) {
  check_refused(load({"frobnicate"}));
}

BOOST_AUTO_TEST_CASE(refuses_a_missing_command) {
  check_refused(load({}));
}

BOOST_AUTO_TEST_CASE(refuses_a_flag_without_its_value) {
  const auto outcome = load({"serve", "--hold-ttl"});
  check_refused(outcome);
  BOOST_TEST(contains(outcome.message, "--hold-ttl"), outcome.message);
}

BOOST_AUTO_TEST_CASE(refuses_a_cluster_port_chosen_by_the_os) {
  // Peers find a node by its configured address, so port 0 cannot work.
  const auto outcome = load({"serve", "--database", kPostgres, "--cluster-listen", "127.0.0.1:0"});
  check_refused(outcome);
  BOOST_TEST(contains(outcome.message, "--cluster-listen"), outcome.message);
}

BOOST_AUTO_TEST_CASE(advertises_the_cluster_listen_address_unless_told_otherwise) {
  const auto outcome =
      load({"serve", "--database", kPostgres, "--cluster-listen", "10.0.0.1:7001"});
  BOOST_REQUIRE(outcome.config);
  BOOST_TEST(outcome.config->advertised_address() == "10.0.0.1:7001");
}

BOOST_AUTO_TEST_CASE(refuses_cluster_advertise_without_cluster_listen) {
  const auto outcome =
      load({"serve", "--database", kPostgres, "--cluster-advertise", "10.0.0.9:7001"});
  check_refused(outcome);
  BOOST_TEST(contains(outcome.message, "--cluster-advertise"), outcome.message);
}

BOOST_AUTO_TEST_CASE(refuses_peers_without_cluster_listen) {
  const auto outcome = load({"serve", "--database", kPostgres, "--peers", "10.0.0.2:7001"});
  check_refused(outcome);
  BOOST_TEST(contains(outcome.message, "--peers"), outcome.message);
  BOOST_TEST(contains(outcome.message, "--cluster-listen"), outcome.message);
}

BOOST_AUTO_TEST_CASE(refuses_cluster_listen_with_the_sqlite_database) {
  for (const auto& database : {std::string(), std::string("sqlite:var/node.db")}) {
    BOOST_TEST_CONTEXT("database \"" << database << "\"") {
      std::vector<std::string> args{"serve", "--cluster-listen", "127.0.0.1:7001"};
      if (!database.empty()) {
        args.push_back("--database");
        args.push_back(database);
      }
      const auto outcome = load(args);
      check_refused(outcome);
      BOOST_TEST(contains(outcome.message, "--cluster-listen"), outcome.message);
    }
  }
}

BOOST_AUTO_TEST_CASE(refuses_cluster_listen_with_sqlite_from_the_environment) {
  const auto outcome = load({"serve"}, {{"BOXOFFICE_CLUSTER_LISTEN", "127.0.0.1:7001"}});
  check_refused(outcome);
  BOOST_TEST(contains(outcome.message, "--cluster-listen"), outcome.message);
}

BOOST_AUTO_TEST_CASE(accepts_a_cluster_on_postgresql) {
  const auto outcome = load({"serve", "--database", kPostgres, "--cluster-listen", "0.0.0.0:7001",
                             "--peers", "10.0.0.2:7001,10.0.0.3:7001", "--node-id", "2"});
  BOOST_TEST_REQUIRE(outcome.config.has_value(), outcome.message);
  BOOST_TEST(outcome.config->clustered());
  BOOST_TEST(outcome.config->peers.size() == 2u);
  BOOST_TEST(outcome.config->node_id == 2);
}

BOOST_AUTO_TEST_CASE(refuses_seed_without_demo) {
  const auto outcome = load({"seed"});
  check_refused(outcome);
  BOOST_TEST(contains(outcome.message, "--demo"), outcome.message);
}

BOOST_AUTO_TEST_CASE(selects_the_command) {
  const auto serve = load({"serve"});
  BOOST_TEST_REQUIRE(serve.config.has_value(), serve.message);
  BOOST_TEST((serve.config->command == Command::serve));

  const auto migrate = load({"migrate"});
  BOOST_TEST_REQUIRE(migrate.config.has_value(), migrate.message);
  BOOST_TEST((migrate.config->command == Command::migrate));

  const auto seed = load({"seed", "--demo"});
  BOOST_TEST_REQUIRE(seed.config.has_value(), seed.message);
  BOOST_TEST((seed.config->command == Command::seed_demo));
}

BOOST_AUTO_TEST_CASE(reads_settings_for_migrate_and_seed_too) {
  const auto migrate = load({"migrate", "--database", kPostgres});
  BOOST_TEST_REQUIRE(migrate.config.has_value(), migrate.message);
  BOOST_TEST(migrate.config->database.url == kPostgres);

  const auto seed = load({"seed", "--demo"}, {{"BOXOFFICE_DATABASE", "sqlite:var/demo.db"}});
  BOOST_TEST_REQUIRE(seed.config.has_value(), seed.message);
  BOOST_TEST(seed.config->database.sqlite_path == "var/demo.db");
}

BOOST_AUTO_TEST_CASE(prints_help_and_exits_0) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"--help"}, {"serve", "--help"}}) {
    BOOST_TEST_CONTEXT(args.size() << " arguments") {
      const auto outcome = load(args);
      BOOST_TEST(!outcome.config.has_value());
      BOOST_TEST(outcome.exit_code == 0);
      BOOST_TEST(!outcome.message.empty());
    }
  }
  BOOST_TEST(contains(load({"--help"}).message, "serve"));
  BOOST_TEST(contains(load({"serve", "--help"}).message, "--hold-ttl"));
}

BOOST_AUTO_TEST_CASE(prints_the_version_and_exits_0) {
  const auto outcome = load({"--version"});
  BOOST_TEST(!outcome.config.has_value());
  BOOST_TEST(outcome.exit_code == 0);
  std::string message = outcome.message;
  while (!message.empty() && message.back() == '\n') message.pop_back();
  BOOST_TEST(message == "boxoffice 0.1.0");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::config

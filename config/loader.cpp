#include "config/loader.hpp"

#include <toml++/toml.h>
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <sstream>

#include "config/settings.hpp"
#include "config/values.hpp"

namespace boxoffice::config {
namespace {

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

struct RawValue {
  std::string text;
  std::string source;  // "" for a flag, else the env variable or the config file
};

class BadValue : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The value as it can be shown on one line: control characters escaped as \xHH.
std::string printable(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned char>(c));
      out += escaped;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string describe(const std::string& key, const RawValue& raw, std::string_view expected) {
  std::string message = "invalid value \"" + printable(raw.text) + "\" for --" + key;
  if (!raw.source.empty()) message += " (from " + raw.source + ")";
  return message + ": expected " + std::string(expected);
}

template <class T>
T require(std::optional<T> parsed, const std::string& key, const RawValue& raw,
          std::string_view expected) {
  if (!parsed) throw BadValue(describe(key, raw, expected));
  return std::move(*parsed);
}

// Reads the TOML file into key -> text. Unknown keys and non-scalar values are errors.
std::map<std::string, RawValue> read_config_file(const std::string& path) {
  std::map<std::string, RawValue> out;
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& error) {
    std::ostringstream where;
    where << error.source().begin;
    throw BadValue("cannot read --config file " + path + ": " + std::string(error.description()) +
                   " at " + where.str());
  }
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    bool known = false;
    for (const auto& spec : kSettings) known = known || spec.key == name;
    if (!known) throw BadValue("unknown setting \"" + name + "\" in --config file " + path);
    if (const auto* text = node.as_string()) {
      out[name] = RawValue{text->get(), path};
    } else if (const auto* number = node.as_integer()) {
      out[name] = RawValue{std::to_string(number->get()), path};
    } else {
      throw BadValue("setting \"" + name + "\" in --config file " + path +
                     " must be a string or an integer");
    }
  }
  return out;
}

Config build(const std::map<std::string, RawValue>& values, Command command) {
  Config config;
  config.command = command;
  auto get = [&](const std::string& key) -> const RawValue* {
    const auto it = values.find(key);
    return it == values.end() ? nullptr : &it->second;
  };
  auto duration = [&](const std::string& key) {
    return require(parse_duration(get(key)->text), key, *get(key),
                   "a positive duration like 1500ms, 2s, 5m, 1h");
  };
  auto count = [&](const std::string& key, std::int64_t max = kInt64Max) {
    return require(parse_count(get(key)->text, 1, max), key, *get(key),
                   "an integer from 1 to " + std::to_string(max));
  };

  config.listen = require(parse_host_port(get("listen")->text), "listen", *get("listen"),
                          "HOST:PORT with a port from 0 to 65535");
  config.database = require(parse_database_url(get("database")->text), "database", *get("database"),
                            "sqlite:PATH or postgresql://user@host:port/dbname");
  if (const auto* key = get("admin-key")) {
    if (key->text.empty() || key->text.size() > 256)
      throw BadValue(describe("admin-key", *key, "1 to 256 characters"));
    config.admin_key = key->text;
  }
  config.hold_ttl = duration("hold-ttl");
  config.token_ttl = duration("token-ttl");
  config.queue_idle_timeout = duration("queue-idle-timeout");
  config.request_timeout = duration("request-timeout");
  config.commit_wait = duration("commit-wait");
  config.entity_idle_timeout = duration("entity-idle-timeout");
  config.peer_timeout = duration("peer-timeout");
  config.drain_grace = require(parse_duration_or_zero(get("drain-grace")->text), "drain-grace",
                               *get("drain-grace"), "a duration like 0s, 500ms, 4s, 1m");
  config.queue_max_active = count("queue-max-active", 1'000'000);
  config.max_charge = count("max-charge");
  config.max_balance = count("max-balance");
  config.max_body_bytes = count("max-body-bytes", std::int64_t{1} << 30);
  config.node_id = count("node-id", 1'000'000);
  config.http_threads = count("http-threads", 4096);
  config.db_pool_size = count("db-pool-size", 256);
  config.max_connections = count("max-connections", 1'000'000);
  config.keep_alive_timeout = duration("keep-alive-timeout");
  config.header_timeout = duration("header-timeout");
  config.write_timeout = duration("write-timeout");
  config.max_queue_wait = duration("max-queue-wait");
  config.max_header_bytes = count("max-header-bytes", std::int64_t{1} << 20);
  if (config.max_header_bytes < 1024)
    throw BadValue(describe("max-header-bytes", *get("max-header-bytes"),
                            "an integer from 1024 to " + std::to_string(std::int64_t{1} << 20)));
  const auto& level = *get("log-level");
  for (const char* known : {"trace", "debug", "info", "warn", "error", "off"})
    if (level.text == known) config.log_level = level.text;
  if (config.log_level != level.text)
    throw BadValue(describe("log-level", level, "one of trace, debug, info, warn, error, off"));

  if (const auto* root = get("web-root")) {
    std::error_code error;
    const auto folder = std::filesystem::absolute(root->text, error);
    if (root->text.empty() || error || !std::filesystem::is_directory(folder, error))
      throw BadValue(describe("web-root", *root, "an existing folder"));
    config.web_root = folder.lexically_normal().string();
  }
  // Peers find a node by its cluster address: an OS-chosen port (0) would be unknown to them.
  const auto cluster_address = [&get](const char* key) -> std::optional<HostPort> {
    const auto* raw = get(key);
    if (!raw) return std::nullopt;
    constexpr const char* kExpected = "HOST:PORT with a port from 1 to 65535";
    auto address = require(parse_host_port(raw->text), key, *raw, kExpected);
    if (address.port == 0) throw BadValue(describe(key, *raw, kExpected));
    return address;
  };
  config.cluster_listen = cluster_address("cluster-listen");
  config.cluster_advertise = cluster_address("cluster-advertise");
  if (config.cluster_advertise && !config.cluster_listen)
    throw BadValue("--cluster-advertise needs --cluster-listen: it is the address of that one");
  if (const auto* peers = get("peers")) {
    config.peers = require(parse_host_port_list(peers->text), "peers", *peers,
                           "a comma-separated list of HOST:PORT");
    if (!config.cluster_listen)
      throw BadValue(
          "--peers needs --cluster-listen: a node joins a cluster only with its own "
          "cluster address");
  }
  if (config.cluster_listen && config.database.kind == DatabaseKind::sqlite)
    throw BadValue(
        "--cluster-listen needs a PostgreSQL --database: a cluster shares one "
        "PostgreSQL, the embedded SQLite cannot be shared");
  return config;
}

void add_setting_options(CLI::App& command, std::map<std::string, CLI::Option*>& options,
                         std::map<std::string, std::string>& storage) {
  for (const auto& spec : kSettings) {
    const std::string key(spec.key);
    std::string help(spec.help);
    help += " [env " + std::string(spec.env);
    if (!spec.default_value.empty()) help += ", default " + std::string(spec.default_value);
    help += "]";
    options[key] = command.add_option("--" + key, storage[key], help);
  }
  options["config"] = command.add_option("--config", storage["config"],
                                         "TOML file with the same keys [env BOXOFFICE_CONFIG]");
}

}  // namespace

LoadOutcome load_config(const std::vector<std::string>& args, const EnvLookup& env) {
  CLI::App app{"boxoffice: concert seat sales with a waiting room, holds and payments",
               "boxoffice"};
  app.set_version_flag("--version", "boxoffice " BOXOFFICE_VERSION);
  app.require_subcommand(1, 1);

  std::map<std::string, std::string> storage;
  std::map<std::string, std::map<std::string, CLI::Option*>> options;
  auto* serve = app.add_subcommand("serve", "apply migrations and serve the REST API");
  auto* migrate = app.add_subcommand("migrate", "apply pending schema migrations and exit");
  auto* seed = app.add_subcommand("seed", "create demo data when the database is empty");
  bool demo = false;
  seed->add_flag("--demo", demo, "users, a concert and bookable schedules to try the API");
  for (auto* command : {serve, migrate, seed})
    add_setting_options(*command, options[command->get_name()], storage);

  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& error) {
    std::ostringstream out, err;
    const int code = app.exit(error, out, err);
    if (code == 0) return {std::nullopt, 0, out.str()};
    std::string text = error.what();
    if (const auto newline = text.find('\n'); newline != std::string::npos) text.resize(newline);
    return {std::nullopt, 2, "boxoffice: " + text + " (see boxoffice --help)"};
  }

  CLI::App* chosen = serve->parsed() ? serve : migrate->parsed() ? migrate : seed;
  const Command command = chosen == serve     ? Command::serve
                          : chosen == migrate ? Command::migrate
                                              : Command::seed_demo;
  if (command == Command::seed_demo && !demo)
    return {std::nullopt, 2, "boxoffice: seed needs --demo (the only kind of seed data)"};

  auto& given = options[chosen->get_name()];
  auto from_env = [&](std::string_view name) -> std::optional<std::string> {
    auto value = env(std::string(name));
    if (value && value->empty()) return std::nullopt;
    return value;
  };
  try {
    std::map<std::string, RawValue> file_values;
    std::optional<std::string> config_path;
    if (given["config"]->count() > 0)
      config_path = storage["config"];
    else
      config_path = from_env("BOXOFFICE_CONFIG");
    if (config_path) file_values = read_config_file(*config_path);

    std::map<std::string, RawValue> values;
    for (const auto& spec : kSettings) {
      const std::string key(spec.key);
      if (given[key]->count() > 0)
        values[key] = RawValue{storage[key], ""};
      else if (auto text = from_env(spec.env))
        values[key] = RawValue{*text, std::string(spec.env)};
      else if (file_values.count(key))
        values[key] = file_values[key];
      else if (!spec.default_value.empty())
        values[key] = RawValue{std::string(spec.default_value), "default"};
    }
    return {build(values, command), 0, ""};
  } catch (const BadValue& error) {
    return {std::nullopt, 2, std::string("boxoffice: ") + error.what()};
  }
}

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    if (const char* value = std::getenv(name.c_str())) return std::string(value);
    return std::nullopt;
  };
}

}  // namespace boxoffice::config

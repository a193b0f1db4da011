#include "chaos/balancer.hpp"

#include "chaos/stable_ports.hpp"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "chaos/cluster.hpp"

namespace boxoffice::chaos {
namespace {

constexpr auto kPollEvery = std::chrono::milliseconds(20);
constexpr const char* kBackend = "nodes";  // as deploy/haproxy-config.sh names it

std::string milliseconds_text(double seconds) {
  return std::to_string(std::max(1L, static_cast<long>(seconds * 1000))) + "ms";
}

std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  for (std::string field; std::getline(in, field, ',');) fields.push_back(field);
  return fields;
}

// Runs a command to completion with its output in `path`; its exit code.
int run_to_file(const std::string& binary, std::vector<std::string> args, const std::string& path) {
  std::filesystem::remove(path);
  NodeProcess command(binary, std::move(args), path);
  command.start();
  return command.wait_exit(std::chrono::seconds(30)).value_or(-1);
}

}  // namespace

Balancer::Balancer(const Options& options, std::vector<std::string> node_addresses)
    : options_(options),
      nodes_(std::move(node_addresses)),
      address_("127.0.0.1:" + std::to_string(pick_stable_ports(1).front())),
      config_path_(options.out_dir + "/haproxy.cfg"),
      socket_path_(options.out_dir + "/haproxy.sock"),
      current_(nodes_.size()) {
  sockaddr_un probe{};
  if (socket_path_.size() >= sizeof probe.sun_path)
    socket_path_ = "/tmp/boxoffice-chaos-" + std::to_string(::getpid()) + ".sock";
}

Balancer::~Balancer() {
  stopping_ = true;
  if (watcher_.joinable()) watcher_.join();
  if (process_ && process_->running()) process_->stop(std::chrono::seconds(5));
  std::filesystem::remove(socket_path_);
}

void Balancer::start() {
  const double check = options_.check_every_s;
  std::vector<std::string> args{"BALANCER_LISTEN=" + address_,
                                "BALANCER_STATS=" + socket_path_,
                                "BALANCER_STATS_HTTP=",
                                "BALANCER_LOG=stdout",
                                "BALANCER_USER=",
                                "BALANCER_MAXCONN=2000",
                                "CHECK_INTER=" + milliseconds_text(check),
                                "CHECK_FAST=" + milliseconds_text(check / 2),
                                "CHECK_FALL=2",
                                "CHECK_RISE=2",
                                "NODE_TIMEOUT=" + milliseconds_text(options_.balancer_timeout_s),
                                options_.balancer_script};
  args.insert(args.end(), nodes_.begin(), nodes_.end());
  if (run_to_file("/usr/bin/env", args, config_path_) != 0)
    throw std::runtime_error(options_.balancer_script + " failed; see " + config_path_);
  const auto log = options_.out_dir + "/haproxy.log";
  if (run_to_file(options_.haproxy, {"-c", "-f", config_path_}, log + ".check") != 0)
    throw std::runtime_error("haproxy -c refused " + config_path_ + "; see " + log + ".check");
  process_ = std::make_unique<NodeProcess>(
      options_.haproxy, std::vector<std::string>{"-db", "-f", config_path_}, log);
  process_->log_marker("start haproxy on " + address_);
  process_->start();
  watcher_ = std::thread([this] { watch(); });
  const auto started = Clock::now();
  const auto deadline = started + std::chrono::seconds(static_cast<long>(options_.ready_timeout_s));
  for (int i = 0; i < static_cast<int>(nodes_.size()); ++i)
    while (!wait_status(i, "UP", started, 0.5)) {
      if (const auto code = process_->wait_exit(std::chrono::milliseconds(0)))
        throw std::runtime_error("haproxy exited with " + std::to_string(*code) + "; see " + log);
      if (Clock::now() > deadline)
        throw std::runtime_error("the balancer did not see node " + std::to_string(i + 1) +
                                 " UP in time; see " + log);
    }
  spdlog::info("balancer: HAProxy on {} in front of {} nodes (checks every {:.0f} ms)", address_,
               nodes_.size(), check * 1000);
}

std::string Balancer::show_stat() const {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return "";
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, socket_path_.c_str(), sizeof address.sun_path - 1);
  std::string out;
  const std::string command = "show stat\n";
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::send(fd, command.data(), command.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(command.size())) {
    char buffer[8192];
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;)
      out.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

std::vector<std::string> Balancer::statuses(const std::string& csv) const {
  std::vector<std::string> out(nodes_.size());
  std::stringstream lines(csv);
  std::string line;
  if (!std::getline(lines, line) || line.rfind("# ", 0) != 0) return out;
  const auto header = csv_fields(line.substr(2));
  std::size_t proxy = 0, server = 0, status = 0;
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == "pxname") proxy = i;
    if (header[i] == "svname") server = i;
    if (header[i] == "status") status = i;
  }
  while (std::getline(lines, line)) {
    const auto fields = csv_fields(line);
    if (fields.size() <= std::max({proxy, server, status}) || fields[proxy] != kBackend) continue;
    const auto& name = fields[server];
    if (name.rfind("node", 0) != 0) continue;
    const auto index = std::strtoul(name.c_str() + 4, nullptr, 10);
    if (index < 1 || index > out.size()) continue;
    out[index - 1] = fields[status].substr(0, fields[status].find(' '));
  }
  return out;
}

void Balancer::watch() {
  while (!stopping_) {
    const auto now = Clock::now();
    const auto seen = statuses(show_stat());
    {
      std::lock_guard lock(mutex_);
      for (std::size_t i = 0; i < seen.size(); ++i) {
        if (seen[i].empty() || seen[i] == current_[i]) continue;
        current_[i] = seen[i];
        changes_.push_back({now, static_cast<int>(i), seen[i]});
      }
    }
    changed_.notify_all();
    std::this_thread::sleep_for(kPollEvery);
  }
}

std::optional<Balancer::Clock::time_point> Balancer::wait_status(int i, const std::string& status,
                                                                 Clock::time_point since,
                                                                 double timeout_s) {
  const auto deadline =
      Clock::now() + std::chrono::milliseconds(static_cast<long>(timeout_s * 1000));
  std::unique_lock lock(mutex_);
  std::optional<Clock::time_point> found;
  changed_.wait_until(lock, deadline, [&] {
    for (const auto& change : changes_)
      if (change.node == i && change.status == status && change.at >= since) {
        found = change.at;
        return true;
      }
    return false;
  });
  return found;
}

std::string Balancer::counters() {
  std::stringstream lines(show_stat());
  std::string line;
  if (!std::getline(lines, line) || line.rfind("# ", 0) != 0) return "no stats";
  const auto header = csv_fields(line.substr(2));
  while (std::getline(lines, line)) {
    const auto fields = csv_fields(line);
    if (fields.size() < header.size() || fields[0] != kBackend || fields[1] != "BACKEND") continue;
    std::string out;
    for (std::size_t i = 0; i < header.size(); ++i)
      for (const char* wanted : {"stot", "wretr", "wredis", "econ", "eresp", "hrsp_5xx"})
        if (header[i] == wanted) out += (out.empty() ? "" : " ") + header[i] + "=" + fields[i];
    return out;
  }
  return "no backend line";
}

}  // namespace boxoffice::chaos

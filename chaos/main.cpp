// boxoffice-chaos: starts N boxoffice nodes on a fresh PostgreSQL schema, drives an on-sale
// night against them while killing, freezing and restarting nodes, then checks the
// invariants. Exit 0 only if every invariant holds; 1 if one is violated; 2 for bad flags;
// 3 if the run could not be set up; 130 if interrupted (Ctrl-C) with every check passing. See
// docs/chaos.md.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "chaos/active_sampler.hpp"
#include "chaos/balancer.hpp"
#include "chaos/chaos_database.hpp"
#include "chaos/cluster.hpp"
#include "chaos/database_faults.hpp"
#include "chaos/fault_runner.hpp"
#include "chaos/flags.hpp"
#include "chaos/invariants.hpp"
#include "chaos/load_worker.hpp"
#include "chaos/prober.hpp"
#include "chaos/report.hpp"
#include "chaos/setup.hpp"

namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_signal(int) {
  g_interrupted = true;
}

void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

}  // namespace

namespace boxoffice::chaos {
namespace {

// Runs the load threads while the fault runner works on this (the main) thread.
double run_load(const Options& options, World& world, Cluster& cluster, Balancer* balancer,
                Prober& prober, ActiveSampler& sampler, DatabaseFaults& database, RunRecord& record,
                std::vector<FaultRecord>& timeline) {
  const int workers = std::min(options.clients, static_cast<int>(world.users.size()));
  std::vector<std::vector<int>> slices(static_cast<std::size_t>(workers));
  for (int u = 0; u < static_cast<int>(world.users.size()); ++u)
    slices[static_cast<std::size_t>(u % workers)].push_back(u);
  std::atomic<bool> stop{false};
  std::vector<std::unique_ptr<LoadWorker>> load;
  for (int w = 0; w < workers; ++w)
    load.push_back(
        std::make_unique<LoadWorker>(w, options, world, slices[static_cast<std::size_t>(w)], stop));
  world.started = std::chrono::steady_clock::now();
  sampler.start(world.started);
  std::vector<std::thread> threads;
  for (auto& worker : load) threads.emplace_back([&worker] { worker->run(); });
  spdlog::info("load: {} workers over {} nodes{} for {:.0f} s", workers, cluster.size(),
               balancer ? " behind the balancer" : "", options.duration_s);

  FaultRunner faults(options, cluster, prober, world, database, balancer);
  faults.run(
      world.started + std::chrono::milliseconds(static_cast<long>(options.duration_s * 1000)),
      g_interrupted);
  stop = true;
  for (auto& thread : threads) thread.join();
  const double load_s = world.elapsed_s();
  sampler.stop();
  for (auto& worker : load) record.merge(worker->take_record());
  timeline = faults.timeline();
  spdlog::info("load stopped after {:.1f} s{}", load_s, g_interrupted ? " (interrupted)" : "");
  return load_s;
}

int run(const Options& options) {
  std::filesystem::create_directories(options.out_dir);
  RunRecord record;
  std::vector<FaultRecord> timeline;
  std::vector<Verdict> verdicts;
  double load_s = 0;
  std::string error, schema;
  try {
    ChaosDatabase database(options.database, options.keep_schema);
    schema = database.schema();
    Cluster cluster(options, database.url());
    spdlog::info("starting {} node(s); logs in {}", options.nodes, options.out_dir);
    cluster.start_all();
    std::unique_ptr<Balancer> balancer;
    if (options.balanced()) {
      balancer = std::make_unique<Balancer>(options, cluster.http_addresses());
      balancer->start();
    }
    World world = set_up_world(options, balancer ? std::vector<std::string>{balancer->address()}
                                                 : cluster.http_addresses());
    world.nodes = cluster.http_addresses();
    Prober prober(options, world);
    prober.prepare();
    ActiveSampler sampler(database, options.queue_max_active, options.sample_every_s);
    DatabaseFaults database_faults(database);
    load_s = run_load(options, world, cluster, balancer.get(), prober, sampler, database_faults,
                      record, timeline);
    attribute_failures(record, timeline);
    if (balancer) spdlog::info("balancer counters: {}", balancer->counters());

    spdlog::info("checking invariants");
    auto sql = database.open();
    const CheckInputs inputs{options, world, record, sampler, timeline};
    for (auto&& v : check_database(*sql, inputs)) verdicts.push_back(std::move(v));
    for (auto&& v : check_queue(*sql, inputs)) verdicts.push_back(std::move(v));
    for (auto&& v : check_acknowledged(*sql, inputs)) verdicts.push_back(std::move(v));
    for (auto&& v : check_api(*sql, inputs, prober.active_token(record.active_tokens)))
      verdicts.push_back(std::move(v));
    if (balancer)
      for (auto&& v : check_balancer(inputs)) verdicts.push_back(std::move(v));

    Violations exits;
    for (const auto& line : cluster.stop_all())
      if (line.substr(line.size() - 7) != " exit 0") exits.add(line);
    verdicts.push_back(exits.verdict("every node exits 0 on SIGTERM at the end", "all 0"));
  } catch (const std::exception& e) {
    error = e.what();
    spdlog::error("{}", error);
  }
  const RunSummary summary{options, record, timeline, verdicts, load_s, schema, error};
  print_report(std::cout, summary);
  std::ofstream json(options.report);
  json << report_json(summary).dump(2) << '\n';
  if (!json)
    spdlog::error("cannot write the report to {}", options.report);
  else
    spdlog::info("report written to {}", options.report);
  if (!error.empty() && verdicts.empty()) return 3;
  if (!all_pass(summary)) return 1;
  return g_interrupted ? 130 : 0;  // every check passed, but the run was cut short
}

}  // namespace
}  // namespace boxoffice::chaos

int main(int argc, char** argv) {
  int exit_code = 0;
  const auto options = boxoffice::chaos::parse_flags(argc, argv, exit_code);
  if (!options) return exit_code;
  spdlog::set_default_logger(spdlog::stderr_color_mt("chaos"));
  spdlog::set_pattern("%H:%M:%S.%e chaos %^%l%$ %v");
  install_signal_handlers();
  return boxoffice::chaos::run(*options);
}

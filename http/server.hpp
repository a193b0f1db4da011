#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include <httplib.h>

#include "http/http_metrics.hpp"
#include "http/router.hpp"
#include "http/services.hpp"

namespace boxoffice::http {

// The REST front: httplib tuned as in shared/notes (nodelay, worker pool, keep-alive,
// backlog, body limit), one catch-all entry per method that hands over to the Router, and
// problem+json for every error, including the ones httplib produces itself (400, 413).
class Server {
 public:
  explicit Server(Services services);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  Router& router() { return router_; }
  Services& services() { return services_; }
  HttpMetrics& metrics() { return metrics_; }

  // Binds the configured listen address (port 0 picks a free one); returns the port.
  // Throws std::runtime_error naming the address when it cannot bind.
  int bind();
  // Serves until stop(); returns after the requests in flight have been answered.
  void run();
  // Stops accepting, lets requests in flight finish, closes idle keep-alive connections.
  void stop();
  bool is_running() const;
  int port() const { return port_; }

 private:
  class Listener;
  httplib::Server::HandlerResponse screen(const httplib::Request& request,
                                          httplib::Response& response);
  void dispatch(const httplib::Request& request, httplib::Response& response);
  void finish(const httplib::Request& request, const httplib::Response& response,
              const std::string& route, const std::string& request_id,
              std::chrono::steady_clock::time_point start);
  void close_idle_connections() const;
  void drop_connection(const httplib::Request& request) const;

  Services services_;
  Router router_;
  HttpMetrics metrics_;
  std::unique_ptr<Listener> listener_;
  int port_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> run_entered_{false};
  // Connections (peer "addr:port") between dispatch and the end of writing their answer.
  mutable std::mutex busy_mutex_;
  std::multiset<std::string> busy_connections_;
  std::atomic<bool> run_done_{false};
};

}  // namespace boxoffice::http

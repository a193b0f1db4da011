#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>

#include "http/front/connection_loop.hpp"
#include "http/http_metrics.hpp"
#include "http/router.hpp"
#include "http/services.hpp"

namespace boxoffice::http {

// The REST front. The project's connection layer (http/front/) owns the sockets; httplib
// parses each complete request, runs the one catch-all entry per method that hands over to
// the Router, and writes the answer. Every error is problem+json, including the ones httplib
// (400, 414) and the connection layer (400, 408, 413, 431, 503) produce themselves.
class Server {
 public:
  explicit Server(Services services);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  Router& router() { return router_; }
  Services& services() { return services_; }
  HttpMetrics& metrics() { return metrics_; }
  const front::FrontGauges& front_gauges() const { return loop_.gauges(); }

  // Binds the configured listen address (port 0 picks a free one); returns the port.
  // Throws std::runtime_error naming the address when it cannot bind.
  int bind();
  // Serves until stop(); returns after the requests in flight have been answered.
  void run();
  // Stops accepting, closes idle connections, lets requests in flight finish.
  void stop();
  bool is_running() const { return running_.load(); }
  int port() const { return port_; }

 private:
  class Dispatcher;
  bool process(std::string_view request, const front::PeerAddress& peer, bool closing,
               std::string& answer, front::Deferral& deferral);
  std::string refusal(domain::ErrorCode code, const std::string& detail,
                      std::string_view request_id, bool closing);
  httplib::Server::HandlerResponse screen(const httplib::Request& request,
                                          httplib::Response& response);
  void dispatch(const httplib::Request& request, httplib::Response& response);
  void finish(const httplib::Request& request, const httplib::Response& response,
              const std::string& route, const std::string& request_id,
              std::chrono::steady_clock::time_point start);

  Services services_;
  Router router_;
  HttpMetrics metrics_;
  std::unique_ptr<Dispatcher> dispatcher_;
  front::ConnectionLoop loop_;
  int listen_fd_ = -1;
  int port_ = -1;
  std::atomic<bool> running_{false};
};

}  // namespace boxoffice::http

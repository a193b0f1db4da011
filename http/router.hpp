#pragma once

#include <httplib.h>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "domain/error.hpp"

namespace boxoffice::http {

class LaterAnswer;

// What a handler knows about its request beyond httplib's Request.
struct RequestContext {
  std::map<std::string, std::string> params;  // "{walletId}" segments by name
  std::string request_id;
  std::string route;  // the matched pattern, e.g. "/api/v1/wallets/{walletId}" (metrics label)
  // When the request was handed to its handler (its writes' deadline is --request-timeout
  // after it). Unset: the handler's own start counts.
  std::chrono::steady_clock::time_point started{};
  // Takes the answer out of the handler's hands: it returns at once and answers through the
  // handle later, from any thread (an actor's reply), holding no thread meanwhile; a handle
  // dropped unanswered answers `unanswered`. Set by Server for every routed request.
  std::function<std::shared_ptr<LaterAnswer>(domain::Error unanswered)> answer_later;
  // Run by the connection loop's own thread (a route added with Router::add_on_loop): the
  // handler must not wait. Where it would (an answer memory does not have), it calls
  // `to_worker` and returns before doing anything: the request runs again on a worker.
  bool on_loop = false;
  std::function<void()> to_worker;

  const std::string& param(const std::string& name) const { return params.at(name); }
};

using Handler =
    std::function<void(const httplib::Request&, httplib::Response&, const RequestContext&)>;

// Routes by literal segments and "{name}" placeholders; tells a wrong method (405, with the
// allowed ones) from an unknown path (404).
class Router {
 public:
  void add(std::string method, std::string pattern, Handler handler);
  // A route whose handler answers from memory or later (RequestContext::on_loop): the
  // connection loop runs it on its own thread.
  void add_on_loop(std::string method, std::string pattern, Handler handler);
  // Whether a request (method and target as sent) goes to one of those (the route match()
  // would pick for it). Allocates nothing: the loop asks it for every request.
  bool runs_on_loop(std::string_view method, std::string_view target) const;

  struct Match {
    const Handler* handler = nullptr;  // null: no route for this method
    std::string route;                 // pattern matched by path ("" when none)
    std::vector<std::string> allowed;  // methods of that pattern (for 405)
    std::map<std::string, std::string> params;
  };
  Match match(std::string_view method, std::string_view path) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
    bool on_loop = false;
  };
  void add_route(std::string method, std::string pattern, Handler handler, bool on_loop);

  std::vector<Route> routes_;
};

}  // namespace boxoffice::http

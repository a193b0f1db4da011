#pragma once

#include <httplib.h>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "domain/error.hpp"
#include "domain/result.hpp"
#include "http/front/deferred_answer.hpp"
#include "http/http_metrics.hpp"

namespace boxoffice::http {

// The answer of a request whose handler returned before it was known (it waits for an actor:
// no thread waits with it). Given once, from any thread; rendered, counted and logged as a
// synchronous answer is. One that is never given (the actor system dropped the request) is
// answered with `unanswered` when the last handle goes.
class LaterAnswer {
 public:
  // What the answer needs to know of its request.
  struct Origin {
    std::string method;  // known_method()
    std::string route;
    std::string path;
    std::string request_id;
    std::string client;
    bool close = false;  // the connection ends after the answer
    std::chrono::steady_clock::time_point started;
  };

  LaterAnswer(std::shared_ptr<front::DeferredAnswer> answer, Origin origin, HttpMetrics& metrics,
              domain::Error unanswered);
  ~LaterAnswer();
  LaterAnswer(const LaterAnswer&) = delete;
  LaterAnswer& operator=(const LaterAnswer&) = delete;

  void reply_json(int status, const nlohmann::json& body);
  void reply_error(const domain::Error& error);
  // An actor's result: its error, or `render(value)` as {status, JSON body}.
  template <class T, class Render>
  void reply(const domain::Result<T>& result, Render render) {
    if (!result.ok()) return reply_error(result.error());
    const auto [status, body] = render(result.value());
    reply_json(status, body);
  }

 private:
  void give(const httplib::Response& response);

  std::shared_ptr<front::DeferredAnswer> answer_;
  Origin origin_;
  HttpMetrics& metrics_;
  domain::Error unanswered_;
  bool given_ = false;
};

}  // namespace boxoffice::http

#pragma once

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "domain/result.hpp"
#include "http/problem.hpp"

namespace boxoffice::http {

inline void reply_json(httplib::Response& response, int status, const nlohmann::json& body) {
  response.status = status;
  response.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                       "application/json");
}

// Answers the error of a failed Result and returns true; false when it holds a value.
template <class T>
bool reply_if_error(httplib::Response& response, const domain::Result<T>& result) {
  if (result.ok()) return false;
  write_problem(response, result.error());
  return true;
}

// An answer given now, with the calls of a LaterAnswer (for handlers that answer either way).
class NowAnswer {
 public:
  explicit NowAnswer(httplib::Response& response) : response_(response) {}
  void reply_json(int status, const nlohmann::json& body) {
    http::reply_json(response_, status, body);
  }
  void reply_error(const domain::Error& error) { write_problem(response_, error); }

 private:
  httplib::Response& response_;
};

}  // namespace boxoffice::http

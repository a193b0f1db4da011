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

}  // namespace boxoffice::http

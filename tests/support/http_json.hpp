#pragma once

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <string>

namespace boxoffice::testing {

// POST of a JSON body with optional extra headers.
inline httplib::Result post_json(httplib::Client& client, const std::string& path,
                                 const nlohmann::json& body, const httplib::Headers& headers = {}) {
  return client.Post(path.c_str(), headers, body.dump(), "application/json");
}

}  // namespace boxoffice::testing

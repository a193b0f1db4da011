#pragma once

#include <string_view>

namespace boxoffice::http {

// http/openapi.json, embedded at build time and served as is.
std::string_view openapi_document();

}  // namespace boxoffice::http

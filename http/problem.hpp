#pragma once

#include <httplib.h>

#include "domain/error.hpp"

namespace boxoffice::http {

// Writes an RFC 9457 application/problem+json answer for the error (503 adds Retry-After).
void write_problem(httplib::Response& response, const domain::Error& error);

}  // namespace boxoffice::http

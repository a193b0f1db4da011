#pragma once

#include <httplib.h>

#include "domain/error.hpp"

namespace boxoffice::http {

// The one table from domain error codes to HTTP status.
int status_for(domain::ErrorCode code);

// Writes an RFC 9457 application/problem+json answer for the error (503 adds Retry-After).
void write_problem(httplib::Response& response, const domain::Error& error);

}  // namespace boxoffice::http

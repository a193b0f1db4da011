#pragma once

#include <httplib.h>
#include <string>

#include "domain/result.hpp"

namespace boxoffice::http {

// The optional Idempotency-Key header ("" when absent); INVALID_REQUEST unless 1 to 128
// printable ASCII characters. (cpp-httplib 0.11 percent-decodes header values and drops
// empty ones before we see them: see docs/http-front.md.)
domain::Result<std::string> idempotency_key_of(const httplib::Request& request);

}  // namespace boxoffice::http

#pragma once

#include "actors/gateway.hpp"
#include "http/router.hpp"

namespace boxoffice::http {

// What the actors need to know of an HTTP request for a write it makes: its id and when it
// started (the write's deadline counts from then).
inline actors::RequestOrigin origin_of(const RequestContext& context) {
  return actors::RequestOrigin{context.request_id, context.started};
}

}  // namespace boxoffice::http

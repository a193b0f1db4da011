#pragma once

#include <httplib.h>

#include <optional>

#include "actors/gateway.hpp"
#include "domain/result.hpp"

namespace boxoffice::http {

// The bearer token of a request: TOKEN_INVALID when missing or malformed.
domain::Result<std::string> bearer_token(const httplib::Request& request);

// The gate of every booking route: 401 TOKEN_INVALID (no, malformed or unknown token),
// 403 TOKEN_NOT_ACTIVE (WAITING, EXPIRED or COMPLETED), else the ACTIVE token.
domain::Result<domain::TokenView> require_active_token(actors::Gateway& actors,
                                                       const httplib::Request& request);

// The same gate for a handler that may run on the connection loop: there from this node's
// memory only, none when the queue actor would have to be asked (the handler hands the
// request to a worker then); on a worker as require_active_token.
std::optional<domain::Result<domain::TokenView>> active_token(actors::Gateway& actors,
                                                              const httplib::Request& request,
                                                              bool on_loop);

// The same gate without the ACTIVE requirement (reservation reads take any known token).
domain::Result<domain::TokenView> require_known_token(actors::Gateway& actors,
                                                      const httplib::Request& request);

}  // namespace boxoffice::http

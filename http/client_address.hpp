#pragma once

#include <httplib.h>

#include <string>

namespace boxoffice::http {

// The address of the client a request came from, for logs: behind a load balancer the
// address it appended to X-Forwarded-For (the last element of the last such header: what a
// client wrote itself comes before it), else the connection's peer. A malformed forwarded
// value (not an IP address's characters, or over 45 characters) falls back to the peer.
std::string client_address(const httplib::Request& request);

}  // namespace boxoffice::http

#pragma once

#include <httplib.h>

#include <string>

namespace boxoffice::http {

// The whole HTTP/1.1 answer for `response` (status line, its headers, Content-Length, the
// request id, `Connection: close` when `close`, then the body), for answers written without
// httplib: refusals of the connection layer and answers given later (LaterAnswer).
std::string answer_bytes(const httplib::Response& response, const std::string& request_id,
                         bool close);

// The reason phrase of a status line.
const char* reason_phrase(int status);

}  // namespace boxoffice::http

#pragma once

#include <string>

namespace boxoffice::http {

// The method as a metrics label and in logs: one of the known ones, else OTHER (bounded
// cardinality, no quote or newline from a garbage request line).
std::string known_method(const std::string& method);

// Text as one log line: control characters become \xHH, so a request cannot forge lines.
std::string printable(const std::string& text);

// The access log (docs/http-front.md): every answer at debug level; at the default level
// only server errors (5xx), at most kServerErrorLinesPerSecond lines a second, the rest
// counted and reported on the next line that is written. Nothing is written per request
// at the default level for answers below 500: /metrics counts them. `client` is the
// client's address (http/client_address.hpp), "" when unknown.
void log_answer(const std::string& method, const std::string& route, const std::string& path,
                int status, double millis, const std::string& request_id,
                const std::string& client);
// Whether log_answer may write a line for this status at the current level (so the caller
// only works out what the line needs when it may be written).
bool answer_may_be_logged(int status);

inline constexpr int kServerErrorLinesPerSecond = 20;

}  // namespace boxoffice::http

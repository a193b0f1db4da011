#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "domain/error.hpp"

namespace boxoffice::http::front {

// The size limits framing enforces before a request reaches a worker.
struct FramingLimits {
  std::size_t max_head_bytes = 16 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;
};

enum class FrameVerdict {
  incomplete,  // more bytes are needed
  complete,    // one whole request is at the start of the buffer
  rejected,    // the request cannot be framed: answer `code` and end the connection
};

// Where one HTTP/1.1 request ends in a connection's buffered bytes (RFC 9112 section 6):
// a head up to the empty line, then a body framed by Content-Length or by chunked
// Transfer-Encoding, or no body at all. Pure: no socket, no clock.
struct FramedRequest {
  FrameVerdict verdict = FrameVerdict::incomplete;
  bool head_complete = false;
  // The head asks for `100 Continue` and its body has not all arrived yet.
  bool expect_continue = false;
  // complete: how many bytes of the buffer this request occupies (head and body).
  std::size_t message_bytes = 0;
  // complete: when not empty, the request as workers must see it instead of the buffered
  // bytes: a chunked body decoded to a Content-Length one, and `Range`, `Expect` and
  // `Transfer-Encoding` removed (API answers are never partial; 100 Continue was sent).
  std::string normalized;
  // head_complete: views into the buffer.
  std::string_view method;
  std::string_view target;
  std::string_view request_id;  // the X-Request-Id header's value, if any
  // rejected:
  domain::ErrorCode code = domain::ErrorCode::invalid_request;
  std::string detail;
};

FramedRequest frame_request(std::string_view buffer, const FramingLimits& limits);

// True for the request targets answered even when every worker is busy.
bool is_operations_target(std::string_view method, std::string_view target);

// ASCII case-insensitive equality (header names and tokens, RFC 9110 section 5.1).
bool equals_ignoring_case(std::string_view a, std::string_view b);

}  // namespace boxoffice::http::front

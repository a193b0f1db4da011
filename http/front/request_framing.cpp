#include "http/front/request_framing.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>

namespace boxoffice::http::front {
namespace {

using domain::ErrorCode;

constexpr std::string_view kCrlf = "\r\n";
constexpr std::size_t kMaxChunkLine = 1024;  // chunk size and its extensions

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

FramedRequest reject(FramedRequest framed, ErrorCode code, std::string detail) {
  framed.verdict = FrameVerdict::rejected;
  framed.code = code;
  framed.detail = std::move(detail);
  return framed;
}

// A line feed not preceded by a carriage return: lines must end with CRLF (a lenient LF
// would let this framer and httplib's parser disagree on where a header ends).
bool has_bare_line_feed(std::string_view bytes) {
  for (std::size_t i = bytes.find('\n'); i != std::string_view::npos; i = bytes.find('\n', i + 1))
    if (i == 0 || bytes[i - 1] != '\r') return true;
  return false;
}

// What the head says about framing.
struct HeadFields {
  std::string_view content_length;
  bool has_content_length = false;
  std::string transfer_encoding;  // every Transfer-Encoding line, joined with ','
  bool has_transfer_encoding = false;
  bool expect_continue = false;
  bool has_expect = false;
  bool has_range = false;
  std::string_view request_id;
};

// Reads the header lines between the request line and the empty line; false with `error`
// set when one cannot be framed safely.
bool read_head_fields(std::string_view lines, HeadFields& fields, std::string& error) {
  while (!lines.empty()) {
    const auto end = lines.find(kCrlf);
    const auto line = lines.substr(0, end);
    lines.remove_prefix(end == std::string_view::npos ? lines.size() : end + kCrlf.size());
    if (line.front() == ' ' || line.front() == '\t') {
      error = "folded header lines (obs-fold) are not accepted";
      return false;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      error = "a header line has no field name and colon";
      return false;
    }
    const auto name = line.substr(0, colon);
    if (name.find_first_of(" \t") != std::string_view::npos) {
      error = "whitespace between a header name and its colon";
      return false;
    }
    const auto value = trim(line.substr(colon + 1));
    if (equals_ignoring_case(name, "Content-Length")) {
      if (fields.has_content_length && fields.content_length != value) {
        error = "Content-Length given twice with different values";
        return false;
      }
      fields.has_content_length = true;
      fields.content_length = value;
    } else if (equals_ignoring_case(name, "Transfer-Encoding")) {
      if (fields.has_transfer_encoding) fields.transfer_encoding += ',';
      fields.transfer_encoding.append(value.data(), value.size());
      fields.has_transfer_encoding = true;
    } else if (equals_ignoring_case(name, "Expect")) {
      fields.has_expect = true;
      fields.expect_continue =
          fields.expect_continue || equals_ignoring_case(value, "100-continue");
    } else if (equals_ignoring_case(name, "Range")) {
      fields.has_range = true;
    } else if (equals_ignoring_case(name, "X-Request-Id")) {
      fields.request_id = value;
    }
  }
  return true;
}

// Transfer-Encoding accepted: exactly one coding, `chunked` (in any letter case).
bool is_plain_chunked(std::string_view codings) {
  std::size_t listed = 0;
  bool chunked = false;
  while (!codings.empty()) {
    const auto comma = codings.find(',');
    const auto coding = trim(codings.substr(0, comma));
    codings.remove_prefix(comma == std::string_view::npos ? codings.size() : comma + 1);
    if (coding.empty()) continue;
    ++listed;
    chunked = equals_ignoring_case(coding, "chunked");
  }
  return listed == 1 && chunked;
}

std::optional<std::uint64_t> parse_decimal(std::string_view digits) {
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

enum class ChunkedState { incomplete, complete, too_large, malformed };

// Decodes a chunked body starting at `body`; `consumed` is its length on the wire.
ChunkedState decode_chunked(std::string_view body, const FramingLimits& limits,
                            std::string& decoded, std::size_t& consumed) {
  std::size_t at = 0;
  while (true) {
    const auto line_end = body.find(kCrlf, at);
    if (line_end == std::string_view::npos)
      return body.size() - at > kMaxChunkLine ? ChunkedState::malformed : ChunkedState::incomplete;
    if (line_end - at > kMaxChunkLine) return ChunkedState::malformed;
    auto size_text = body.substr(at, line_end - at);
    size_text = size_text.substr(0, size_text.find(';'));  // chunk extensions are ignored
    size_text = trim(size_text);
    if (size_text.empty() || size_text.size() > 15) return ChunkedState::malformed;
    std::uint64_t size = 0;
    for (const char c : size_text) {
      const int digit = hex_value(c);
      if (digit < 0) return ChunkedState::malformed;
      size = size * 16 + static_cast<std::uint64_t>(digit);
    }
    at = line_end + kCrlf.size();
    if (size == 0) break;
    if (size > limits.max_body_bytes - decoded.size()) return ChunkedState::too_large;
    if (body.size() - at < size + kCrlf.size()) return ChunkedState::incomplete;
    if (body.substr(at + size, kCrlf.size()) != kCrlf) return ChunkedState::malformed;
    decoded.append(body.data() + at, size);
    at += size + kCrlf.size();
  }
  // Trailer fields up to an empty line: read past, never used.
  const auto trailers_start = at;
  while (true) {
    const auto line_end = body.find(kCrlf, at);
    if (line_end == std::string_view::npos)
      return body.size() - trailers_start > limits.max_head_bytes ? ChunkedState::malformed
                                                                  : ChunkedState::incomplete;
    if (line_end + kCrlf.size() - trailers_start > limits.max_head_bytes)
      return ChunkedState::malformed;
    const bool empty_line = line_end == at;
    at = line_end + kCrlf.size();
    if (empty_line) break;
  }
  consumed = at;
  return ChunkedState::complete;
}

// The request as workers see it: framing headers replaced by a Content-Length, and headers
// that would make httplib answer differently from the contract removed.
std::string normalize(std::string_view request_line, std::string_view header_lines,
                      std::string_view body) {
  std::string out;
  out.reserve(request_line.size() + header_lines.size() + body.size() + 32);
  out.append(request_line.data(), request_line.size());
  out += kCrlf;
  while (!header_lines.empty()) {
    const auto end = header_lines.find(kCrlf);
    const auto line = header_lines.substr(0, end);
    header_lines.remove_prefix(end == std::string_view::npos ? header_lines.size()
                                                             : end + kCrlf.size());
    const auto name = line.substr(0, line.find(':'));
    if (equals_ignoring_case(name, "Content-Length") ||
        equals_ignoring_case(name, "Transfer-Encoding") || equals_ignoring_case(name, "Expect") ||
        equals_ignoring_case(name, "Range"))
      continue;
    out.append(line.data(), line.size());
    out += kCrlf;
  }
  if (!body.empty()) out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += kCrlf;
  out.append(body.data(), body.size());
  return out;
}

}  // namespace

FramedRequest frame_request(std::string_view buffer, const FramingLimits& limits) {
  FramedRequest framed;
  // Empty lines before a request line are ignored (RFC 9112 section 2.2).
  std::size_t start = 0;
  while (buffer.size() - start >= 2 && buffer.compare(start, 2, kCrlf) == 0) start += 2;
  if (start > limits.max_head_bytes)
    return reject(framed, ErrorCode::headers_too_large, "the request head is over the limit");
  const auto rest = buffer.substr(start);
  if (rest.empty() || rest == "\r") return framed;

  const auto head_end = rest.find("\r\n\r\n");
  const auto head_bytes = head_end == std::string_view::npos ? rest.size() : head_end + 4;
  if (has_bare_line_feed(rest.substr(0, head_bytes)))
    return reject(framed, ErrorCode::invalid_request, "request lines must end with CRLF");
  if (head_bytes > limits.max_head_bytes)
    return reject(framed, ErrorCode::headers_too_large,
                  "the request head is over the limit of " + std::to_string(limits.max_head_bytes) +
                      " bytes");
  if (head_end == std::string_view::npos) return framed;
  framed.head_complete = true;

  const auto line_end = rest.find(kCrlf);
  const auto request_line = rest.substr(0, line_end);
  const auto header_lines = line_end == head_end
                                ? std::string_view()
                                : rest.substr(line_end + 2, head_end - line_end - 2);
  const auto first_space = request_line.find(' ');
  if (first_space != std::string_view::npos) {
    framed.method = request_line.substr(0, first_space);
    const auto second_space = request_line.find(' ', first_space + 1);
    framed.target = request_line.substr(first_space + 1, second_space == std::string_view::npos
                                                             ? std::string_view::npos
                                                             : second_space - first_space - 1);
  }

  HeadFields fields;
  std::string error;
  const bool readable = read_head_fields(header_lines, fields, error);
  framed.request_id = fields.request_id;
  if (!readable) return reject(framed, ErrorCode::invalid_request, error);
  if (fields.has_transfer_encoding && fields.has_content_length)
    return reject(framed, ErrorCode::invalid_request,
                  "Content-Length and Transfer-Encoding together are not accepted");

  const auto body_start = start + head_bytes;
  const auto body = buffer.substr(body_start);
  const bool rewrite = fields.has_expect || fields.has_range || fields.has_transfer_encoding;
  if (fields.has_transfer_encoding) {
    if (!is_plain_chunked(fields.transfer_encoding))
      return reject(framed, ErrorCode::invalid_request,
                    "Transfer-Encoding \"" + fields.transfer_encoding +
                        "\" is not supported; send Content-Length or chunked");
    std::string decoded;
    std::size_t consumed = 0;
    switch (decode_chunked(body, limits, decoded, consumed)) {
      case ChunkedState::incomplete: framed.expect_continue = fields.expect_continue; return framed;
      case ChunkedState::too_large:
        return reject(framed, ErrorCode::payload_too_large,
                      "request body is over the limit of " + std::to_string(limits.max_body_bytes) +
                          " bytes");
      case ChunkedState::malformed:
        return reject(framed, ErrorCode::invalid_request, "malformed chunked request body");
      case ChunkedState::complete: break;
    }
    framed.verdict = FrameVerdict::complete;
    framed.message_bytes = body_start + consumed;
    framed.normalized = normalize(request_line, header_lines, decoded);
    return framed;
  }

  std::uint64_t length = 0;
  if (fields.has_content_length) {
    const auto parsed = parse_decimal(fields.content_length);
    if (!parsed)
      return reject(framed, ErrorCode::invalid_request,
                    "Content-Length must be a decimal number of bytes");
    length = *parsed;
  }
  if (length > limits.max_body_bytes)
    return reject(
        framed, ErrorCode::payload_too_large,
        "request body is over the limit of " + std::to_string(limits.max_body_bytes) + " bytes");
  if (body.size() < length) {
    framed.expect_continue = fields.expect_continue;
    return framed;
  }
  framed.verdict = FrameVerdict::complete;
  framed.message_bytes = body_start + static_cast<std::size_t>(length);
  if (rewrite || start > 0)
    framed.normalized =
        normalize(request_line, header_lines, body.substr(0, static_cast<std::size_t>(length)));
  return framed;
}

bool is_operations_target(std::string_view method, std::string_view target) {
  if (method != "GET" && method != "HEAD") return false;
  const auto path = target.substr(0, target.find('?'));
  return path == "/healthz" || path == "/readyz" || path == "/metrics";
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace boxoffice::http::front

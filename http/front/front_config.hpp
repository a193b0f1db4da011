#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string_view>

#include "http/front/request_framing.hpp"

namespace boxoffice::http::front {

// The limits of the connection layer, fixed at start (flags of `boxoffice serve`).
struct FrontConfig {
  std::size_t max_connections = 10'000;
  std::size_t workers = 64;  // requests processed at once
  std::chrono::milliseconds keep_alive_timeout{std::chrono::seconds(60)};
  std::chrono::milliseconds header_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds write_timeout{std::chrono::seconds(30)};
  // A request that waited this long for a worker is answered 503 instead of being run; while
  // the oldest queued request is older than this, new ones are answered 503 at once.
  std::chrono::milliseconds max_queue_wait{std::chrono::milliseconds(500)};
  // After an answer that ends a connection, how long its late bytes are read and dropped so
  // that the close does not reset the answer away.
  std::chrono::milliseconds linger{std::chrono::seconds(2)};
  FramingLimits framing;
  // Requests (by method and target) whose processing never waits: the loop runs them itself,
  // no worker hand-off (docs/http-front.md, "Run on the loop"), when they are no larger than
  // `max_loop_request_bytes` (a big body is parsed on a worker, not between others' reads).
  // Unset: none.
  std::function<bool(std::string_view method, std::string_view target)> runs_on_loop;
  std::size_t max_loop_request_bytes = 8 * 1024;
};

}  // namespace boxoffice::http::front

#include "http/access_log.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdio>

namespace boxoffice::http {

std::string known_method(const std::string& method) {
  for (const char* known :
       {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})
    if (method == known) return method;
  return "OTHER";
}

std::string printable(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      out += escaped;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

namespace {

// A one-second window of server-error lines, shared by every worker without a lock.
std::atomic<std::int64_t> window_second{0};
std::atomic<int> lines_in_window{0};
std::atomic<std::int64_t> suppressed{0};

bool take_server_error_line() {
  const auto second = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  auto seen = window_second.load(std::memory_order_relaxed);
  if (seen != second && window_second.compare_exchange_strong(seen, second))
    lines_in_window.store(0, std::memory_order_relaxed);
  return lines_in_window.fetch_add(1, std::memory_order_relaxed) < kServerErrorLinesPerSecond;
}

}  // namespace

bool answer_may_be_logged(int status) {
  return status >= 500 || spdlog::should_log(spdlog::level::debug);
}

void log_answer(const std::string& method, const std::string& route, const std::string& path,
                int status, double millis, const std::string& request_id,
                const std::string& client) {
  const auto from = client.empty() ? std::string("-") : printable(client);
  if (status < 500) {
    if (spdlog::should_log(spdlog::level::debug))
      spdlog::debug("{} {} {} {} {:.2f}ms id={} client={}", known_method(method), route,
                    printable(path), status, millis, request_id, from);
    return;
  }
  if (!take_server_error_line()) {
    suppressed.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const auto skipped = suppressed.exchange(0, std::memory_order_relaxed);
  if (skipped > 0)
    spdlog::warn("{} {} {} {} {:.2f}ms id={} client={} ({} more server errors not logged)",
                 known_method(method), route, printable(path), status, millis, request_id, from,
                 skipped);
  else
    spdlog::warn("{} {} {} {} {:.2f}ms id={} client={}", known_method(method), route,
                 printable(path), status, millis, request_id, from);
}

}  // namespace boxoffice::http

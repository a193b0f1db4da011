#include "http/router.hpp"

#include <stdexcept>

namespace boxoffice::http {
namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    if (end > start) segments.emplace_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return segments;
}

bool is_placeholder(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool matches(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
             std::map<std::string, std::string>* params) {
  if (pattern.size() != path.size()) return false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (is_placeholder(pattern[i])) {
      if (params) (*params)[pattern[i].substr(1, pattern[i].size() - 2)] = path[i];
    } else if (pattern[i] != path[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler) {
  auto segments = split_path(pattern);
  routes_.push_back(
      Route{std::move(method), std::move(pattern), std::move(segments), std::move(handler)});
}

void Router::add_on_loop(std::string method, std::string pattern, Handler handler) {
  for (const auto& segment : split_path(pattern))
    if (is_placeholder(segment))
      throw std::invalid_argument("a route run on the loop has a literal path: " + pattern);
  on_loop_.emplace_back(method, pattern);
  add(std::move(method), std::move(pattern), std::move(handler));
}

bool Router::runs_on_loop(std::string_view method, std::string_view target) const {
  const auto path = target.substr(0, target.find('?'));
  for (const auto& [loop_method, loop_path] : on_loop_)
    if (method == loop_method && path == loop_path) return true;
  return false;
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match result;
  const auto segments = split_path(path);
  // HEAD is answered like GET (httplib drops the body).
  const std::string_view wanted = method == "HEAD" ? std::string_view("GET") : method;
  for (const auto& route : routes_) {
    if (!matches(route.segments, segments, nullptr)) continue;
    if (result.route.empty()) result.route = route.pattern;
    if (route.pattern != result.route) continue;  // the first matching pattern wins
    result.allowed.push_back(route.method);
    if (route.method == wanted && !result.handler) {
      result.handler = &route.handler;
      matches(route.segments, segments, &result.params);
    }
  }
  return result;
}

}  // namespace boxoffice::http

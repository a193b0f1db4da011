#include "http/router.hpp"

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

// The same match on the path as sent, segment by segment (no copies).
bool matches_path(const std::vector<std::string>& pattern, std::string_view path) {
  std::size_t index = 0;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    if (end > start) {
      if (index == pattern.size()) return false;
      const auto segment = path.substr(start, end - start);
      if (!is_placeholder(pattern[index]) && pattern[index] != segment) return false;
      ++index;
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return index == pattern.size();
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

void Router::add_route(std::string method, std::string pattern, Handler handler, bool on_loop) {
  auto segments = split_path(pattern);
  routes_.push_back(Route{std::move(method), std::move(pattern), std::move(segments),
                          std::move(handler), on_loop});
}

void Router::add(std::string method, std::string pattern, Handler handler) {
  add_route(std::move(method), std::move(pattern), std::move(handler), false);
}

void Router::add_on_loop(std::string method, std::string pattern, Handler handler) {
  add_route(std::move(method), std::move(pattern), std::move(handler), true);
}

bool Router::runs_on_loop(std::string_view method, std::string_view target) const {
  const auto path = target.substr(0, target.find('?'));
  const std::string_view wanted = method == "HEAD" ? std::string_view("GET") : method;
  const Route* first = nullptr;  // the first route whose pattern matches: its pattern wins
  for (const auto& route : routes_) {
    if (first ? route.pattern != first->pattern : !matches_path(route.segments, path)) continue;
    if (!first) first = &route;
    if (route.method == wanted) return route.on_loop;
  }
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

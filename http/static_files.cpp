#include "http/static_files.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>

#include "http/web_bundle.hpp"

namespace boxoffice::http {
namespace {

namespace fs = std::filesystem;

constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kContentTypes{{
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},
    {".md", "text/plain; charset=utf-8"},
    {".woff2", "font/woff2"},
    {".webmanifest", "application/manifest+json"},
}};

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool plain_segment(std::string_view segment) {
  if (segment.empty() || segment.front() == '.') return false;  // "", ".", "..", hidden
  return std::all_of(segment.begin(), segment.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_';
  });
}

StaticFile make_file(std::string_view relative, std::string body) {
  StaticFile file;
  file.content_type = content_type_for(relative);
  file.etag = etag_for(body);
  file.body = std::move(body);
  return file;
}

// Whether `path` (canonical) lies inside `root` (canonical).
bool is_inside(const fs::path& path, const fs::path& root) {
  auto p = path.begin();
  for (auto r = root.begin(); r != root.end(); ++r, ++p) {
    if (p == path.end() || *p != *r) return false;
  }
  return true;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string_view without_weak_prefix(std::string_view tag) {
  return tag.substr(0, 2) == "W/" ? tag.substr(2) : tag;
}

}  // namespace

StaticFiles::StaticFiles(std::optional<std::filesystem::path> root) : root_(std::move(root)) {
  if (root_) return;
  for (const auto& file : embedded_web_files())
    embedded_.emplace(std::string(file.path), make_file(file.path, std::string(file.body)));
}

std::optional<StaticFile> StaticFiles::find(std::string_view relative) const {
  if (!is_plain_relative_path(relative)) return std::nullopt;
  if (root_) return read_from_root(relative);
  const auto it = embedded_.find(std::string(relative));
  if (it == embedded_.end()) return std::nullopt;
  return it->second;
}

std::optional<StaticFile> StaticFiles::read_from_root(std::string_view relative) const {
  std::error_code error;
  const auto root = fs::canonical(*root_, error);
  if (error) return std::nullopt;
  const auto path = fs::canonical(root / fs::path(std::string(relative)), error);
  if (error || !is_inside(path, root) || !fs::is_regular_file(path, error)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  return make_file(relative, std::move(body));
}

std::string content_type_for(std::string_view path) {
  for (const auto& [extension, type] : kContentTypes)
    if (ends_with(path, extension)) return std::string(type);
  return "application/octet-stream";
}

std::string etag_for(std::string_view body) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : body) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string tag = "\"";
  for (int shift = 60; shift >= 0; shift -= 4) tag.push_back(kDigits[(hash >> shift) & 0xf]);
  tag.push_back('"');
  return tag;
}

bool is_plain_relative_path(std::string_view path) {
  if (path.empty()) return false;
  std::size_t start = 0;
  while (true) {
    const auto slash = path.find('/', start);
    const auto segment = path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (!plain_segment(segment)) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  const auto wanted = without_weak_prefix(etag);
  std::size_t start = 0;
  while (start <= if_none_match.size()) {
    const auto comma = if_none_match.find(',', start);
    const auto end = comma == std::string_view::npos ? if_none_match.size() : comma;
    const auto tag = trim(if_none_match.substr(start, end - start));
    if (tag == "*" || (!tag.empty() && without_weak_prefix(tag) == wanted)) return true;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return false;
}

}  // namespace boxoffice::http

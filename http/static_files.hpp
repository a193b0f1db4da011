#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace boxoffice::http {

// A file of the web front, ready to answer.
struct StaticFile {
  std::string body;
  std::string content_type;
  std::string etag;  // strong, quoted: "\"3f2a...\""
};

// The web front's files: the ones embedded at build time, or (with --web-root) the files of
// a folder, read again on every request so edits show on reload. Only plain relative paths
// are looked up ("assets/app.js"): no "..", no hidden files, nothing outside the folder,
// even through a symbolic link.
class StaticFiles {
 public:
  explicit StaticFiles(std::optional<std::filesystem::path> root = std::nullopt);

  std::optional<StaticFile> find(std::string_view relative) const;

 private:
  std::optional<StaticFile> read_from_root(std::string_view relative) const;

  std::optional<std::filesystem::path> root_;
  std::unordered_map<std::string, StaticFile> embedded_;
};

// "text/javascript; charset=utf-8" for "app.js", ...; application/octet-stream when unknown.
std::string content_type_for(std::string_view path);
// A strong entity tag of the content (64-bit FNV-1a, hex, quoted).
std::string etag_for(std::string_view body);
// True for "a.html", "assets/app.js"; false for "", "../x", "a//b", ".env", "a\\b".
bool is_plain_relative_path(std::string_view path);
// True when an If-None-Match header value names `etag` (or is "*"); weak tags compare weakly.
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace boxoffice::http

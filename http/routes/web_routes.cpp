// The web front: the fans' waiting room (/), the seat picker (/seats), the operators'
// dashboard (/ops) and their assets (/assets/{file}), from web/ embedded at build time or
// from --web-root. Unknown files answer 404 ROUTE_NOT_FOUND like any unknown path.
#include <memory>

#include "http/problem.hpp"
#include "http/routes/routes.hpp"
#include "http/static_files.hpp"

namespace boxoffice::http {
namespace {

// Same-origin only, no inline script or style, no plugins, never framed.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

void set_security_headers(httplib::Response& response) {
  response.set_header("Content-Security-Policy", kContentSecurityPolicy);
  response.set_header("X-Content-Type-Options", "nosniff");
  response.set_header("Referrer-Policy", "no-referrer");
  response.set_header("X-Frame-Options", "DENY");
  response.set_header("Cross-Origin-Opener-Policy", "same-origin");
}

// Files are not fingerprinted, so a browser revalidates each one (a 304 costs no body).
void reply_file(const httplib::Request& request, httplib::Response& response,
                const StaticFile& file) {
  set_security_headers(response);
  response.set_header("ETag", file.etag);
  response.set_header("Cache-Control", "no-cache");
  if (request.has_header("If-None-Match") &&
      etag_matches(request.get_header_value("If-None-Match"), file.etag)) {
    response.status = 304;
    return;
  }
  response.status = 200;
  response.set_content(file.body, file.content_type);
}

void reply_missing(httplib::Response& response, const std::string& path) {
  write_problem(response,
                domain::make_error(domain::ErrorCode::route_not_found, "no route for " + path));
}

}  // namespace

void add_web_routes(Server& server) {
  const auto& root = server.services().config.web_root;
  auto files = std::make_shared<const StaticFiles>(
      root ? std::optional<std::filesystem::path>(*root) : std::nullopt);
  auto& router = server.router();

  const auto page = [files](const std::string& file) {
    return [files, file](const httplib::Request& request, httplib::Response& response,
                         const RequestContext&) {
      const auto found = files->find(file);
      if (!found) return reply_missing(response, request.path);
      reply_file(request, response, *found);
    };
  };
  router.add("GET", "/", page("index.html"));
  router.add("GET", "/seats", page("seats.html"));
  router.add("GET", "/ops", page("ops.html"));
  router.add("GET", "/assets/{file}",
             [files](const httplib::Request& request, httplib::Response& response,
                     const RequestContext& context) {
               const auto found = files->find("assets/" + context.param("file"));
               if (!found) return reply_missing(response, request.path);
               reply_file(request, response, *found);
             });
}

}  // namespace boxoffice::http

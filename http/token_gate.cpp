#include "http/token_gate.hpp"

#include <cctype>

namespace boxoffice::http {

using domain::ErrorCode;

domain::Result<std::string> bearer_token(const httplib::Request& request) {
  const auto header = request.get_header_value("Authorization");
  constexpr std::string_view kScheme = "bearer ";  // auth schemes are case-insensitive (RFC 9110)
  bool scheme_matches = header.size() > kScheme.size();
  for (std::size_t i = 0; scheme_matches && i < kScheme.size(); ++i)
    scheme_matches = std::tolower(static_cast<unsigned char>(header[i])) == kScheme[i];
  if (!scheme_matches)
    return domain::make_error(ErrorCode::token_invalid,
                              "Authorization: Bearer <queue token> is required");
  auto token = header.substr(kScheme.size());
  if (!domain::plausible_token_text(token))
    return domain::make_error(ErrorCode::token_invalid, "the queue token is malformed");
  return token;
}

domain::Result<domain::TokenView> require_known_token(actors::Gateway& actors,
                                                      const httplib::Request& request) {
  const auto token = bearer_token(request);
  if (!token.ok()) return token.error();
  return actors.check_token(token.value());
}

namespace {

domain::Result<domain::TokenView> active_only(domain::Result<domain::TokenView> view) {
  if (!view.ok()) return view;
  if (view->status != domain::TokenStatus::active)
    return domain::make_error(
        ErrorCode::token_not_active,
        std::string("the queue token is ") + domain::status_name(view->status) + ", not ACTIVE");
  return view;
}

}  // namespace

domain::Result<domain::TokenView> require_active_token(actors::Gateway& actors,
                                                       const httplib::Request& request) {
  return active_only(require_known_token(actors, request));
}

std::optional<domain::Result<domain::TokenView>> active_token(actors::Gateway& actors,
                                                              const httplib::Request& request,
                                                              bool on_loop) {
  if (!on_loop) return require_active_token(actors, request);
  const auto token = bearer_token(request);
  if (!token.ok()) return domain::Result<domain::TokenView>(token.error());
  auto view = actors.check_token_now(token.value());
  if (!view) return std::nullopt;
  return active_only(std::move(*view));
}

}  // namespace boxoffice::http

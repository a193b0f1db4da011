#include "http/admin_auth.hpp"

namespace boxoffice::http {

bool constant_time_equals(std::string_view a, std::string_view b) {
  const std::size_t length = a.size() > b.size() ? a.size() : b.size();
  unsigned char difference = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < length; ++i) {
    const auto left = static_cast<unsigned char>(i < a.size() ? a[i] : 0);
    const auto right = static_cast<unsigned char>(i < b.size() ? b[i] : 0);
    difference |= static_cast<unsigned char>(left ^ right);
  }
  return difference == 0;
}

domain::Result<domain::Done> check_admin_key(const std::optional<std::string>& configured,
                                             const httplib::Request& request) {
  using domain::ErrorCode;
  if (!configured)
    return domain::make_error(ErrorCode::admin_key_invalid,
                              "the admin API is closed: the server has no --admin-key");
  if (!request.has_header("X-Admin-Key"))
    return domain::make_error(ErrorCode::admin_key_invalid, "X-Admin-Key header is missing");
  if (!constant_time_equals(request.get_header_value("X-Admin-Key"), *configured))
    return domain::make_error(ErrorCode::admin_key_invalid, "X-Admin-Key is not the admin key");
  return domain::Done{};
}

}  // namespace boxoffice::http

#pragma once

#include <httplib.h>
#include <optional>
#include <string>
#include <string_view>

#include "domain/result.hpp"

namespace boxoffice::http {

// Compares in time that depends only on the lengths, never on where the texts differ.
bool constant_time_equals(std::string_view a, std::string_view b);

// ADMIN_KEY_INVALID unless X-Admin-Key equals the configured key (always when none is).
domain::Result<domain::Done> check_admin_key(const std::optional<std::string>& configured,
                                             const httplib::Request& request);

}  // namespace boxoffice::http

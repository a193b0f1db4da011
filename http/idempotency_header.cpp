#include "http/idempotency_header.hpp"

#include "domain/wallet.hpp"

namespace boxoffice::http {

domain::Result<std::string> idempotency_key_of(const httplib::Request& request) {
  if (!request.has_header("Idempotency-Key")) return std::string();
  auto key = request.get_header_value("Idempotency-Key");
  if (!domain::valid_idempotency_key(key))
    return domain::make_error(domain::ErrorCode::invalid_request,
                              "Idempotency-Key must be 1 to 128 printable ASCII characters");
  return key;
}

}  // namespace boxoffice::http

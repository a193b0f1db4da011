#pragma once

#include <string>

#include "domain/catalog.hpp"
#include "domain/clock.hpp"
#include "domain/write_tag.hpp"

namespace boxoffice::domain {

// Everything the payment transaction needs, gathered by the schedule actor.
struct PaymentOrder {
  Id reservation = 0;
  Id user = 0;
  Id wallet = 0;
  Id schedule = 0;
  std::int32_t seat = 0;
  Won price = 0;
  std::string token;
  std::string idempotency_key;  // empty: none
  WriteTag tag;                 // the payment request's id (stored with the payment) and deadline
};

struct PaymentReceipt {
  Id payment = 0;
  Id reservation = 0;
  Id user = 0;
  Id schedule = 0;
  std::int32_t seat = 0;
  Won amount = 0;
  Won balance = 0;  // the wallet after the payment
  TimeMs paid_at = 0;
};

inline std::string payment_fingerprint(Id reservation) {
  return "payment:reservation=" + std::to_string(reservation);
}

inline std::string user_scope(Id user) {
  return "user:" + std::to_string(user);
}

}  // namespace boxoffice::domain

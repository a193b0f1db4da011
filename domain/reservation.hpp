#pragma once

#include <cstdint>
#include <string>

#include "domain/catalog.hpp"

namespace boxoffice::domain {

// A reservation as stored: who held which seat of which schedule, and what became of it.
struct ReservationRecord {
  Id id = 0;
  Id schedule = 0;
  Id concert = 0;
  std::int32_t seat = 0;
  Id user = 0;
  Won price = 0;
  std::string status;  // HELD, CONFIRMED, EXPIRED, CANCELLED (as stored)
  TimeMs held_until = 0;
};

}  // namespace boxoffice::domain

#pragma once

#include <cstdint>
#include <string>

#include "domain/clock.hpp"
#include "domain/result.hpp"

namespace boxoffice::domain {

using Id = std::int64_t;
using Won = std::int64_t;

inline constexpr std::int32_t kMaxSeatsPerSchedule = 100'000;

struct User {
  Id id = 0;
  std::string name;
  Id wallet_id = 0;
};

struct Concert {
  Id id = 0;
  std::string title;
};

struct ScheduleSpec {
  Id concert_id = 0;
  TimeMs starts_at = 0;
  TimeMs booking_opens_at = 0;
  TimeMs booking_closes_at = 0;
  std::int32_t seat_count = 0;
  Won seat_price = 0;
};

struct Schedule {
  Id id = 0;
  ScheduleSpec spec;
};

// Admin input rules; every refusal is INVALID_REQUEST naming the field.
Result<Done> validate_user_name(const std::string& name);
Result<Done> validate_concert_title(const std::string& title);
Result<Done> validate_schedule(const ScheduleSpec& spec);

}  // namespace boxoffice::domain

#include "domain/catalog.hpp"

namespace boxoffice::domain {
namespace {

// Characters as the database's length() counts them: UTF-8 code points.
std::size_t code_points(const std::string& text) {
  std::size_t count = 0;
  for (const char c : text)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  return count;
}

Result<Done> text_rule(const std::string& value, const char* field, std::size_t max) {
  if (value.empty() || code_points(value) > max)
    return make_error(ErrorCode::invalid_request,
                      std::string(field) + " must be 1 to " + std::to_string(max) + " characters");
  for (const char c : value)
    if (static_cast<unsigned char>(c) < 0x20)
      return make_error(ErrorCode::invalid_request,
                        std::string(field) + " must not contain control characters");
  return Done{};
}

}  // namespace

Result<Done> validate_user_name(const std::string& name) {
  return text_rule(name, "name", 200);
}

Result<Done> validate_concert_title(const std::string& title) {
  return text_rule(title, "title", 500);
}

Result<Done> validate_schedule(const ScheduleSpec& spec) {
  if (spec.seat_count < 1 || spec.seat_count > kMaxSeatsPerSchedule)
    return make_error(ErrorCode::invalid_request, "seatCount must be from 1 to 100000");
  if (spec.seat_price < 0) return make_error(ErrorCode::invalid_request, "seatPrice must be >= 0");
  if (spec.booking_opens_at >= spec.booking_closes_at)
    return make_error(ErrorCode::invalid_request, "bookingOpensAt must be before bookingClosesAt");
  return Done{};
}

}  // namespace boxoffice::domain

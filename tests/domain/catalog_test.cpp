#include <boost/test/unit_test.hpp>

#include <limits>
#include <string>

#include "domain/catalog.hpp"

namespace boxoffice::domain {
namespace {

constexpr TimeMs kOpens = 1'798'000'000'000;
constexpr TimeMs kCloses = kOpens + 3'600'000;

ScheduleSpec valid_schedule() {
  ScheduleSpec spec;
  spec.concert_id = 1;
  spec.starts_at = kCloses + 3'600'000;
  spec.booking_opens_at = kOpens;
  spec.booking_closes_at = kCloses;
  spec.seat_count = 50;
  spec.seat_price = 120'000;
  return spec;
}

// The refusal's code name ("" when accepted), so a failure shows what came back.
std::string code_of(const Result<Done>& result) {
  return result.ok() ? "" : std::string(code_name(result.error().code));
}

std::string detail_of(const Result<Done>& result) {
  return result.ok() ? "" : result.error().detail;
}

bool mentions(const std::string& text, const std::string& word) {
  return text.find(word) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(catalog)

BOOST_AUTO_TEST_SUITE(user_name)

BOOST_AUTO_TEST_CASE(accepts_a_short_name) {
  BOOST_TEST(validate_user_name("kim").ok());
  BOOST_TEST(validate_user_name("k").ok());
}

BOOST_AUTO_TEST_CASE(accepts_exactly_200_characters) {
  BOOST_TEST(validate_user_name(std::string(200, 'a')).ok());
}

BOOST_AUTO_TEST_CASE(refuses_201_characters_naming_the_field) {
  const auto result = validate_user_name(std::string(201, 'a'));
  BOOST_TEST(code_of(result) == "INVALID_REQUEST");
  BOOST_TEST(mentions(detail_of(result), "name"), detail_of(result));
}

BOOST_AUTO_TEST_CASE(refuses_an_empty_name_naming_the_field) {
  const auto result = validate_user_name("");
  BOOST_TEST(code_of(result) == "INVALID_REQUEST");
  BOOST_TEST(mentions(detail_of(result), "name"), detail_of(result));
}

BOOST_AUTO_TEST_CASE(refuses_control_characters_naming_the_field) {
  for (const std::string& name : {std::string("kim\n"), std::string("k\tim"), std::string("kim\r"),
                                  std::string("\x1b[31mkim"), std::string("ki\0m", 4)}) {
    BOOST_TEST_CONTEXT("name of " << name.size() << " bytes") {
      const auto result = validate_user_name(name);
      BOOST_TEST(code_of(result) == "INVALID_REQUEST");
      BOOST_TEST(mentions(detail_of(result), "name"), detail_of(result));
    }
  }
}

BOOST_AUTO_TEST_CASE(accepts_spaces_punctuation_and_utf8) {
  BOOST_TEST(validate_user_name("Kim Min-su (VIP)").ok());
  BOOST_TEST(validate_user_name("\xea\xb9\x80\xeb\xaf\xbc\xec\x88\x98").ok());  // 김민수
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(concert_title)

BOOST_AUTO_TEST_CASE(accepts_a_title_up_to_500_characters) {
  BOOST_TEST(validate_concert_title("Winter Gala").ok());
  BOOST_TEST(validate_concert_title(std::string(500, 't')).ok());
}

BOOST_AUTO_TEST_CASE(refuses_501_characters_naming_the_field) {
  const auto result = validate_concert_title(std::string(501, 't'));
  BOOST_TEST(code_of(result) == "INVALID_REQUEST");
  BOOST_TEST(mentions(detail_of(result), "title"), detail_of(result));
}

BOOST_AUTO_TEST_CASE(refuses_an_empty_title_naming_the_field) {
  const auto result = validate_concert_title("");
  BOOST_TEST(code_of(result) == "INVALID_REQUEST");
  BOOST_TEST(mentions(detail_of(result), "title"), detail_of(result));
}

BOOST_AUTO_TEST_CASE(refuses_control_characters_naming_the_field) {
  const auto result = validate_concert_title("Winter\nGala");
  BOOST_TEST(code_of(result) == "INVALID_REQUEST");
  BOOST_TEST(mentions(detail_of(result), "title"), detail_of(result));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(schedule)

BOOST_AUTO_TEST_CASE(accepts_a_valid_schedule) {
  BOOST_TEST(validate_schedule(valid_schedule()).ok());
}

BOOST_AUTO_TEST_CASE(accepts_seat_count_1_and_100000) {
  auto spec = valid_schedule();
  spec.seat_count = 1;
  BOOST_TEST(validate_schedule(spec).ok());
  spec.seat_count = 100'000;
  BOOST_TEST(validate_schedule(spec).ok());
  BOOST_TEST(kMaxSeatsPerSchedule == 100'000);
}

BOOST_AUTO_TEST_CASE(refuses_seat_count_out_of_range_naming_seat_count) {
  for (const std::int32_t seats : {0, -1, 100'001, std::numeric_limits<std::int32_t>::max()}) {
    BOOST_TEST_CONTEXT("seatCount " << seats) {
      auto spec = valid_schedule();
      spec.seat_count = seats;
      const auto result = validate_schedule(spec);
      BOOST_TEST(code_of(result) == "INVALID_REQUEST");
      BOOST_TEST(mentions(detail_of(result), "seatCount"), detail_of(result));
    }
  }
}

BOOST_AUTO_TEST_CASE(accepts_a_free_seat_price_of_zero) {
  auto spec = valid_schedule();
  spec.seat_price = 0;
  BOOST_TEST(validate_schedule(spec).ok());
}

BOOST_AUTO_TEST_CASE(refuses_a_negative_seat_price_naming_seat_price) {
  for (const Won price : {Won{-1}, std::numeric_limits<Won>::min()}) {
    BOOST_TEST_CONTEXT("seatPrice " << price) {
      auto spec = valid_schedule();
      spec.seat_price = price;
      const auto result = validate_schedule(spec);
      BOOST_TEST(code_of(result) == "INVALID_REQUEST");
      BOOST_TEST(mentions(detail_of(result), "seatPrice"), detail_of(result));
    }
  }
}

BOOST_AUTO_TEST_CASE(refuses_a_booking_window_that_opens_when_it_closes) {
  auto spec = valid_schedule();
  spec.booking_closes_at = spec.booking_opens_at;
  const auto result = validate_schedule(spec);
  BOOST_TEST(code_of(result) == "INVALID_REQUEST");
  BOOST_TEST(mentions(detail_of(result), "bookingOpensAt"), detail_of(result));
  BOOST_TEST(mentions(detail_of(result), "bookingClosesAt"), detail_of(result));
}

BOOST_AUTO_TEST_CASE(refuses_a_booking_window_that_opens_after_it_closes) {
  auto spec = valid_schedule();
  spec.booking_opens_at = spec.booking_closes_at + 1;
  const auto result = validate_schedule(spec);
  BOOST_TEST(code_of(result) == "INVALID_REQUEST");
  BOOST_TEST(mentions(detail_of(result), "bookingOpensAt"), detail_of(result));
}

BOOST_AUTO_TEST_CASE(accepts_a_booking_window_of_one_millisecond) {
  auto spec = valid_schedule();
  spec.booking_closes_at = spec.booking_opens_at + 1;
  BOOST_TEST(validate_schedule(spec).ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::domain

namespace boxoffice::domain {

BOOST_AUTO_TEST_SUITE(catalog_text_length)

BOOST_AUTO_TEST_CASE(limits_count_characters_not_utf8_bytes) {
  std::string korean;
  for (int i = 0; i < 200; ++i) korean += "\xea\xb9\x80";  // U+AE40, 3 bytes each
  BOOST_TEST(validate_user_name(korean).ok());
  BOOST_TEST(!validate_user_name(korean + "\xea\xb9\x80").ok());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::domain

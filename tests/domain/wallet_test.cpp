#include <boost/test/unit_test.hpp>

// The wallet rules of domain/wallet.hpp (charge amount, balance limit, owner check,
// Idempotency-Key fingerprint and syntax), without actors or a database.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "domain/wallet.hpp"

namespace boxoffice::domain {
namespace {

constexpr Won kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr Won kInt64Min = std::numeric_limits<std::int64_t>::min();

const WalletLimits kLimits{10'000'000, 1'000'000'000};

// The refusal's code name ("" when accepted), so a failure shows what came back.
template <class T>
std::string code_of(const Result<T>& result) {
  return result.ok() ? "" : std::string(code_name(result.error().code));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(wallet_rules)

// --- validate_charge_amount ---------------------------------------------------------------

BOOST_AUTO_TEST_CASE(charge_amount_not_an_integer_is_invalid_amount) {
  const auto result = validate_charge_amount(std::nullopt, kLimits);
  BOOST_TEST(code_of(result) == "INVALID_AMOUNT");
  BOOST_TEST(!result.error().detail.empty());
}

BOOST_AUTO_TEST_CASE(charge_amount_zero_and_negative_are_invalid_amount) {
  for (const std::int64_t amount :
       {std::int64_t{0}, std::int64_t{-1}, std::int64_t{-50'000}, kInt64Min}) {
    BOOST_TEST_CONTEXT("amount " << amount) {
      BOOST_TEST(code_of(validate_charge_amount(amount, kLimits)) == "INVALID_AMOUNT");
    }
  }
}

BOOST_AUTO_TEST_CASE(charge_amount_from_one_to_the_limit_is_accepted_as_is) {
  for (const std::int64_t amount :
       {std::int64_t{1}, std::int64_t{2}, std::int64_t{50'000}, kLimits.max_charge}) {
    BOOST_TEST_CONTEXT("amount " << amount) {
      const auto result = validate_charge_amount(amount, kLimits);
      BOOST_TEST_REQUIRE(result.ok(), code_of(result));
      BOOST_TEST(result.value() == amount);
    }
  }
}

BOOST_AUTO_TEST_CASE(charge_amount_above_the_limit_is_invalid_amount) {
  for (const std::int64_t amount : {kLimits.max_charge + 1, kLimits.max_balance, kInt64Max}) {
    BOOST_TEST_CONTEXT("amount " << amount) {
      const auto result = validate_charge_amount(amount, kLimits);
      BOOST_TEST(code_of(result) == "INVALID_AMOUNT");
    }
  }
  // The detail names the limit, so that a client can tell why.
  const auto result = validate_charge_amount(kLimits.max_charge + 1, kLimits);
  BOOST_TEST_REQUIRE(!result.ok());
  BOOST_TEST(result.error().detail.find("10000000") != std::string::npos, result.error().detail);
}

BOOST_AUTO_TEST_CASE(charge_amount_limit_of_int64_max_accepts_int64_max) {
  const WalletLimits widest{kInt64Max, kInt64Max};
  const auto result = validate_charge_amount(kInt64Max, widest);
  BOOST_TEST_REQUIRE(result.ok(), code_of(result));
  BOOST_TEST(result.value() == kInt64Max);
  BOOST_TEST(code_of(validate_charge_amount(0, widest)) == "INVALID_AMOUNT");
}

// --- balance_after_charge -----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(balance_after_charge_adds_the_amount) {
  const auto result = balance_after_charge(100, 50, kLimits);
  BOOST_TEST_REQUIRE(result.ok(), code_of(result));
  BOOST_TEST(result.value() == 150);

  const auto from_zero = balance_after_charge(0, 1, kLimits);
  BOOST_TEST_REQUIRE(from_zero.ok(), code_of(from_zero));
  BOOST_TEST(from_zero.value() == 1);
}

BOOST_AUTO_TEST_CASE(balance_may_reach_the_limit_exactly) {
  const auto result = balance_after_charge(kLimits.max_balance - 10, 10, kLimits);
  BOOST_TEST_REQUIRE(result.ok(), code_of(result));
  BOOST_TEST(result.value() == kLimits.max_balance);

  const auto in_one_go = balance_after_charge(0, kLimits.max_balance, kLimits);
  BOOST_TEST_REQUIRE(in_one_go.ok(), code_of(in_one_go));
  BOOST_TEST(in_one_go.value() == kLimits.max_balance);
}

BOOST_AUTO_TEST_CASE(balance_one_past_the_limit_is_refused) {
  BOOST_TEST(code_of(balance_after_charge(kLimits.max_balance - 10, 11, kLimits)) ==
             "BALANCE_LIMIT_EXCEEDED");
  BOOST_TEST(code_of(balance_after_charge(kLimits.max_balance, 1, kLimits)) ==
             "BALANCE_LIMIT_EXCEEDED");
  BOOST_TEST(code_of(balance_after_charge(0, kLimits.max_balance + 1, kLimits)) ==
             "BALANCE_LIMIT_EXCEEDED");
  const auto result = balance_after_charge(kLimits.max_balance, 1, kLimits);
  BOOST_TEST_REQUIRE(!result.ok());
  BOOST_TEST(result.error().detail.find("1000000000") != std::string::npos, result.error().detail);
}

BOOST_AUTO_TEST_CASE(balance_near_int64_max_is_refused_without_overflow) {
  // With the limit at INT64_MAX, balance + amount would overflow: the rule must refuse it
  // rather than wrap around to a negative balance (run under UBSan to catch the UB itself).
  const WalletLimits widest{kInt64Max, kInt64Max};
  BOOST_TEST(code_of(balance_after_charge(kInt64Max, 1, widest)) == "BALANCE_LIMIT_EXCEEDED");
  BOOST_TEST(code_of(balance_after_charge(kInt64Max - 1, 2, widest)) == "BALANCE_LIMIT_EXCEEDED");
  BOOST_TEST(code_of(balance_after_charge(kInt64Max, kInt64Max, widest)) ==
             "BALANCE_LIMIT_EXCEEDED");
  BOOST_TEST(code_of(balance_after_charge(kInt64Max / 2 + 1, kInt64Max / 2 + 1, widest)) ==
             "BALANCE_LIMIT_EXCEEDED");

  const auto exact = balance_after_charge(kInt64Max - 1, 1, widest);
  BOOST_TEST_REQUIRE(exact.ok(), code_of(exact));
  BOOST_TEST(exact.value() == kInt64Max);

  const auto halves = balance_after_charge(kInt64Max / 2, kInt64Max / 2 + 1, widest);
  BOOST_TEST_REQUIRE(halves.ok(), code_of(halves));
  BOOST_TEST(halves.value() == kInt64Max);

  // A small limit with a huge amount must not overflow either.
  BOOST_TEST(code_of(balance_after_charge(kInt64Max, kInt64Max, kLimits)) ==
             "BALANCE_LIMIT_EXCEEDED");
  BOOST_TEST(code_of(balance_after_charge(1, kInt64Max, kLimits)) == "BALANCE_LIMIT_EXCEEDED");
}

// --- check_owner --------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(owner_may_use_the_wallet) {
  const Wallet wallet{7, 3, 500, 1};
  BOOST_TEST(check_owner(wallet, 3).ok());
}

BOOST_AUTO_TEST_CASE(another_user_is_wallet_owner_mismatch) {
  const Wallet wallet{7, 3, 500, 1};
  for (const Id user : {Id{4}, Id{2}, Id{7}, Id{1}, kInt64Max}) {
    BOOST_TEST_CONTEXT("user " << user) {
      const auto result = check_owner(wallet, user);
      BOOST_TEST(code_of(result) == "WALLET_OWNER_MISMATCH");
    }
  }
}

// --- charge_fingerprint -------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(fingerprint_is_stable_for_the_same_charge) {
  BOOST_TEST(charge_fingerprint(1, 500) == charge_fingerprint(1, 500));
  BOOST_TEST(charge_fingerprint(kInt64Max, kInt64Max) == charge_fingerprint(kInt64Max, kInt64Max));
  BOOST_TEST(!charge_fingerprint(1, 500).empty());
}

BOOST_AUTO_TEST_CASE(fingerprint_differs_for_another_user_or_amount) {
  BOOST_TEST(charge_fingerprint(1, 500) != charge_fingerprint(2, 500));
  BOOST_TEST(charge_fingerprint(1, 500) != charge_fingerprint(1, 501));
  BOOST_TEST(charge_fingerprint(1, 500) != charge_fingerprint(500, 1));  // fields do not swap
  // No ambiguity from concatenating digits: (1, 23) vs (12, 3).
  BOOST_TEST(charge_fingerprint(1, 23) != charge_fingerprint(12, 3));
  BOOST_TEST(charge_fingerprint(11, 1) != charge_fingerprint(1, 11));
}

// --- valid_idempotency_key ----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(idempotency_key_of_1_to_128_printable_characters_is_valid) {
  BOOST_TEST(valid_idempotency_key("a"));
  BOOST_TEST(valid_idempotency_key(std::string(128, 'k')));
  BOOST_TEST(valid_idempotency_key("3f2c9a1e-7b4d-4e8a-9c1f-0a2b3c4d5e6f"));
  BOOST_TEST(valid_idempotency_key("with space"));
  BOOST_TEST(valid_idempotency_key(" "));
  BOOST_TEST(valid_idempotency_key("~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./"));
}

BOOST_AUTO_TEST_CASE(idempotency_key_empty_or_too_long_is_invalid) {
  BOOST_TEST(!valid_idempotency_key(""));
  BOOST_TEST(!valid_idempotency_key(std::string(129, 'k')));
  BOOST_TEST(!valid_idempotency_key(std::string(1000, 'k')));
}

BOOST_AUTO_TEST_CASE(idempotency_key_with_control_characters_is_invalid) {
  for (int c = 0; c < 0x20; ++c) {
    BOOST_TEST_CONTEXT("character " << c) {
      BOOST_TEST(!valid_idempotency_key("key" + std::string(1, static_cast<char>(c)) + "key"));
      BOOST_TEST(!valid_idempotency_key(std::string(1, static_cast<char>(c))));
    }
  }
  BOOST_TEST(!valid_idempotency_key("key\x7f"));  // DEL
  BOOST_TEST(!valid_idempotency_key(std::string("key\0key", 7)));
}

BOOST_AUTO_TEST_CASE(idempotency_key_with_non_ascii_bytes_is_invalid) {
  for (int byte = 0x80; byte <= 0xff; ++byte) {
    BOOST_TEST_CONTEXT("byte " << byte) {
      BOOST_TEST(!valid_idempotency_key("key" + std::string(1, static_cast<char>(byte))));
    }
  }
  BOOST_TEST(!valid_idempotency_key("\xea\xb9\x80"));  // 김 in UTF-8
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::domain

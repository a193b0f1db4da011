#pragma once

// The contract's calls as a test client makes them, against any node.
#include <httplib.h>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "support/answer_checks.hpp"

namespace boxoffice::testing {

// The admin API (key "k" unless told otherwise).
struct NewUser {
  std::int64_t user = 0;
  std::int64_t wallet = 0;
};
NewUser create_user(httplib::Client& client, const std::string& name,
                    const std::string& admin_key = "k");
// A schedule of a new concert, bookable from an hour ago to an hour from now.
std::int64_t open_schedule(httplib::Client& client, std::int32_t seats, std::int64_t price,
                           const std::string& admin_key = "k");

Answer issue_token(httplib::Client& client, std::int64_t user);
Answer token_status(httplib::Client& client, const std::string& token);
Answer charge(httplib::Client& client, std::int64_t wallet, std::int64_t user, std::int64_t amount,
              const std::string& idempotency_key = "");
Answer balance(httplib::Client& client, std::int64_t wallet, std::int64_t user);
Answer seats(httplib::Client& client, const std::string& token, std::int64_t schedule);
Answer hold(httplib::Client& client, const std::string& token, std::int64_t schedule,
            std::int32_t seat);
Answer reservation(httplib::Client& client, const std::string& token, std::int64_t reservation);
Answer cancel(httplib::Client& client, const std::string& token, std::int64_t reservation);
Answer pay(httplib::Client& client, const std::string& token, std::int64_t reservation,
           const std::string& idempotency_key = "");

}  // namespace boxoffice::testing

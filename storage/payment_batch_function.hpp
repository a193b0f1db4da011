#pragma once

#include <string>

namespace boxoffice::storage {

// PostgreSQL: `boxoffice_pay_batch(batch TEXT, now BIGINT) RETURNS TEXT`, the writes of a
// batch of payments in one call (one round trip). `batch` is a JSON array of payments, the
// result a JSON array of their outcomes in the same order (payment_batch_call.cpp). Each
// payment runs in a block of its own (a subtransaction): one that fails rolls back alone.
const std::string& pay_batch_function_sql();

}  // namespace boxoffice::storage

#pragma once

#include <soci/soci.h>
#include <string>
#include <vector>

namespace boxoffice::chaos {

// Runs a query whose columns are all integers (any width) and returns the rows as long long;
// NULL becomes 0. Integer parameters bind to the :name placeholders in order.
std::vector<std::vector<long long>> query(soci::session& sql, const std::string& text,
                                          std::vector<long long> parameters = {});
long long scalar(soci::session& sql, const std::string& text);
// First column of every row as text.
std::vector<std::string> query_text(soci::session& sql, const std::string& text);

}  // namespace boxoffice::chaos

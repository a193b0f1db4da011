#include "chaos/sql_rows.hpp"

#include <stdexcept>

namespace boxoffice::chaos {
namespace {

long long integer_at(const soci::row& row, std::size_t i) {
  if (row.get_indicator(i) == soci::i_null) return 0;
  switch (row.get_properties(i).get_data_type()) {
    case soci::dt_integer: return row.get<int>(i);
    case soci::dt_long_long: return row.get<long long>(i);
    case soci::dt_unsigned_long_long: return static_cast<long long>(row.get<unsigned long long>(i));
    case soci::dt_double: return static_cast<long long>(row.get<double>(i));
    case soci::dt_string: return std::stoll(row.get<std::string>(i));
    default:
      throw std::runtime_error("column " + row.get_properties(i).get_name() + " is not an integer");
  }
}

}  // namespace

std::vector<std::vector<long long>> query(soci::session& sql, const std::string& text,
                                          std::vector<long long> parameters) {
  std::vector<std::vector<long long>> rows;
  try {
    auto prepared = (sql.prepare << text);
    for (auto& value : parameters) prepared, soci::use(value);
    soci::rowset<soci::row> rs = prepared;
    for (const auto& row : rs) {
      std::vector<long long> out;
      for (std::size_t i = 0; i < row.size(); ++i) out.push_back(integer_at(row, i));
      rows.push_back(std::move(out));
    }
  } catch (const std::exception& e) {
    throw std::runtime_error("query failed: " + text + ": " + e.what());
  }
  return rows;
}

long long scalar(soci::session& sql, const std::string& text) {
  const auto rows = query(sql, text);
  return rows.empty() || rows.front().empty() ? 0 : rows.front().front();
}

std::vector<std::string> query_text(soci::session& sql, const std::string& text) {
  std::vector<std::string> out;
  try {
    soci::rowset<std::string> rs = (sql.prepare << text);
    for (const auto& value : rs) out.push_back(value);
  } catch (const std::exception& e) {
    throw std::runtime_error("query failed: " + text + ": " + e.what());
  }
  return out;
}

}  // namespace boxoffice::chaos

#pragma once

// Values written into the text of a multi-row statement (one round trip for many rows).
#include <string>

namespace boxoffice::storage {

// A SQL string literal in standard quoting (PostgreSQL's standard_conforming_strings, the
// default, and SQLite): quotes doubled, backslashes literal.
inline std::string sql_quoted(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

// NULL for an empty text.
inline std::string sql_quoted_or_null(const std::string& text) {
  return text.empty() ? "NULL" : sql_quoted(text);
}

}  // namespace boxoffice::storage

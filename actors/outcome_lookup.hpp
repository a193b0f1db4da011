#pragma once

#include <soci/soci.h>
#include <caf/all.hpp>
#include <functional>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "domain/write_tag.hpp"

namespace boxoffice::actors {

// How the outcome of a write sent to another node that died before answering is learned from
// the database: by the write's own request id, stored in the same transaction as the change.
struct OutcomeLookup {
  domain::WriteTag tag;
  // The write's answer, as its owner would have given it, if it committed; nullopt if not.
  std::function<std::optional<caf::message>(soci::session&)> find;
};

// For the writes that are not safe to send again (unkeyed charges and payments, cancels,
// a payment's debit) to the entity `key`: their lookup. nullopt for any other message.
std::optional<OutcomeLookup> outcome_lookup_for(const std::string& key, const caf::message& request,
                                                config::DatabaseKind kind);

}  // namespace boxoffice::actors

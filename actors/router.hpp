#pragma once

#include <caf/all.hpp>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "actors/entity_context.hpp"
#include "domain/error.hpp"

namespace boxoffice::actors {

// Sends a request to an entity actor and hands its answer back to a waiting thread.
// Implemented per reply type by the gateway; runs inside the router.
class ReplySlot {
 public:
  virtual ~ReplySlot() = default;
  virtual void ask(caf::event_based_actor* self, const caf::actor& entity,
                   caf::message request) = 0;
  virtual void fail(const domain::Error& error) = 0;
};

// Spawns the entity actor for a key ("wallet:12" -> a wallet actor for 12).
using EntityFactory =
    std::function<caf::actor(caf::event_based_actor* router, const std::string& key)>;

// The node's registry: finds or spawns the one actor per entity key and passes requests to
// it. An entity that sat idle asks to passivate; the router forgets it first, so no request
// can reach an actor that is about to stop.
caf::behavior router_actor(caf::event_based_actor* self, EntityContext* context,
                           EntityFactory factory);

}  // namespace boxoffice::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::shared_ptr<boxoffice::actors::ReplySlot>)

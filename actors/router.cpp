#include "actors/router.hpp"

#include "actors/messages.hpp"

namespace boxoffice::actors {

caf::behavior router_actor(caf::event_based_actor* self, EntityContext* context,
                           EntityFactory factory) {
  auto entities = std::make_shared<std::unordered_map<std::string, caf::actor>>();
  // Entity actors are not linked to the router; stop them with it so the actor system can
  // shut down (their idle timers would keep them alive).
  self->attach_functor([entities](const caf::error&) {
    for (auto& [key, entity] : *entities)
      caf::anon_send_exit(entity, caf::exit_reason::user_shutdown);
  });
  self->set_down_handler([=](caf::down_msg& down) {
    for (auto it = entities->begin(); it != entities->end(); ++it) {
      if (it->second.address() == down.source) {
        entities->erase(it);
        --context->stats.entities_live;
        return;
      }
    }
  });
  // The actor for a key, spawned on first use; an invalid handle for an unknown kind.
  const auto entity_for = [=](const std::string& key) -> caf::actor {
    auto it = entities->find(key);
    if (it != entities->end()) return it->second;
    auto entity = factory(self, key);
    if (!entity) return entity;
    self->monitor(entity);
    entities->emplace(key, entity);
    ++context->stats.entities_live;
    ++context->stats.entities_spawned;
    return entity;
  };
  return {
      [=](route_atom, const std::string& key, caf::message& request,
          std::shared_ptr<ReplySlot>& slot) {
        auto entity = entity_for(key);
        if (!entity) {
          slot->fail(domain::make_error(domain::ErrorCode::internal, "no actor kind for " + key));
          return;
        }
        slot->ask(self, entity, std::move(request));
      },
      // From one entity actor to another: the target answers the original requester.
      [=](forward_atom, const std::string& key,
          caf::message& request) -> caf::result<caf::message> {
        auto entity = entity_for(key);
        if (!entity) return caf::make_error(caf::sec::invalid_argument, "no actor kind for " + key);
        auto promise = self->make_response_promise();
        promise.delegate(entity, std::move(request));
        return promise;
      },
      [=](passivate_atom, const std::string& key) -> bool {
        auto it = entities->find(key);
        auto sender = caf::actor_cast<caf::actor>(self->current_sender());
        if (it == entities->end() || it->second != sender) return false;
        self->demonitor(it->second);
        entities->erase(it);
        --context->stats.entities_live;
        ++context->stats.entities_passivated;
        return true;
      },
  };
}

}  // namespace boxoffice::actors

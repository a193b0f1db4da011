#include "actors/router.hpp"

#include "actors/messages.hpp"

namespace boxoffice::actors {

caf::behavior router_actor(caf::event_based_actor* self, EntityContext* context, EntityFactory factory) {
  auto entities = std::make_shared<std::unordered_map<std::string, caf::actor>>();
  // Entity actors are not linked to the router; stop them with it so the actor system can
  // shut down (their idle timers would keep them alive).
  self->attach_functor([entities](const caf::error&) {
    for (auto& [key, entity] : *entities) caf::anon_send_exit(entity, caf::exit_reason::user_shutdown);
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
  return {
      [=](route_atom, const std::string& key, caf::message& request, std::shared_ptr<ReplySlot>& slot) {
        auto it = entities->find(key);
        if (it == entities->end()) {
          auto entity = factory(self, key);
          if (!entity) {
            slot->fail(domain::make_error(domain::ErrorCode::internal, "no actor kind for " + key));
            return;
          }
          self->monitor(entity);
          it = entities->emplace(key, std::move(entity)).first;
          ++context->stats.entities_live;
          ++context->stats.entities_spawned;
        }
        slot->ask(self, it->second, std::move(request));
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

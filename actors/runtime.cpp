#include "actors/runtime.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

namespace boxoffice::actors {

struct Runtime::Impl {
  static caf::actor_system_config& configure(caf::actor_system_config& config) {
    config.load<caf::io::middleman>();
    config.set("scheduler.max-threads", 2);
    config.set("logger.console", caf::atom("none"));
    return config;
  }

  caf::actor_system_config config;
  caf::actor_system system{configure(config)};
};

Runtime::Runtime() : impl_(std::make_unique<Impl>()) {}

Runtime::~Runtime() = default;

caf::actor_system& Runtime::system() { return impl_->system; }

}  // namespace boxoffice::actors

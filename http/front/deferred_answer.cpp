#include "http/front/deferred_answer.hpp"

#include "http/front/connection_loop.hpp"

namespace boxoffice::http::front {

void DeferredAnswer::send(std::string bytes, bool close) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (sent_ || waiting_) return;
    if (!worker_done_) {
      waiting_.emplace(std::move(bytes), close);
      return;
    }
    sent_ = true;
  }
  loop_.deliver(connection_, bytes, close);
}

void DeferredAnswer::release_worker() {
  std::optional<std::pair<std::string, bool>> waiting;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    worker_done_ = true;
    if (!waiting_ || sent_) return;
    sent_ = true;
    waiting = std::move(waiting_);
  }
  loop_.deliver(connection_, waiting->first, waiting->second);
}

std::shared_ptr<DeferredAnswer> Deferral::take() {
  if (!answer_) answer_ = std::make_shared<DeferredAnswer>(loop_, connection_);
  return answer_;
}

}  // namespace boxoffice::http::front

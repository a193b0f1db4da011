#pragma once

#include <caf/all.hpp>
#include <chrono>
#include <functional>
#include <memory>

#include "actors/messages.hpp"
#include "domain/result.hpp"

namespace boxoffice::actors {

// A request waiting for its answer: sent by the router to the owning entity actor (local)
// or to the owner's router (remote). Lives in the router; a retry on another node after
// the first owner went down sends it again, and answers to an earlier attempt are ignored.
class ReplySlot : public std::enable_shared_from_this<ReplySlot> {
 public:
  explicit ReplySlot(bool retryable) : retryable_(retryable) {}
  virtual ~ReplySlot() = default;
  ReplySlot(const ReplySlot&) = delete;
  ReplySlot& operator=(const ReplySlot&) = delete;

  // Sends the request (a new attempt) without a CAF timeout: the router watches its deadline
  // (slot_deadlines.hpp) and calls expire() once `timeout()` passed.
  virtual void ask(caf::event_based_actor* self, const caf::actor& target,
                   caf::message request) = 0;
  virtual void fail(const domain::Error& error) = 0;
  // Answers "not in time" if `attempt` is still the current one and unanswered.
  virtual void expire(std::uint64_t attempt) = 0;
  virtual std::chrono::milliseconds timeout() const = 0;
  std::uint64_t attempt() const { return attempt_; }
  // Answers with `reply` (learned another way: its owner died, the database was asked).
  virtual void settle(const caf::message& reply) = 0;

  bool done() const { return done_; }
  // Safe to send twice (a read, or a write with an Idempotency-Key): after a peer died
  // while answering it, the router sends it to the new owner instead of failing it.
  bool retryable() const { return retryable_; }

 protected:
  bool done_ = false;
  std::uint64_t attempt_ = 0;

 private:
  bool retryable_;
};

template <class Reply>
class TypedSlot final : public ReplySlot {
 public:
  using Sink = std::function<void(domain::Result<Reply>)>;

  // `write`: no answer in time means the write may be committing somewhere (504, not 503).
  TypedSlot(std::chrono::milliseconds timeout, bool retryable, bool write, Sink sink)
      : ReplySlot(retryable), timeout_(timeout), write_(write), sink_(std::move(sink)) {}

  void ask(caf::event_based_actor* self, const caf::actor& target, caf::message request) override {
    const auto attempt = ++attempt_;
    auto slot = std::static_pointer_cast<TypedSlot>(shared_from_this());
    self->request(target, caf::infinite, std::move(request))
        .then([slot, attempt](Reply& reply) { slot->complete(attempt, std::move(reply)); },
              [slot, attempt](caf::error& error) {
                slot->complete(attempt, to_domain_error(error));
              });
  }

  void fail(const domain::Error& error) override { complete(attempt_, error); }

  void expire(std::uint64_t attempt) override {
    if (write_)
      complete(attempt, domain::make_error(domain::ErrorCode::outcome_unknown,
                                           "the write was not answered in time; it may or may "
                                           "not have happened"));
    else
      complete(attempt, domain::make_error(domain::ErrorCode::unavailable,
                                           "the owning actor did not answer in time"));
  }

  std::chrono::milliseconds timeout() const override { return timeout_; }

  void settle(const caf::message& reply) override {
    if (reply.match_elements<Reply>())
      complete(attempt_, reply.get_as<Reply>(0));
    else
      complete(attempt_, domain::make_error(domain::ErrorCode::outcome_unknown,
                                            "the write's outcome could not be told"));
  }

 private:
  // The sink is let go once called: an answer that never comes (a promise its actor dropped)
  // leaves CAF holding this slot, not what the sink holds.
  void complete(std::uint64_t attempt, domain::Result<Reply> result) {
    if (done_ || attempt != attempt_) return;
    done_ = true;
    auto sink = std::move(sink_);
    sink_ = nullptr;
    sink(std::move(result));
  }

  std::chrono::milliseconds timeout_;
  bool write_;
  Sink sink_;
};

}  // namespace boxoffice::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::shared_ptr<boxoffice::actors::ReplySlot>)

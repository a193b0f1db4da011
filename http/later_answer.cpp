#include "http/later_answer.hpp"

#include "http/access_log.hpp"
#include "http/answer_bytes.hpp"
#include "http/problem.hpp"
#include "http/replies.hpp"

namespace boxoffice::http {

LaterAnswer::LaterAnswer(std::shared_ptr<front::DeferredAnswer> answer, Origin origin,
                         HttpMetrics& metrics, domain::Error unanswered)
    : answer_(std::move(answer)),
      origin_(std::move(origin)),
      metrics_(metrics),
      unanswered_(std::move(unanswered)) {}

LaterAnswer::~LaterAnswer() {
  if (!given_) reply_error(unanswered_);
}

void LaterAnswer::reply_json(int status, const nlohmann::json& body) {
  httplib::Response response;
  http::reply_json(response, status, body);
  give(response);
}

void LaterAnswer::reply_error(const domain::Error& error) {
  httplib::Response response;
  write_problem(response, error);
  give(response);
}

// Counted and logged before it is sent: once the client has its answer it may stop the
// server, whose metrics this must not touch after that (it runs on an actor's thread).
void LaterAnswer::give(const httplib::Response& response) {
  if (given_) return;
  given_ = true;
  const auto elapsed = std::chrono::steady_clock::now() - origin_.started;
  metrics_.record(origin_.method, origin_.route, response.status, elapsed);
  if (answer_may_be_logged(response.status))
    log_answer(origin_.method, origin_.route, origin_.path, response.status,
               std::chrono::duration<double, std::milli>(elapsed).count(), origin_.request_id,
               origin_.client);
  answer_->send(answer_bytes(response, origin_.request_id, origin_.close), origin_.close);
}

}  // namespace boxoffice::http

#include "http/server.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <random>
#include <stdexcept>

#include "http/access_log.hpp"
#include "http/answer_bytes.hpp"
#include "http/client_address.hpp"
#include "http/front/buffered_stream.hpp"
#include "http/front/listen_socket.hpp"
#include "http/front/request_framing.hpp"
#include "http/later_answer.hpp"
#include "http/problem.hpp"

namespace boxoffice::http {

using domain::ErrorCode;

// httplib's parser, router and answer writer, run on one buffered request at a time.
class Server::Dispatcher : public httplib::Server {
 public:
  using httplib::Server::process_request;
};

namespace {

constexpr const char* kRequestIdHeader = "X-Request-Id";
constexpr std::size_t kReservedDescriptors = 512;  // database, cluster, logs, files

bool valid_request_id(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (const char c : id)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

std::string new_request_id() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(generator()));
  return buffer;
}

std::string request_id_of(const httplib::Request& request) {
  auto id = request.get_header_value(kRequestIdHeader);
  return valid_request_id(id) ? id : new_request_id();
}

ErrorCode code_for_status(int status) {
  switch (status) {
    case 404: return ErrorCode::route_not_found;
    case 405: return ErrorCode::method_not_allowed;
    case 413: return ErrorCode::payload_too_large;
    case 503: return ErrorCode::unavailable;
    default: return status >= 500 ? ErrorCode::internal : ErrorCode::invalid_request;
  }
}

// The request this worker runs, for handlers that answer later: httplib's routing passes
// nothing of ours through to dispatch(), and process() runs it on this thread.
struct CurrentRequest {
  front::Deferral* deferral = nullptr;
  bool closing = false;
};
thread_local CurrentRequest current_request;

// Sets current_request for one process() call, whatever way it ends.
class CurrentRequestScope {
 public:
  CurrentRequestScope(front::Deferral& deferral, bool closing) {
    current_request = CurrentRequest{&deferral, closing};
  }
  ~CurrentRequestScope() { current_request = CurrentRequest{}; }
  CurrentRequestScope(const CurrentRequestScope&) = delete;
  CurrentRequestScope& operator=(const CurrentRequestScope&) = delete;
};

// Whether the connection ends after this request's answer (as httplib decides it).
bool ends_connection(const httplib::Request& request, bool closing) {
  const auto connection = request.get_header_value("Connection");
  if (closing || front::equals_ignoring_case(connection, "close")) return true;
  return request.version == "HTTP/1.0" && !front::equals_ignoring_case(connection, "keep-alive");
}

front::FrontConfig front_config(const config::Config& config, const Router& router) {
  front::FrontConfig front;
  front.runs_on_loop = [&router](std::string_view method, std::string_view target) {
    return router.runs_on_loop(method, target);
  };
  front.max_connections = static_cast<std::size_t>(config.max_connections);
  front.workers = static_cast<std::size_t>(config.http_threads);
  front.keep_alive_timeout = config.keep_alive_timeout;
  front.header_timeout = config.header_timeout;
  front.write_timeout = config.write_timeout;
  front.max_queue_wait = config.max_queue_wait;
  front.framing.max_head_bytes = static_cast<std::size_t>(config.max_header_bytes);
  front.framing.max_body_bytes = static_cast<std::size_t>(config.max_body_bytes);
  return front;
}

}  // namespace

Server::Server(Services services)
    : services_(std::move(services)),
      dispatcher_(std::make_unique<Dispatcher>()),
      loop_(
          front_config(services_.config, router_),
          [this](std::string_view request, const front::PeerAddress& peer, bool closing,
                 std::string& answer, front::Deferral& deferral) {
            return process(request, peer, closing, answer, deferral);
          },
          [this](ErrorCode code, const std::string& detail, std::string_view request_id,
                 bool closing) { return refusal(code, detail, request_id, closing); }) {
  const auto& config = services_.config;
  // Only the Keep-Alive header of answers reads these; the connection layer keeps the time.
  const auto keep_alive_seconds = (config.keep_alive_timeout.count() + 999) / 1000;
  dispatcher_->set_keep_alive_timeout(static_cast<time_t>(keep_alive_seconds));
  dispatcher_->set_keep_alive_max_count(1'000'000);
  dispatcher_->set_payload_max_length(static_cast<std::size_t>(config.max_body_bytes));

  const auto entry = [this](const httplib::Request& request, httplib::Response& response) {
    dispatch(request, response);
  };
  dispatcher_->Get(".*", entry);
  dispatcher_->Post(".*", entry);
  dispatcher_->Put(".*", entry);
  dispatcher_->Patch(".*", entry);
  dispatcher_->Delete(".*", entry);
  dispatcher_->Options(".*", entry);

  // Errors httplib answers itself (bad request line, 414, ...) never reach dispatch().
  dispatcher_->set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& request, httplib::Response& response) {
        if (response.has_header(kRequestIdHeader))
          return httplib::Server::HandlerResponse::Unhandled;
        const auto start = std::chrono::steady_clock::now();
        const auto request_id = request_id_of(request);
        write_problem(response,
                      domain::make_error(code_for_status(response.status),
                                         response.status == 413 ? "request body is over the limit"
                                                                : "the request could not be read"));
        response.set_header(kRequestIdHeader, request_id);
        finish(request, response, "(unrouted)", request_id, start);
        return httplib::Server::HandlerResponse::Handled;
      }));
  dispatcher_->set_pre_routing_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& request, httplib::Response& response) {
        return screen(request, response);
      }));
  dispatcher_->set_exception_handler(
      [](const httplib::Request& request, httplib::Response& response, std::exception_ptr error) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        spdlog::error("{} {}: unhandled exception: {}", known_method(request.method),
                      printable(request.path), printable(what));
        write_problem(response, domain::make_error(ErrorCode::internal, "internal error"));
      });
}

Server::~Server() {
  stop();
  if (listen_fd_ >= 0 && !running_) ::close(listen_fd_);
}

int Server::bind() {
  const auto& config = services_.config;
  const auto limit = front::raise_open_file_limit();
  if (static_cast<std::size_t>(config.max_connections) + kReservedDescriptors > limit)
    spdlog::warn(
        "http: --max-connections {} is close to this process's open-file limit {}; connections "
        "over the limit are refused (raise `ulimit -n`)",
        config.max_connections, limit);
  const auto socket = front::open_listen_socket(config.listen.host, config.listen.port);
  listen_fd_ = socket.fd;
  port_ = socket.port;
  return port_;
}

void Server::run() {
  if (listen_fd_ < 0) throw std::logic_error("Server::run() before bind()");
  running_ = true;
  const int fd = listen_fd_;
  listen_fd_ = -1;  // the loop owns it now
  loop_.run(fd);
  running_ = false;
}

void Server::stop() {
  loop_.stop();
}

bool Server::process(std::string_view request, const front::PeerAddress& peer, bool closing,
                     std::string& answer, front::Deferral& deferral) {
  front::BufferedStream stream(request, peer, answer);
  bool parsed = false;
  bool connection_closed = false;
  bool answered = false;
  {
    const CurrentRequestScope scope(deferral, closing);
    answered = dispatcher_->process_request(stream, closing, connection_closed,
                                            [&parsed](httplib::Request&) { parsed = true; });
  }
  // Its handler answers later, or a worker runs it again: what httplib wrote is not the answer.
  if (deferral.taken() || deferral.handed_to_worker()) {
    answer.clear();
    return false;
  }
  // A request httplib could not parse is answered 400 on a connection it leaves open: what
  // follows on it cannot be trusted, so it ends.
  return !answered || !parsed || connection_closed || closing;
}

std::string Server::refusal(ErrorCode code, const std::string& detail, std::string_view given_id,
                            bool closing) {
  httplib::Response response;
  write_problem(response, domain::make_error(code, detail));
  const std::string given(given_id);
  const auto request_id = valid_request_id(given) ? given : new_request_id();
  const std::string route = code == ErrorCode::unavailable ? "(shed)" : "(unrouted)";
  metrics_.record("OTHER", route, response.status, std::chrono::nanoseconds(0));
  log_answer("OTHER", route, "", response.status, 0.0, request_id, "");
  return answer_bytes(response, request_id, closing);
}

// Before httplib reads a body. Framing (Content-Length, chunked, bodies on GET) was settled
// by the connection layer; what is left is what httplib has no route table for.
httplib::Server::HandlerResponse Server::screen(const httplib::Request& request,
                                                httplib::Response& response) {
  if (request.method == "TRACE" || request.method == "CONNECT") {
    dispatch(request, response);
    return httplib::Server::HandlerResponse::Handled;
  }
  return httplib::Server::HandlerResponse::Unhandled;
}

void Server::dispatch(const httplib::Request& request, httplib::Response& response) {
  const auto start = std::chrono::steady_clock::now();
  RequestContext context;
  context.request_id = request_id_of(request);
  context.started = start;  // a write's deadline counts from here (API: --request-timeout)
  response.set_header(kRequestIdHeader, context.request_id);
  auto match = router_.match(request.method, request.path);
  if (match.route.empty()) {
    write_problem(response,
                  domain::make_error(ErrorCode::route_not_found, "no route for " + request.path));
    finish(request, response, "(unknown)", context.request_id, start);
    return;
  }
  context.route = match.route;
  if (!match.handler) {
    std::string allowed;
    for (const auto& method : match.allowed) allowed += (allowed.empty() ? "" : ", ") + method;
    response.set_header("Allow", allowed);
    write_problem(response, domain::make_error(ErrorCode::method_not_allowed,
                                               request.method + " is not allowed on " +
                                                   match.route + " (allowed: " + allowed + ")"));
    finish(request, response, context.route, context.request_id, start);
    return;
  }
  context.params = std::move(match.params);
  auto* const deferral = current_request.deferral;
  if (deferral && deferral->on_loop()) {
    context.on_loop = true;
    context.to_worker = [deferral] { deferral->hand_to_worker(); };
  }
  if (spdlog::should_log(spdlog::level::debug))
    spdlog::debug("{} {} {} started id={} client={}", known_method(request.method), context.route,
                  printable(request.path), context.request_id, printable(client_address(request)));
  if (deferral) {
    context.answer_later = [&, deferral](domain::Error unanswered) {
      LaterAnswer::Origin origin{known_method(request.method),
                                 context.route,
                                 request.path,
                                 context.request_id,
                                 client_address(request),
                                 ends_connection(request, current_request.closing),
                                 start};
      return std::make_shared<LaterAnswer>(deferral->take(), std::move(origin), metrics_,
                                           std::move(unanswered));
    };
  }
  try {
    (*match.handler)(request, response, context);
  } catch (const std::exception& error) {
    spdlog::error("{} {} [{}]: handler failed: {}", known_method(request.method), context.route,
                  context.request_id, printable(error.what()));
    write_problem(response, domain::make_error(ErrorCode::internal, "internal error"));
  }
  // Counted and logged when it is answered: later, or by the worker that runs it again.
  if (deferral && (deferral->taken() || deferral->handed_to_worker())) return;
  finish(request, response, context.route, context.request_id, start);
}

void Server::finish(const httplib::Request& request, const httplib::Response& response,
                    const std::string& route, const std::string& request_id,
                    std::chrono::steady_clock::time_point start) {
  const auto elapsed = std::chrono::steady_clock::now() - start;
  const int status = response.status < 0 ? 200 : response.status;
  metrics_.record(known_method(request.method), route, status, elapsed);
  if (answer_may_be_logged(status))
    log_answer(request.method, route, request.path, status,
               std::chrono::duration<double, std::milli>(elapsed).count(), request_id,
               client_address(request));
}

}  // namespace boxoffice::http

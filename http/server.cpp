#include "http/server.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <random>
#include <stdexcept>
#include <thread>

#include "http/problem.hpp"

namespace boxoffice::http {

using domain::ErrorCode;

// httplib hard-codes a listen backlog of 5; its socket is protected, so re-listen.
class Server::Listener : public httplib::Server {
 public:
  void set_backlog(int backlog) { ::listen(svr_sock_, backlog); }
};

namespace {

constexpr const char* kRequestIdHeader = "X-Request-Id";

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

// The method as a metrics label and in logs: one of the known ones, else OTHER (bounded
// cardinality, no quote or newline from a garbage request line).
std::string known_method(const std::string& method) {
  for (const char* known :
       {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})
    if (method == known) return method;
  return "OTHER";
}

// A decoded path as one log line: control characters become \xHH.
std::string printable(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      out += escaped;
    } else {
      out.push_back(c);
    }
  }
  return out;
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

std::string peer_key(const std::string& address, int port) {
  return address + ":" + std::to_string(port);
}

// The local port of a connected socket and its peer as "addr:port"; port 0 if not one.
std::uint16_t describe_socket(int fd, std::string& peer) {
  sockaddr_storage local{};
  socklen_t length = sizeof local;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) != 0) return 0;
  sockaddr_storage remote{};
  socklen_t remote_length = sizeof remote;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&remote), &remote_length) != 0) return 0;
  char address[INET6_ADDRSTRLEN] = {0};
  if (local.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<sockaddr_in*>(&remote);
    ::inet_ntop(AF_INET, &in->sin_addr, address, sizeof address);
    peer = peer_key(address, ntohs(in->sin_port));
    return ntohs(reinterpret_cast<sockaddr_in*>(&local)->sin_port);
  }
  if (local.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<sockaddr_in6*>(&remote);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, address, sizeof address);
    peer = peer_key(address, ntohs(in6->sin6_port));
    return ntohs(reinterpret_cast<sockaddr_in6*>(&local)->sin6_port);
  }
  return 0;
}

}  // namespace

Server::Server(Services services)
    : services_(std::move(services)), listener_(std::make_unique<Listener>()) {
  const auto& config = services_.config;
  const auto threads = static_cast<std::size_t>(config.http_threads);
  listener_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  listener_->set_tcp_nodelay(true);
  listener_->set_keep_alive_max_count(100000);
  listener_->set_keep_alive_timeout(5);
  listener_->set_read_timeout(5, 0);
  listener_->set_write_timeout(5, 0);
  listener_->set_payload_max_length(static_cast<std::size_t>(config.max_body_bytes));

  const auto entry = [this](const httplib::Request& request, httplib::Response& response) {
    dispatch(request, response);
  };
  listener_->Get(".*", entry);
  listener_->Post(".*", entry);
  listener_->Put(".*", entry);
  listener_->Patch(".*", entry);
  listener_->Delete(".*", entry);
  listener_->Options(".*", entry);

  // Errors httplib answers itself (bad request line, 413, ...) never reach dispatch().
  listener_->set_error_handler(httplib::Server::HandlerWithResponse(
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
  // Before httplib reads a body: refuse what it would mishandle.
  listener_->set_pre_routing_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& request, httplib::Response& response) {
        return screen(request, response);
      }));
  // Runs after the answer is written: the connection is idle again.
  listener_->set_logger([this](const httplib::Request& request, const httplib::Response&) {
    std::lock_guard<std::mutex> lock(busy_mutex_);
    const auto it = busy_connections_.find(peer_key(request.remote_addr, request.remote_port));
    if (it != busy_connections_.end()) busy_connections_.erase(it);
  });
  listener_->set_exception_handler(
      [](const httplib::Request& request, httplib::Response& response, std::exception_ptr error) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        spdlog::error("{} {}: unhandled exception: {}", request.method, request.path, what);
        write_problem(response, domain::make_error(ErrorCode::internal, "internal error"));
      });
}

Server::~Server() {
  stop();
}

int Server::bind() {
  const auto& listen = services_.config.listen;
  const int port = listen.port == 0 ? listener_->bind_to_any_port(listen.host)
                                    : (listener_->bind_to_port(listen.host, listen.port)
                                           ? static_cast<int>(listen.port)
                                           : -1);
  if (port < 0)
    throw std::runtime_error("cannot listen on " + listen.to_string() +
                             " (address in use or not available)");
  listener_->set_backlog(1024);
  port_ = port;
  return port;
}

void Server::run() {
  run_entered_ = true;
  if (!stopping_) listener_->listen_after_bind();
  run_done_ = true;
}

bool Server::is_running() const {
  return listener_->is_running();
}

void Server::stop() {
  if (stopping_.exchange(true)) return;
  // httplib ignores stop() until its loop runs; a stop that comes between bind() and the
  // loop's start must wait for it (run() itself returns at once if it has not begun).
  if (run_entered_)
    while (!listener_->is_running() && !run_done_) std::this_thread::yield();
  listener_->stop();
  close_idle_connections();
}

// httplib keeps an idle keep-alive connection (and its worker) until the keep-alive timeout
// even after stop(). Half-closing an idle accepted socket ends it at once. A busy one is left
// alone: httplib peeks the read side before writing, so it would drop that answer; it closes
// by itself after answering because the server is stopped.
void Server::close_idle_connections() const {
  if (port_ <= 0) return;
  DIR* fds = ::opendir("/proc/self/fd");
  if (!fds) return;
  while (const dirent* entry = ::readdir(fds)) {
    const int fd = std::atoi(entry->d_name);
    if (fd <= 2 || fd == ::dirfd(fds)) continue;
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISSOCK(info.st_mode)) continue;
    std::string peer;
    if (describe_socket(fd, peer) != port_) continue;
    std::lock_guard<std::mutex> lock(busy_mutex_);
    if (!busy_connections_.count(peer)) ::shutdown(fd, SHUT_RD);
  }
  ::closedir(fds);
}

httplib::Server::HandlerResponse Server::screen(const httplib::Request& request,
                                                httplib::Response& response) {
  const auto refuse = [&](ErrorCode code, const std::string& detail) {
    const auto start = std::chrono::steady_clock::now();
    const auto request_id = request_id_of(request);
    write_problem(response, domain::make_error(code, detail));
    response.set_header(kRequestIdHeader, request_id);
    finish(request, response, "(unrouted)", request_id, start);
    return httplib::Server::HandlerResponse::Handled;
  };
  // httplib 0.11 applies the body limit to Content-Length bodies only: a chunked body has no
  // bound, so it is refused. Its bytes stay unread and would be parsed as the next request
  // (smuggling), so the connection ends too.
  const auto encoding = request.get_header_value("Transfer-Encoding");
  if (encoding.find("chunked") != std::string::npos) {
    drop_connection(request);
    return refuse(ErrorCode::payload_too_large,
                  "chunked request bodies are not accepted; send Content-Length");
  }
  if (request.has_header("Content-Length")) {
    const auto length = request.get_header_value("Content-Length");
    if (length.empty() || length.size() > 18 ||
        length.find_first_not_of("0123456789") != std::string::npos)
      return refuse(ErrorCode::invalid_request, "Content-Length must be a decimal number of bytes");
  }
  // httplib never reads a body on GET/HEAD/OPTIONS: its bytes would be parsed as the next
  // request on the connection (request smuggling). End that connection instead.
  if ((request.method == "GET" || request.method == "HEAD" || request.method == "OPTIONS") &&
      request.get_header_value("Content-Length").find_first_not_of('0') != std::string::npos) {
    drop_connection(request);
    return refuse(ErrorCode::invalid_request, request.method + " requests take no body");
  }
  // Methods httplib has no route table for (TRACE, CONNECT): answer 404/405 like the others.
  if (request.method == "TRACE" || request.method == "CONNECT") {
    dispatch(request, response);
    return httplib::Server::HandlerResponse::Handled;
  }
  return httplib::Server::HandlerResponse::Unhandled;
}

// Shuts both directions of the connection a request came on (found by its peer address):
// httplib stops reading it at once, and nothing more is answered on it.
void Server::drop_connection(const httplib::Request& request) const {
  const auto wanted = peer_key(request.remote_addr, request.remote_port);
  DIR* fds = ::opendir("/proc/self/fd");
  if (!fds) return;
  while (const dirent* entry = ::readdir(fds)) {
    const int fd = std::atoi(entry->d_name);
    if (fd <= 2 || fd == ::dirfd(fds)) continue;
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISSOCK(info.st_mode)) continue;
    std::string peer;
    if (describe_socket(fd, peer) == port_ && peer == wanted) ::shutdown(fd, SHUT_RDWR);
  }
  ::closedir(fds);
}

void Server::dispatch(const httplib::Request& request, httplib::Response& response) {
  const auto start = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(busy_mutex_);
    busy_connections_.insert(peer_key(request.remote_addr, request.remote_port));
  }
  RequestContext context;
  context.request_id = request_id_of(request);
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
  spdlog::debug("{} {} {} started id={}", request.method, context.route, printable(request.path),
                context.request_id);
  try {
    (*match.handler)(request, response, context);
  } catch (const std::exception& error) {
    spdlog::error("{} {} [{}]: handler failed: {}", request.method, context.route,
                  context.request_id, error.what());
    write_problem(response, domain::make_error(ErrorCode::internal, "internal error"));
  }
  finish(request, response, context.route, context.request_id, start);
}

void Server::finish(const httplib::Request& request, const httplib::Response& response,
                    const std::string& route, const std::string& request_id,
                    std::chrono::steady_clock::time_point start) {
  const auto elapsed = std::chrono::steady_clock::now() - start;
  const int status = response.status < 0 ? 200 : response.status;
  metrics_.record(known_method(request.method), route, status, elapsed);
  const double millis = std::chrono::duration<double, std::milli>(elapsed).count();
  if (status >= 500)
    spdlog::warn("{} {} {} {} {:.2f}ms id={}", known_method(request.method), route,
                 printable(request.path), status, millis, request_id);
  else
    spdlog::info("{} {} {} {} {:.2f}ms id={}", known_method(request.method), route,
                 printable(request.path), status, millis, request_id);
}

}  // namespace boxoffice::http

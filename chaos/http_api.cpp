#include "chaos/http_api.hpp"

#include <chrono>

namespace boxoffice::chaos {

std::string ApiReply::label() const {
  if (status == 0) return "transport";
  if (code.empty()) return std::to_string(status);
  return std::to_string(status) + " " + code;
}

std::unique_ptr<httplib::Client> make_client(const std::string& address, double timeout_s) {
  auto client = std::make_unique<httplib::Client>("http://" + address);
  const auto timeout = std::chrono::milliseconds(static_cast<long>(timeout_s * 1000));
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);
  client->set_connection_timeout(timeout);
  client->set_read_timeout(timeout);
  client->set_write_timeout(timeout);
  return client;
}

NodeClients::NodeClients(const std::vector<std::string>& addresses, double timeout_s) {
  for (const auto& address : addresses) clients_.push_back(make_client(address, timeout_s));
}

ApiReply NodeClients::send(int node, const ApiRequest& request) {
  ApiReply reply;
  reply.node = node;
  httplib::Headers headers;
  if (!request.token.empty()) headers.emplace("Authorization", "Bearer " + request.token);
  if (!request.idem_key.empty()) headers.emplace("Idempotency-Key", request.idem_key);
  if (!request.admin_key.empty()) headers.emplace("X-Admin-Key", request.admin_key);
  auto& client = *clients_.at(static_cast<std::size_t>(node));
  const auto started = std::chrono::steady_clock::now();
  httplib::Result result = [&] {
    if (request.method == "POST")
      return client.Post(request.path.c_str(), headers, request.body, "application/json");
    if (request.method == "DELETE") return client.Delete(request.path.c_str(), headers);
    return client.Get(request.path.c_str(), headers);
  }();
  reply.latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (!result) {
    reply.transport_error = httplib::to_string(result.error());
    return reply;
  }
  reply.status = result->status;
  reply.retry_after = result->has_header("Retry-After");
  reply.body = nlohmann::json::parse(result->body, nullptr, false);
  if (reply.body.is_discarded()) reply.body = nullptr;
  if (reply.status >= 400 && reply.body.is_object() && reply.body.contains("code") &&
      reply.body["code"].is_string())
    reply.code = reply.body["code"].get<std::string>();
  return reply;
}

}  // namespace boxoffice::chaos

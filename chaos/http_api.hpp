#pragma once

#include <httplib.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace boxoffice::chaos {

struct ApiRequest {
  std::string method;  // GET, POST, DELETE
  std::string path;
  std::string body;
  std::string token;      // Authorization: Bearer
  std::string idem_key;   // Idempotency-Key
  std::string admin_key;  // X-Admin-Key
};

struct ApiReply {
  int status = 0;  // 0 = transport error (connection refused/reset, timeout)
  std::string transport_error;
  std::string code;  // problem+json "code" of an error answer
  bool retry_after = false;
  nlohmann::json body;  // null when not JSON
  double latency_ms = 0;
  int node = -1;
  int earlier_503 = 0;        // attempts of the same request answered 503 before this one
  int earlier_transport = 0;  // ... or lost to a transport error

  bool ok() const { return status >= 200 && status < 300; }
  // 503 or a transport error: the request may be sent to another node.
  bool unavailable() const { return status == 0 || status == 503; }
  std::string label() const;  // "201", "409 SEAT_UNAVAILABLE", "transport"
};

// One keep-alive httplib::Client per node, for one thread (clients are not shared).
class NodeClients {
 public:
  NodeClients(const std::vector<std::string>& addresses, double timeout_s);
  ApiReply send(int node, const ApiRequest& request);
  int size() const { return static_cast<int>(clients_.size()); }

 private:
  std::vector<std::unique_ptr<httplib::Client>> clients_;
};

// "host:port" -> "http://host:port" client with the tool's settings.
std::unique_ptr<httplib::Client> make_client(const std::string& address, double timeout_s);

}  // namespace boxoffice::chaos

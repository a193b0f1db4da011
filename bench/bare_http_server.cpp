// The baseline for HTTP benchmarks: httplib with boxoffice's server settings, answering
// every GET and POST with fixed bytes. Usage: bare_http_server PORT BODY
#include <httplib.h>

#include <cstdlib>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: bare_http_server PORT BODY\n";
    return 2;
  }
  const std::string body = argv[2];
  httplib::Server server;
  server.new_task_queue = [] { return new httplib::ThreadPool(64); };
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(100000);
  const auto answer = [&body](const httplib::Request&, httplib::Response& response) {
    response.set_content(body, "application/json");
  };
  server.Get(".*", answer);
  server.Post(".*", answer);
  server.listen("127.0.0.1", std::atoi(argv[1]));
}

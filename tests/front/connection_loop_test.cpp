// The connection layer as a client sees it, with a stand-in for httplib: each request is
// answered with its path and body size (and " on loop" when the loop's thread ran it), except
// /block, which holds its worker until released.
#include "http/front/connection_loop.hpp"

#include <boost/test/unit_test.hpp>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "http/front/listen_socket.hpp"
#include "http/later_answer.hpp"
#include "http/problem.hpp"
#include "support/raw_connection.hpp"

namespace boxoffice::http::front {
namespace {

using namespace std::chrono_literals;

class TestFront {
 public:
  explicit TestFront(FrontConfig config)
      : loop_(
            config,
            [this](std::string_view request, const PeerAddress&, bool closing, std::string& answer,
                   Deferral& deferral) { return process(request, closing, answer, deferral); },
            [](domain::ErrorCode code, const std::string& detail, std::string_view, bool closing) {
              httplib::Response problem;
              write_problem(problem, domain::make_error(code, detail));
              const int status = problem.status;
              return "HTTP/1.1 " + std::to_string(status) + " X\r\nRetry-After: 1\r\n" +
                     "Content-Length: " + std::to_string(detail.size()) + "\r\n" +
                     (closing ? "Connection: close\r\n" : "") + "\r\n" + detail;
            }) {
    const auto socket = open_listen_socket("127.0.0.1", 0);
    port_ = socket.port;
    thread_ = std::thread([this, fd = socket.fd] { loop_.run(fd); });
  }
  ~TestFront() {
    loop_.stop();
    release();
    thread_.join();
  }

  int port() const { return port_; }
  const FrontGauges& gauges() const { return loop_.gauges(); }

  void wait_until_blocked(int count) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return blocked_ >= count; });
  }
  void release() {
    std::lock_guard<std::mutex> lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }
  // The handles of /later requests, once that many were taken.
  std::vector<std::shared_ptr<DeferredAnswer>> later(std::size_t count) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return later_.size() >= count; });
    return later_;
  }

  static std::string answer_text(const std::string& text, bool closing) {
    return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(text.size()) + "\r\n" +
           (closing ? "Connection: close\r\n" : "") + "\r\n" + text;
  }

 private:
  bool process(std::string_view request, bool closing, std::string& answer, Deferral& deferral) {
    const auto line = request.substr(0, request.find("\r\n"));
    const auto path = line.substr(line.find(' ') + 1, line.rfind(' ') - line.find(' ') - 1);
    if (path == "/later") {  // answered by the test, from its own thread
      std::lock_guard<std::mutex> lock(mutex_);
      later_.push_back(deferral.take());
      changed_.notify_all();
      return false;
    }
    if (path == "/later-dropped") {  // a LaterAnswer given up without an answer
      LaterAnswer::Origin origin;
      origin.method = "GET";
      origin.route = "/later-dropped";
      origin.request_id = "dropped-1";
      origin.close = closing;
      LaterAnswer dropped(deferral.take(), origin, metrics_,
                          domain::make_error(domain::ErrorCode::outcome_unknown, "not answered"));
      return false;
    }
    if (path == "/later-at-once") {  // answered through the handle before the worker is done
      deferral.take()->send(answer_text("given early", closing), closing);
      return false;
    }
    if (path == "/to-worker" && deferral.on_loop()) {  // would wait: a worker runs it again
      answer += "garbage the loop must not send";
      deferral.hand_to_worker();
      return false;
    }
    if (path == "/block") {
      std::unique_lock<std::mutex> lock(mutex_);
      ++blocked_;
      changed_.notify_all();
      changed_.wait(lock, [&] { return released_; });
    }
    const auto body = request.size() - (request.find("\r\n\r\n") + 4);
    const std::string text = std::string(path) + " body=" + std::to_string(body) +
                             (deferral.on_loop() ? " on loop" : "");
    answer += "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(text.size()) + "\r\n" +
              (closing ? "Connection: close\r\n" : "") + "\r\n" + text;
    return closing;
  }

  ConnectionLoop loop_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable changed_;
  int blocked_ = 0;
  bool released_ = false;
  std::vector<std::shared_ptr<DeferredAnswer>> later_;
  HttpMetrics metrics_;
};

// A client that writes exact bytes; every wait for an answer is bounded.
class Client : public boxoffice::testing::RawConnection {
 public:
  explicit Client(int port) : RawConnection(port, 5s) {}
};

// A GET of `path` as a client sends it.
std::string get_request(const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n";
}

FrontConfig small_config() {
  FrontConfig config;
  config.workers = 2;
  return config;
}

// /fast and /to-worker are run by the loop's own thread.
FrontConfig with_loop_routes(FrontConfig config) {
  config.runs_on_loop = [](std::string_view method, std::string_view target) {
    return method == "GET" && (target == "/fast" || target == "/to-worker");
  };
  return config;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(connection_loop)

BOOST_AUTO_TEST_CASE(pipelined_requests_are_all_answered_in_order) {
  TestFront front(small_config());
  Client client(front.port());
  client.write(get_request("/one") +
               "POST /two HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc" +
               get_request("/three"));
  for (const std::string expected : {"/one body=0", "/two body=3", "/three body=0"}) {
    const auto answer = client.read_answer();
    BOOST_TEST(answer.status == 200);
    BOOST_TEST(answer.body == expected);
  }
}

BOOST_AUTO_TEST_CASE(a_request_run_on_the_loop_needs_no_free_worker) {
  auto config = with_loop_routes(small_config());
  config.workers = 1;
  TestFront front(config);
  Client blocked(front.port());
  blocked.write(get_request("/block"));
  front.wait_until_blocked(1);  // the only worker is taken

  Client client(front.port());
  BOOST_TEST(client.get("/fast").body == "/fast body=0 on loop");

  front.release();
  BOOST_TEST(blocked.read_answer().body == "/block body=0");
  // Not the exact path, or a request over the loop's size: a worker's.
  BOOST_TEST(client.get("/fast?again").body == "/fast?again body=0");
  const std::string big(config.max_loop_request_bytes, 'x');
  client.write("GET /fast HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(big.size()) +
               "\r\n\r\n" + big);
  BOOST_TEST(client.read_answer().body == "/fast body=" + std::to_string(big.size()));
}

BOOST_AUTO_TEST_CASE(a_request_the_loop_hands_to_a_worker_is_answered_once_by_it) {
  TestFront front(with_loop_routes(small_config()));
  Client client(front.port());
  client.write(get_request("/to-worker") + get_request("/fast") + get_request("/after"));
  BOOST_TEST(client.read_answer().body == "/to-worker body=0");  // run again, on a worker
  BOOST_TEST(client.read_answer().body == "/fast body=0 on loop");
  BOOST_TEST(client.read_answer().body == "/after body=0");
  BOOST_TEST(!client.readable_within(200ms));  // nothing else: the loop's attempt sent nothing
}

BOOST_AUTO_TEST_CASE(a_request_arriving_a_byte_at_a_time_delays_no_one) {
  auto config = small_config();
  config.workers = 1;
  TestFront front(config);
  const std::string request = get_request("/slow");
  std::vector<std::unique_ptr<Client>> slow;
  for (int i = 0; i < 20; ++i) {
    slow.push_back(std::make_unique<Client>(front.port()));
    for (std::size_t byte = 0; byte < request.size() / 2; ++byte)
      slow.back()->write(request.substr(byte, 1));
  }
  // Twenty half-sent heads hold no worker: a newcomer is answered at once.
  Client newcomer(front.port());
  const auto answer = newcomer.get("/fresh");
  BOOST_TEST(answer.status == 200);
  BOOST_TEST(answer.body == "/fresh body=0");
  for (auto& client : slow) {
    for (std::size_t byte = request.size() / 2; byte < request.size(); ++byte)
      client->write(request.substr(byte, 1));
    BOOST_TEST(client->read_answer().body == "/slow body=0");
  }
}

BOOST_AUTO_TEST_CASE(a_head_over_the_cap_is_431_and_ends_the_connection) {
  auto config = small_config();
  config.framing.max_head_bytes = 2048;
  TestFront front(config);
  Client client(front.port());
  client.write("GET /x HTTP/1.1\r\nX-Big: " + std::string(3000, 'a') + "\r\n\r\n");
  BOOST_TEST(client.read_answer().status == 431);
  BOOST_TEST(client.closed_within(5s));
  BOOST_TEST(Client(front.port()).get("/after").status == 200);
}

BOOST_AUTO_TEST_CASE(a_head_that_does_not_arrive_in_time_is_408_and_ends_the_connection) {
  auto config = small_config();
  config.header_timeout = 300ms;
  TestFront front(config);
  Client client(front.port());
  const auto start = std::chrono::steady_clock::now();
  client.write("GET /x HTTP/1.1\r\nHost:");
  const auto answer = client.read_answer();
  BOOST_TEST(answer.status == 408);
  BOOST_TEST((std::chrono::steady_clock::now() - start >= 300ms));
  BOOST_TEST(client.closed_within(5s));
}

BOOST_AUTO_TEST_CASE(a_body_that_does_not_arrive_in_time_is_408) {
  auto config = small_config();
  config.header_timeout = 300ms;
  TestFront front(config);
  Client client(front.port());
  client.write("POST /x HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc");
  BOOST_TEST(client.read_answer().status == 408);
  BOOST_TEST(client.closed_within(5s));
}

BOOST_AUTO_TEST_CASE(an_idle_keep_alive_connection_is_closed_after_its_timeout_only) {
  auto config = small_config();
  config.keep_alive_timeout = 400ms;
  TestFront front(config);
  Client client(front.port());
  // The loop's idle clock starts after the request arrived (it may read the time a moment
  // before this client sees the answer): the close cannot come before 400 ms after the send.
  const auto sent = std::chrono::steady_clock::now();
  BOOST_TEST(client.get("/first").status == 200);
  BOOST_TEST(client.closed_within(5s));
  BOOST_TEST((std::chrono::steady_clock::now() - sent >= 400ms));
}

BOOST_AUTO_TEST_CASE(over_the_connection_cap_a_newcomer_gets_503_and_is_closed) {
  auto config = small_config();
  config.max_connections = 3;
  TestFront front(config);
  std::vector<std::unique_ptr<Client>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<Client>(front.port()));
    BOOST_TEST(held.back()->get("/held").status == 200);
  }
  Client refused(front.port());
  const auto answer = refused.get("/over");
  BOOST_TEST(answer.status == 503);
  BOOST_TEST(answer.header("Retry-After") == "1");
  BOOST_TEST(refused.closed_within(5s));
  BOOST_TEST(front.gauges().connections_refused.load() == 1u);
  // A held connection keeps being served, and a closed one makes room.
  BOOST_TEST(held.front()->get("/still").status == 200);
  held.pop_back();
  // The loop notices the close when it reads it: retry until it has (bounded).
  int status = 0;
  for (int attempt = 0; attempt < 50 && status != 200; ++attempt) {
    Client next(front.port());
    status = next.get("/room").status;
  }
  BOOST_TEST(status == 200);
}

BOOST_AUTO_TEST_CASE(saturated_workers_shed_new_requests_with_503_while_healthz_answers) {
  auto config = small_config();
  config.workers = 1;
  config.max_queue_wait = 50ms;
  TestFront front(config);
  Client blocker(front.port());
  blocker.write(get_request("/block"));
  front.wait_until_blocked(1);
  Client queued(front.port());
  queued.write(get_request("/queued"));
  // The shedding rule is about time spent waiting for a worker: let the queued one age.
  std::this_thread::sleep_for(config.max_queue_wait * 3);

  Client shed(front.port());
  const auto answer = shed.get("/new");
  BOOST_TEST(answer.status == 503);
  BOOST_TEST(answer.header("Retry-After") == "1");
  BOOST_TEST(front.gauges().requests_shed.load() >= 1u);
  // The operations routes have their own worker.
  BOOST_TEST(Client(front.port()).get("/healthz").body == "/healthz body=0");
  // A shed answer keeps the connection: once the worker is free it is served again.
  front.release();
  BOOST_TEST(blocker.read_answer().status == 200);
  BOOST_TEST(queued.read_answer().status == 503);  // it waited past the limit: not run
  BOOST_TEST(shed.get("/again").status == 200);
}

BOOST_AUTO_TEST_CASE(stop_closes_idle_connections_and_answers_the_request_in_flight) {
  auto config = small_config();
  auto front = std::make_unique<TestFront>(config);
  std::vector<std::unique_ptr<Client>> idle;
  for (int i = 0; i < 50; ++i) {
    idle.push_back(std::make_unique<Client>(front->port()));
    BOOST_TEST(idle.back()->get("/idle").status == 200);
  }
  Client busy(front->port());
  busy.write(get_request("/block"));
  front->wait_until_blocked(1);
  std::thread stopper([&] { front.reset(); });  // stop(), then wait for run() to return
  for (auto& client : idle) BOOST_TEST(client->closed_within(5s));
  // The destructor releases the blocked request: its answer still arrives, then the close.
  BOOST_TEST(busy.read_answer().status == 200);
  BOOST_TEST(busy.closed_within(5s));
  stopper.join();
}

BOOST_AUTO_TEST_CASE(a_request_answered_later_holds_no_worker) {
  auto config = small_config();
  config.workers = 1;
  TestFront front(config);
  Client waiting(front.port());
  waiting.write(get_request("/later"));
  const auto handle = front.later(1).front();
  // The only worker is free again: another client is answered while the first one waits.
  Client other(front.port());
  other.write(get_request("/one"));
  const auto first = other.read_answer();
  BOOST_TEST(first.status == 200);
  BOOST_TEST(first.body == "/one body=0");
  std::thread([handle] { handle->send(TestFront::answer_text("later", false), false); }).join();
  const auto later = waiting.read_answer();
  BOOST_TEST(later.status == 200);
  BOOST_TEST(later.body == "later");
  waiting.write(get_request("/two"));  // the connection is kept
  BOOST_TEST(waiting.read_answer().body == "/two body=0");
}

BOOST_AUTO_TEST_CASE(a_pipelined_request_waits_for_the_answer_given_later_before_it) {
  TestFront front(small_config());
  Client client(front.port());
  client.write(get_request("/later") + get_request("/after"));
  const auto handle = front.later(1).front();
  handle->send(TestFront::answer_text("first", false), false);
  handle->send(TestFront::answer_text("twice", false), false);  // only the first answer counts
  BOOST_TEST(client.read_answer().body == "first");
  BOOST_TEST(client.read_answer().body == "/after body=0");
}

BOOST_AUTO_TEST_CASE(an_answer_given_before_its_worker_returned_is_sent_once_it_has) {
  TestFront front(small_config());
  Client client(front.port());
  client.write(get_request("/later-at-once") + get_request("/next"));
  BOOST_TEST(client.read_answer().body == "given early");
  BOOST_TEST(client.read_answer().body == "/next body=0");
}

BOOST_AUTO_TEST_CASE(an_answer_given_up_unanswered_says_its_outcome_is_unknown) {
  TestFront front(small_config());
  Client client(front.port());
  client.write(get_request("/later-dropped"));
  const auto answer = client.read_answer();
  BOOST_TEST(answer.status == 504);
  BOOST_TEST(answer.body.find("OUTCOME_UNKNOWN") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_stop_waits_for_the_answers_still_to_be_given) {
  auto front = std::make_unique<TestFront>(small_config());
  Client client(front->port());
  client.write(get_request("/later"));
  const auto handle = front->later(1).front();
  Client idle(front->port());
  idle.write(get_request("/one"));
  BOOST_TEST_REQUIRE(idle.read_answer().status == 200);
  std::thread stopper([&front] { front.reset(); });  // stop() returns once it is answered
  // The stop has begun (it closes idle connections at once), the answer is still owed.
  BOOST_TEST_REQUIRE(idle.closed_within(5s));
  handle->send(TestFront::answer_text("answered while stopping", true), true);
  const auto answer = client.read_answer();
  BOOST_TEST(answer.status == 200);
  BOOST_TEST(answer.body == "answered while stopping");
  stopper.join();
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace boxoffice::http::front

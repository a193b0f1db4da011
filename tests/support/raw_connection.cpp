#include "support/raw_connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cctype>
#include <regex>
#include <sstream>

namespace boxoffice::testing {
namespace {

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

std::string RawAnswer::header(const std::string& name) const {
  std::istringstream in(headers);
  const auto wanted = lower(name);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto colon = line.find(':');
    if (colon == std::string::npos || lower(line.substr(0, colon)) != wanted) continue;
    auto value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    return value;
  }
  return "";
}

RawConnection::RawConnection(int port, std::chrono::milliseconds wait)
    : fd_(::socket(AF_INET, SOCK_STREAM, 0)), wait_(wait) {
  BOOST_TEST_REQUIRE(fd_ >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  BOOST_TEST_REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0,
                     "cannot connect to port " << port);
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

void RawConnection::write(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may answer and close before reading everything
    sent += static_cast<std::size_t>(n);
  }
}

RawAnswer RawConnection::get(const std::string& path) {
  write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  return read_answer();
}

RawAnswer RawConnection::read_answer(bool head_request) {
  RawAnswer answer;
  std::size_t end = std::string::npos;
  while ((end = pending_.find("\r\n\r\n")) == std::string::npos)
    if (!fill()) return answer;
  const std::string head = pending_.substr(0, end);
  static const std::regex status_line(R"(^HTTP/1\.[01] (\d{3}))");
  std::smatch match;
  if (!std::regex_search(head, match, status_line)) return answer;
  answer.status = std::stoi(match[1]);
  answer.headers = head;
  pending_.erase(0, end + 4);
  const auto length_text = answer.header("Content-Length");
  if (head_request) return answer;
  if (length_text.empty()) {
    while (fill()) {
    }
    answer.body = std::move(pending_);
    pending_.clear();
    return answer;
  }
  const auto length = std::stoul(length_text);
  while (pending_.size() < length)
    if (!fill()) break;
  answer.body = pending_.substr(0, length);
  pending_.erase(0, std::min(length, pending_.size()));
  return answer;
}

bool RawConnection::readable_within(std::chrono::milliseconds timeout) {
  if (!pending_.empty()) return true;
  pollfd entry{fd_, POLLIN, 0};
  return ::poll(&entry, 1, static_cast<int>(timeout.count())) > 0;
}

bool RawConnection::closed_within(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd entry{fd_, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&entry, 1, static_cast<int>(left.count())) <= 0) return false;
    char buffer[4096];
    if (::recv(fd_, buffer, sizeof buffer, 0) <= 0) return true;
  }
}

bool RawConnection::fill() {
  pollfd entry{fd_, POLLIN, 0};
  if (::poll(&entry, 1, static_cast<int>(wait_.count())) <= 0) return false;
  char buffer[4096];
  const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
  if (n <= 0) return false;
  pending_.append(buffer, static_cast<std::size_t>(n));
  return true;
}

RawAnswer raw_exchange(int port, const std::string& request) {
  RawConnection connection(port);
  connection.write(request);
  return connection.read_answer();
}

}  // namespace boxoffice::testing

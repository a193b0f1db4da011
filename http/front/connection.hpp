#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "http/front/timer_list.hpp"

namespace boxoffice::http::front {

// Who is at both ends of a connection, read once at accept.
struct PeerAddress {
  std::string remote_ip;
  int remote_port = 0;
  std::string local_ip;
  int local_port = 0;
};

// One accepted socket. The event loop owns it; while its request is with a worker
// (`dispatched`) only that worker touches `input` and `output`, and the loop touches
// neither until the worker's completion arrives.
struct Connection : TimerHook {
  enum class State : std::uint8_t {
    reading,     // waiting for (the rest of) a request; idle when `input` is empty
    dispatched,  // a worker runs the request at the front of `input`
    writing,     // the answer did not fit the socket: the loop sends `output`
    lingering,   // answered and half-closed: late bytes are read and dropped until EOF
  };

  explicit Connection(int socket) : fd(socket) {}

  const int fd;
  State state = State::reading;
  std::string input;              // received bytes not yet consumed by a request
  std::string output;             // answer bytes the loop still has to send
  std::size_t output_sent = 0;    // of `output`
  std::size_t request_bytes = 0;  // dispatched: bytes of `input` the request occupies
  std::string normalized;         // dispatched: the request as rewritten by framing, if it was
  bool body_phase = false;        // reading: the head is complete, the body is arriving
  bool continue_sent = false;     // `100 Continue` went out for the current request
  bool unread_bytes = false;      // the socket may hold bytes not read yet
  bool peer_closed = false;       // EOF read: no more requests will come
  bool close_after_write = false;
  bool closed = false;  // the descriptor is closed; freed after the current batch of events
  // Set by the worker for its completion.
  bool close_requested = false;  // the answer ends the connection
  bool write_failed = false;     // the peer is gone
  PeerAddress peer;
};

// Buffers above this capacity are freed once empty; smaller ones are kept for the next request.
inline constexpr std::size_t kKeptCapacity = std::size_t{16} * 1024;

inline void release_if_large(std::string& buffer) {
  if (buffer.empty() && buffer.capacity() > kKeptCapacity) std::string().swap(buffer);
}

}  // namespace boxoffice::http::front

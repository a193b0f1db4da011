#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace boxoffice::testing {

// A TCP proxy in front of a PostgreSQL server that can break one connection at the one moment
// a test needs: while a transaction's COMMIT is in flight. It reads the client's protocol
// messages (simple and extended query) and, once armed, picks the first transaction that runs
// a statement containing a given text (outside BEGIN .. COMMIT: that statement is its own
// transaction and its COMMIT); at that transaction's COMMIT it either closes both
// sides before the server sees the COMMIT (the transaction cannot commit), or lets the COMMIT
// through, waits for the server's verdict and closes both sides before the client reads it
// (committed, but the client only sees a broken connection); or lets it through and withholds
// the verdict (committed, and the client waits), or swallows it (the transaction stays open,
// the client waits), both until the client goes or cut_stalled(). Everything else passes.
class PgProxy {
 public:
  enum class Break { before_commit, after_commit, withhold_verdict, swallow_commit };

  explicit PgProxy(int server_port);
  ~PgProxy();
  PgProxy(const PgProxy&) = delete;
  PgProxy& operator=(const PgProxy&) = delete;

  int port() const { return port_; }

  // The next transaction that runs a statement containing `statement_text` loses its
  // connection at COMMIT, as `how` says. Once.
  void arm(const std::string& statement_text, Break how);
  // Waits until the armed break happened; false after `timeout_ms`.
  bool wait_fired(int timeout_ms);
  bool fired() const;
  // Closes the connections left waiting by withhold_verdict or swallow_commit.
  void cut_stalled();

 private:
  struct Arm {
    bool armed = false;
    bool fired = false;
    std::string text;
    Break how = Break::before_commit;
  };

  void accept_loop();
  void pump(int client, int server);

  const int server_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  Arm arm_;
  std::thread acceptor_;
  std::vector<std::thread> pumps_;
  std::vector<int> open_fds_;
  std::vector<int> stalled_fds_;
};

}  // namespace boxoffice::testing

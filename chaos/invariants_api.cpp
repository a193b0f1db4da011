// Reads through the API after the load, compared with the database; answers and failovers.
#include <map>

#include "chaos/chaos_database.hpp"
#include "chaos/http_api.hpp"
#include "chaos/invariants.hpp"
#include "chaos/sql_rows.hpp"

namespace boxoffice::chaos {
namespace {

// GET through the nodes in turn, the next node on 503/transport errors.
ApiReply read(NodeClients& clients, int& next, const std::string& path, const std::string& token) {
  ApiReply reply;
  for (int attempt = 0; attempt < 2 * clients.size(); ++attempt) {
    reply = clients.send(next, {"GET", path, "", token, "", ""});
    next = (next + 1) % clients.size();
    if (!reply.unavailable()) break;
  }
  return reply;
}

Verdict balances_agree(soci::session& sql, const CheckInputs& in, NodeClients& clients) {
  Violations v;
  std::map<long long, long long> db;
  for (const auto& r : query(sql, "SELECT id, balance FROM wallets")) db[r[0]] = r[1];
  int next = 0;
  for (const auto& u : in.world.users) {
    const auto reply = read(
        clients, next,
        "/api/v1/wallets/" + std::to_string(u.wallet) + "?userId=" + std::to_string(u.user), "");
    if (reply.status != 200) {
      v.add("GET wallet " + std::to_string(u.wallet) + ": " + reply.label());
      continue;
    }
    const auto balance = reply.body.value("balance", -1LL);
    if (balance != db[u.wallet])
      v.add("wallet " + std::to_string(u.wallet) + " API balance " + std::to_string(balance) +
            " != database " + std::to_string(db[u.wallet]));
  }
  return v.verdict("balances through the API equal the database",
                   std::to_string(in.world.users.size()) + " wallets read");
}

Verdict seat_maps_agree(soci::session& sql, const CheckInputs& in, NodeClients& clients,
                        const std::string& token) {
  if (token.empty())
    return {"seat maps through the API agree with the database", true,
            "skipped: no ACTIVE probe token at the end"};
  Violations v;
  int next = 0;
  std::size_t seats = 0, stale_holds = 0;
  for (const auto& schedule : in.world.schedules) {
    // seat -> 1 SOLD, 2 HELD with a live deadline, 0 otherwise, in the database
    std::map<long long, long long> sold;
    for (const auto& r : query(sql,
                               "SELECT seat_number, CASE WHEN status = 'SOLD' THEN 1 WHEN status ="
                               " 'HELD' AND held_until_ms > :now THEN 2 ELSE 0 END"
                               " FROM seats WHERE schedule_id = :id",
                               {now_ms(), schedule.id}))
      sold[r[0]] = r[1];
    const auto reply =
        read(clients, next, "/api/v1/schedules/" + std::to_string(schedule.id) + "/seats", token);
    if (reply.status != 200 || !reply.body.contains("seats")) {
      v.add("GET seats of schedule " + std::to_string(schedule.id) + ": " + reply.label());
      continue;
    }
    for (const auto& seat : reply.body["seats"]) {
      ++seats;
      const long long number = seat.value("seatNumber", 0LL);
      const bool api_sold = seat.value("status", "") == "SOLD";
      if (seat.value("status", "") == "HELD" && sold[number] != 2 && ++stale_holds <= 3)
        v.add("schedule " + std::to_string(schedule.id) + " seat " + std::to_string(number) +
              " is HELD through the API but not a live hold in the database");
      if (api_sold != (sold[number] == 1))
        v.add("schedule " + std::to_string(schedule.id) + " seat " + std::to_string(number) +
              " is " + seat.value("status", "?") + " through the API but " +
              (sold[number] ? "SOLD" : "not SOLD") + " in the database");
    }
  }
  return v.verdict("seat maps through the API agree with the database",
                   std::to_string(seats) + " seats compared");
}

Verdict answers(const CheckInputs& in) {
  Violations v;
  for (const auto& bad : in.record.bad_answers)
    v.add(bad.op + " got " + bad.label + " from node " + std::to_string(bad.node + 1) + " at " +
          std::to_string(static_cast<int>(bad.at_s)) + " s: " + bad.detail.substr(0, 200));
  for (std::size_t i = in.record.bad_answers.size(); i < in.record.bad_answer_count; ++i)
    v.add("(more)");
  return v.verdict("no 5xx answer but 503 with Retry-After and 504 OUTCOME_UNKNOWN", "none");
}

Verdict failovers(const CheckInputs& in) {
  Violations v;
  for (const auto& f : in.timeline) {
    if (!f.failover_s || !f.recovered_s || !f.note.empty())
      v.add(std::string(to_string(f.kind)) + " of node " + std::to_string(f.node) + " at " +
            std::to_string(static_cast<int>(f.at_s)) +
            " s: " + (f.note.empty() ? "no failover" : f.note));
  }
  return v.verdict("every fault failed over and recovered within --failover-max",
                   std::to_string(in.timeline.size()) + " faults");
}

// API.md "Cluster": a node stopping on SIGTERM hands its entities over first, so no request
// sent to a node that stays up fails because of it.
Verdict graceful_handover(const CheckInputs& in) {
  Violations v;
  std::size_t terms = 0;
  for (const auto& f : in.timeline) {
    if (f.kind != FaultKind::term && f.kind != FaultKind::roll) continue;
    ++terms;
    if (f.survivor_503s > 0)
      v.add("term of node " + std::to_string(f.node) + " at " +
            std::to_string(static_cast<int>(f.at_s)) + " s: " + std::to_string(f.survivor_503s) +
            " probes of survivors answered 503, first: " +
            (f.probe_failures.empty() ? "" : f.probe_failures.front()));
  }
  return v.verdict("no 503 from a surviving node during a SIGTERM hand-over",
                   std::to_string(terms) + " SIGTERM faults");
}

}  // namespace

std::vector<Verdict> check_api(soci::session& sql, const CheckInputs& in,
                               const std::string& active_token) {
  NodeClients clients(in.world.addresses, in.options.http_timeout_s);
  std::vector<Verdict> verdicts{balances_agree(sql, in, clients),
                                seat_maps_agree(sql, in, clients, active_token)};
  if (!in.options.balanced()) verdicts.push_back(answers(in));  // else check_balancer()
  verdicts.push_back(failovers(in));
  verdicts.push_back(graceful_handover(in));
  return verdicts;
}

}  // namespace boxoffice::chaos

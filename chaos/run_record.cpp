#include "chaos/run_record.hpp"

#include <iterator>

namespace boxoffice::chaos {
namespace {

template <class T>
void append(std::vector<T>& to, std::vector<T>&& from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

}  // namespace

void OpStats::merge(const OpStats& other) {
  for (const auto& [label, count] : other.by_label) by_label[label] += count;
  latency.merge(other.latency);
  requests += other.requests;
  attempts += other.attempts;
  retried += other.retried;
  retried_ok += other.retried_ok;
}

void RunRecord::merge(RunRecord&& other) {
  for (const auto& [name, stats] : other.ops) ops[name].merge(stats);
  append(charges, std::move(other.charges));
  append(unknown_charges, std::move(other.unknown_charges));
  append(refused_charges, std::move(other.refused_charges));
  append(refused_cancels, std::move(other.refused_cancels));
  append(holds, std::move(other.holds));
  append(payments, std::move(other.payments));
  append(cancels, std::move(other.cancels));
  append(active_tokens, std::move(other.active_tokens));
  append(failed, std::move(other.failed));
  for (auto& bad : other.bad_answers)
    if (bad_answers.size() < 50) bad_answers.push_back(std::move(bad));
  bad_answer_count += other.bad_answer_count;
}

}  // namespace boxoffice::chaos

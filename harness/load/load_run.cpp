#include "stratbench/harness/load/load_run.hpp"

#include <algorithm>

namespace sb::load {

LevelRun run_level(const std::string& corpus_text, const std::string& corpus_name, const LevelSpec& l,
                   const ClientOptions& o) {
  const Arrivals arr = parse_arrivals(l.arrivals, l.rate > 0 ? l.rate : 1);
  const std::vector<double> times = arrival_times(arr, l.requests, l.seed);
  const auto plan = plan_requests(corpus_text, corpus_name, l.dataset, times, l.seed);
  LevelRun r;
  r.recs = run_requests(plan, o);
  // The span the window is cut from: planned times in open loop, actual sends in closed.
  double span = 0;
  if (o.concurrency > 0) {
    for (const auto& rec : r.recs) span = std::max(span, rec.scheduled_s);
  } else if (!times.empty()) {
    span = times.back();
  }
  r.warmup_s = l.warmup_s >= 0 ? l.warmup_s : 0.1 * span;
  r.cooldown_s = l.cooldown_s >= 0 ? l.cooldown_s : 0.1 * span;
  r.summary = summarize_load(r.recs, r.warmup_s, r.cooldown_s, l.slo);
  return r;
}

}  // namespace sb::load

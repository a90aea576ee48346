#include "stratbench/reports/trace_summary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>

#include "stratbench/result/errors.hpp"
#include "stratbench/result/stats.hpp"

namespace sb {
namespace {

// The ranges the harness wraps around the traced pass and each of its iterations: the base
// of shares and, when the file lacks otherData.iterations, the count of iterations.
constexpr const char* kHarnessCategory = "harness";
constexpr const char* kPassName = "traced pass";
constexpr const char* kIterationName = "iteration";

// Durations are bounded when read, but a file can hold enough of them to pass int64.
std::int64_t add_ns(std::int64_t a, std::int64_t b, const std::string& where) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) throw InputError(where + ": the ranges' durations add up past 292 years");
  return sum;
}

bool is_harness(const TraceRange& r, const char* name) {
  return r.kind == TraceRangeKind::cpu && r.category == kHarnessCategory && r.name == name;
}

// Self time of each range: its duration less the part of it its direct children cover.
// Per thread, ranges sorted by start (the longer first) form a stack of open ancestors;
// a range that overlaps its parent's end without being inside it (a sloppy writer) takes
// only the overlap from the parent, so no self time goes below zero on real files.
std::vector<std::int64_t> self_times(const std::vector<TraceRange>& ranges) {
  std::vector<std::int64_t> self(ranges.size());
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    self[i] = ranges[i].dur_ns;
    if (ranges[i].kind != TraceRangeKind::async) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    const TraceRange &a = ranges[x], &b = ranges[y];
    return std::tie(a.pid, a.tid, a.ts_ns, b.dur_ns) < std::tie(b.pid, b.tid, b.ts_ns, a.dur_ns);
  });
  auto end = [&](std::size_t i) { return ranges[i].ts_ns + ranges[i].dur_ns; };
  std::vector<std::size_t> open;
  for (std::size_t i : order) {
    const TraceRange& r = ranges[i];
    if (!open.empty() && (ranges[open.back()].pid != r.pid || ranges[open.back()].tid != r.tid)) open.clear();
    while (!open.empty() && end(open.back()) <= r.ts_ns) open.pop_back();
    if (!open.empty()) self[open.back()] -= std::min(end(i), end(open.back())) - r.ts_ns;
    open.push_back(i);
  }
  for (auto& s : self) s = std::max<std::int64_t>(s, 0);
  return self;
}

struct Group {
  std::vector<std::int64_t> durations;
  std::int64_t total = 0, self = 0;
};

TraceRow make_row(TraceSection section, const std::string& category, const std::string& name, Group& g,
                  const TraceSummary& s) {
  TraceRow row;
  row.section = section;
  row.category = category;
  row.name = name;
  row.count = g.durations.size();
  row.total_ns = g.total;
  row.self_ns = g.self;
  std::sort(g.durations.begin(), g.durations.end());
  row.min_ns = g.durations.front();
  row.max_ns = g.durations.back();
  const std::vector<double> sorted(g.durations.begin(), g.durations.end());
  row.mean_ns = static_cast<double>(g.total) / static_cast<double>(row.count);
  row.p50_ns = stats::quantile_sorted(sorted, 0.5);
  row.p99_ns = stats::quantile_sorted(sorted, 0.99);
  row.per_iteration_ns = static_cast<double>(g.total) / static_cast<double>(s.iterations);
  // An empty pass has no shares: NaN, which every format shows as absent.
  row.share = s.pass_ns > 0 ? static_cast<double>(g.total) / static_cast<double>(s.pass_ns)
                            : std::numeric_limits<double>::quiet_NaN();
  return row;
}

void pass_and_iterations(const TraceData& t, TraceSummary& s) {
  std::size_t passes = 0, iterations = 0;
  for (const auto& r : t.ranges) {
    if (is_harness(r, kPassName)) {
      s.pass_ns = add_ns(s.pass_ns, r.dur_ns, t.where);
      ++passes;
    }
    if (is_harness(r, kIterationName)) ++iterations;
  }
  s.pass_from = passes ? "\"traced pass\" ranges" : "first to last event";
  if (!passes && t.has_events) s.pass_ns = t.last_ns - t.first_ns;
  if (!passes)
    s.notes.emplace_back("no \"traced pass\" range: shares are of the span from the first to the last event");
  if (t.iterations) {
    s.iterations = *t.iterations;
    s.iterations_from = "otherData.iterations";
  } else if (iterations) {
    s.iterations = static_cast<std::int64_t>(iterations);
    s.iterations_from = "\"iteration\" ranges";
  } else {
    s.iterations = 1;
    s.iterations_from = "assumed";
    s.notes.emplace_back(
        "no iteration count (otherData.iterations or \"iteration\" ranges): per-iteration times are per pass");
  }
}

}  // namespace

const char* to_string(TraceSection s) { return s == TraceSection::gpu ? "gpu" : "ranges"; }

std::string TraceSummary::meta(const std::string& key) const {
  for (const auto& [k, v] : metadata)
    if (k == key) return v;
  return "";
}

TraceSummary summarize_trace(const TraceData& t) {
  TraceSummary s;
  s.file = t.where;
  s.metadata = t.metadata;
  pass_and_iterations(t, s);

  const std::vector<std::int64_t> self = self_times(t.ranges);
  std::map<std::tuple<TraceSection, std::string, std::string>, Group> groups;
  for (std::size_t i = 0; i < t.ranges.size(); ++i) {
    const TraceRange& r = t.ranges[i];
    const TraceSection section = r.kind == TraceRangeKind::gpu ? TraceSection::gpu : TraceSection::ranges;
    Group& g = groups[{section, r.category, r.name}];
    g.durations.push_back(r.dur_ns);
    g.total = add_ns(g.total, r.dur_ns, t.where);
    g.self = add_ns(g.self, self[i], t.where);
  }
  for (auto& [key, g] : groups) s.rows.push_back(make_row(std::get<0>(key), std::get<1>(key), std::get<2>(key), g, s));
  std::stable_sort(s.rows.begin(), s.rows.end(), [](const TraceRow& a, const TraceRow& b) {
    // Ties by the longest single range: the pass before its iterations.
    return std::tie(a.section, b.total_ns, b.max_ns) < std::tie(b.section, a.total_ns, a.max_ns);
  });

  std::map<std::pair<std::string, std::string>, std::size_t> marks;
  for (const auto& m : t.marks) ++marks[{m.category, m.name}];
  for (const auto& [key, n] : marks) s.marks.push_back({key.first, key.second, n});

  std::map<std::pair<std::string, std::string>, TraceCounterRow> counters;
  for (const auto& c : t.counters) {
    auto [it, fresh] = counters.try_emplace({c.name, c.series}, TraceCounterRow{c.name, c.series, 0, c.value, c.value});
    TraceCounterRow& row = it->second;
    ++row.count;
    row.min = std::min(row.min, c.value);
    row.max = std::max(row.max, c.value);
  }
  for (auto& [key, row] : counters) s.counters.push_back(std::move(row));

  for (const auto& [ph, n] : t.skipped_phases)
    s.notes.push_back(std::to_string(n) + " event(s) of phase \"" + ph + "\" not summarized");
  if (t.unpaired_async)
    s.notes.push_back(std::to_string(t.unpaired_async) + " start/end event(s) without their other end, left out");
  return s;
}

TraceDiff diff_traces(TraceSummary a, TraceSummary b) {
  TraceDiff d;
  std::map<std::tuple<TraceSection, std::string, std::string>, TraceDiffRow> rows;
  auto row = [&](const TraceRow& r) -> TraceDiffRow& {
    TraceDiffRow& x = rows[{r.section, r.category, r.name}];
    x.section = r.section;
    x.category = r.category;
    x.name = r.name;
    return x;
  };
  for (const auto& r : a.rows) row(r).a_ns = r.per_iteration_ns;
  for (const auto& r : b.rows) row(r).b_ns = r.per_iteration_ns;
  const double pass_delta = b.pass_per_iteration_ns() - a.pass_per_iteration_ns();
  for (auto& [key, r] : rows) {
    r.delta_ns = r.b_ns.value_or(0) - r.a_ns.value_or(0);
    if (r.a_ns && *r.a_ns > 0) r.change = r.delta_ns / *r.a_ns;
    if (pass_delta != 0) r.share = r.delta_ns / pass_delta;
    d.rows.push_back(std::move(r));
  }
  std::stable_sort(d.rows.begin(), d.rows.end(), [](const TraceDiffRow& x, const TraceDiffRow& y) {
    return std::fabs(x.delta_ns) > std::fabs(y.delta_ns);
  });

  // Strategies and params differ by design (that is the comparison); workloads rarely should.
  if (a.meta("workload") != b.meta("workload"))
    d.notes.push_back("the traces are of different workloads: A \"" + a.meta("workload") + "\", B \"" +
                      b.meta("workload") + "\"");
  if (a.pass_from != b.pass_from)
    d.notes.push_back("the passes are measured differently: A from " + a.pass_from + ", B from " + b.pass_from);
  if (pass_delta == 0) d.notes.emplace_back("the passes take the same time: no shares of the difference");
  d.a = std::move(a);
  d.b = std::move(b);
  return d;
}

}  // namespace sb

// `stratbench trace summarize` and `trace diff`: what `nsys stats` gives for NVTX ranges and
// kernels, from a trace file (trace_read.hpp), and two cells' traces side by side.
//
// Rows group ranges by (category, name), never by their args: layer 3 and layer 17 of
// "llm/attention" are one row. Times are integer nanoseconds as read; means, quantiles and
// per-iteration figures are doubles of nanoseconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "stratbench/reports/trace_read.hpp"

namespace sb {

enum class TraceSection {
  ranges,  // CPU ranges (workload, harness, CUDA API calls) and start/end pairs
  gpu,     // kernels, memcpy, memset on GPU streams
};
const char* to_string(TraceSection s);

struct TraceRow {
  TraceSection section = TraceSection::ranges;
  std::string category, name;
  std::size_t count = 0;
  std::int64_t total_ns = 0;
  // The total less the time of its direct children on the same thread: where the time went
  // inside this range rather than in what it called. Equal to the total for GPU and
  // start/end ranges, which do not nest.
  std::int64_t self_ns = 0;
  std::int64_t min_ns = 0, max_ns = 0;
  double mean_ns = 0, p50_ns = 0, p99_ns = 0;  // quantiles: linear interpolation (stats.hpp)
  double per_iteration_ns = 0;                 // total / iterations of the pass
  double share = 0;                            // total / the pass's time (1 = 100%)
};

struct TraceMarkRow {
  std::string category, name;
  std::size_t count = 0;
};

struct TraceCounterRow {
  std::string name, series;
  std::size_t count = 0;
  double min = 0, max = 0;
};

struct TraceSummary {
  std::string file;
  std::vector<std::pair<std::string, std::string>> metadata;  // the file's otherData, by key
  std::int64_t iterations = 1;
  // Where the count came from: otherData.iterations, else the harness's "iteration"
  // ranges, else 1 (said in notes).
  std::string iterations_from;
  // The sum of the harness's "traced pass" ranges, else the span from the first event to
  // the end of the last; the base of every share.
  std::int64_t pass_ns = 0;
  std::string pass_from;
  std::vector<TraceRow> rows;  // ranges, then gpu; each by total, longest first
  std::vector<TraceMarkRow> marks;
  std::vector<TraceCounterRow> counters;
  std::vector<std::string> notes;  // what the summary left out or assumed

  double pass_per_iteration_ns() const { return static_cast<double>(pass_ns) / static_cast<double>(iterations); }
  std::string meta(const std::string& key) const;  // "" when absent
};

TraceSummary summarize_trace(const TraceData& t);

struct TraceDiffRow {
  TraceSection section = TraceSection::ranges;
  std::string category, name;
  std::optional<double> a_ns, b_ns;  // per iteration; absent: the range is only in the other file
  double delta_ns = 0;               // b - a, a missing side counting as 0
  std::optional<double> change;      // delta / a: "30% slower"; absent without a
  // delta / (pass B - pass A) per iteration: the row's part of the whole difference.
  // Absent when the passes take the same time.
  std::optional<double> share;
};

struct TraceDiff {
  TraceSummary a, b;
  std::vector<TraceDiffRow> rows;  // by |delta|, largest first
  std::vector<std::string> notes;
};

// Rows match by (section, category, name).
TraceDiff diff_traces(TraceSummary a, TraceSummary b);

// The output formats of both commands, declared once: the CLI's flag help, its check of
// --format and the renderers all read this table.
struct TraceFormat {
  std::string name, help;
  std::string (*summary)(const TraceSummary&);
  std::string (*diff)(const TraceDiff&);
};
const std::vector<TraceFormat>& trace_formats();
const TraceFormat* find_trace_format(const std::string& name);  // nullptr when unknown
std::string trace_format_names();                               // "table, md, csv, json"

// A duration with the unit that fits its size: "950 ns", "840.1 µs", "12.35 ms", "1.5 s".
std::string fmt_duration_ns(double ns);

}  // namespace sb

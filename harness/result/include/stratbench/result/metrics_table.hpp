// The one table of metrics (DESIGN.md, "One place for each fact"): what each figure of a
// cell's "metrics" object is called, where it sits in the JSON, its unit, how people see
// it, which way is better, and what kind of measurement it is. The writers, the GUI, the
// gate and the history iterate it, as llama-bench's printers iterate get_fields(); each
// consumer only chooses which rows it shows. Adding a metric is one row here plus the
// code that measures it (and its field in result.hpp, result_json.cpp and the schema).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stratbench/result/result.hpp"

namespace sb {

enum class Better { lower, higher, none };

// How a metric is judged: timings are noisy and need repeated samples and a statistical
// test; deterministic figures (bytes, counts) repeat exactly on one build and host, so a
// fixed limit fits them; quality is the output against the workload's reference.
enum class MetricKind { timing, deterministic, quality };

// How people see a value; machine outputs (CSV, JSON, the gate's numbers) keep the stored
// value. mebibytes: bytes divided by 2^20 (RSS moves in pages, MiB reads at a glance);
// percent: a fraction times 100.
enum class Display { number, mebibytes, percent };

struct MetricField {
  // Dotted path under a cell's "metrics" object: "latency_ms.p50". A family of named
  // values ends in ".*": "counters.*" stands for "counters.flops", "counters.cycles", ...
  std::string path = {};
  std::string key = {};          // flat and unique, for column names of machine outputs: "p50_ms"
  std::string label = {};        // terse, for text tables: "p50", "cv", "peak RSS", "err"
  std::string title = {};        // for column headings with room (the GUI): "p50", "CV", "Rel. error"
  std::string description = {};  // one sentence, without the unit: tooltips and listings
  std::string unit = {};         // of the stored value: "ms", "bytes"; empty for counts and ratios
  Display display = Display::number;
  int digits = 4;  // significant digits in text reports (of the displayed value)
  Better better = Better::none;
  MetricKind kind = MetricKind::deterministic;
  // The stored value; nullopt when the cell did not measure it (absent is not zero).
  // Empty for a family row.
  std::function<std::optional<double>(const Cell&)> get = {};
  // Set when the unit is the cell's own (throughput: "GFLOP/s", "tokens/s"); `unit` is then empty.
  std::function<std::string(const Cell&)> cell_unit = {};
  // Latency statistics: the aggregate of the time samples this row is, so a reader holding
  // the raw samples (the history) recomputes it rather than trusting a stored copy.
  double Summary::*statistic = nullptr;
  // A family row: the map whose names complete the path.
  std::map<std::string, double> Metrics::*family = nullptr;
};

// Every metric, in the order machine outputs list them (the CSV's columns).
const std::vector<MetricField>& metric_fields();

// The row of `path`: a fixed row, or the family row for "counters.<name>" (a non-empty
// name). nullptr for anything else.
const MetricField* find_metric(std::string_view path);
// The row of a path the code itself names; a typo is a programmer error (SB_CHECK).
const MetricField& metric_field(std::string_view path);

// The value of a metric path in a cell (counters included); nullopt when the path is
// unknown or the cell lacks it.
std::optional<double> metric_value(const Cell& c, std::string_view path);

// "latency_ms.p50, ..., counters.<name>": the accepted paths, for error messages.
std::string metric_paths_text();

// The unit people read: "MiB" for mebibytes, "%" for percent, else the stored unit
// (empty when the unit is the cell's own).
std::string display_unit(const MetricField& f);
// The stored value scaled as people read it (bytes to MiB, fractions to percent).
double display_value(const MetricField& f, double stored);

}  // namespace sb

// `stratbench history detect`: change points (change_points.hpp) in every series of the
// history store, with what a reader of a CI report needs to act on one: the first commit
// after the change, the medians of the segments on either side, the relative change.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "stratbench/reports/change_points.hpp"
#include "stratbench/reports/history_store.hpp"

namespace sb {

struct DetectOptions {
  std::string metric = "latency_ms.p50";  // see SeriesQuery::metric
  std::string cell_id;                    // empty: every cell
  std::string branch;                     // empty: runs of every branch
  ChangePointOptions change_points;
};

struct DetectedChange {
  SeriesKey series;
  std::size_t points = 0;               // length of the series
  std::size_t index = 0;                // position of the first run after the change
  std::string run_id, commit, started;  // of that run
  // Medians of the segments before and after (bounded by the neighbouring change points):
  // robust to the odd noisy run, and what "it got 10% slower" means to a reader.
  double median_before = 0, median_after = 0;
  double relative_change = 0;  // median_after / median_before - 1; NaN when before is 0
  double p_value = 1;
};

struct DetectReport {
  std::string metric;
  std::size_t series = 0;               // series with at least one point
  std::size_t too_short = 0;            // of those, shorter than 2 * min_size: no split is possible
  std::vector<DetectedChange> changes;  // series in SeriesKey order, then by index
};

// InputError when the store has cells but none of them has the metric: a misspelt metric
// must not read as "no change".
DetectReport detect_changes(HistoryStore& store, const DetectOptions& o);
std::string format_detect_report(const DetectReport& r, const DetectOptions& o);

}  // namespace sb

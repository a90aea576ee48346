// The History page's data: what a history store (SQLite file or PostgreSQL URL) holds, one
// cell's series of a metric over commits, and the change points that `stratbench history
// detect` reports for it (reports/history_detect: the same code, never a second one). The
// loaders open the store themselves and never throw, so a worker thread can call them.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <QString>

#include "stratbench/gui/plot.hpp"
#include "stratbench/reports/history_detect.hpp"
#include "stratbench/reports/history_store.hpp"

namespace sb::gui {

// A store's series and runs, read once.
struct HistorySnapshot {
  QString url;
  std::vector<sb::SeriesKey> keys;  // in the store's order: workload, strategy, params, device, host
  std::vector<sb::StoredRun> runs;  // in start order
  QString error;                    // set when the store could not be read; names the URL
};

// Opens an existing store read-only in spirit (HistoryOpen::existing: a missing SQLite file
// is an error, never created).
HistorySnapshot loadHistory(const QString& url);

// One (cell, host) series of one metric, with the change points `history detect` finds in it.
struct HistorySeries {
  QString url;
  sb::SeriesKey key;
  std::string metric;                       // a metrics-table path
  std::vector<sb::SeriesPoint> points;      // commit order
  std::vector<sb::DetectedChange> changes;  // this series', by index
  sb::ChangePointOptions options;           // what the detection ran with: the CLI's defaults
  std::string cellUnit;                     // the cells' own unit where the metric has one (throughput), else empty
  QString error;
};

HistorySeries loadHistorySeries(const QString& url, const sb::SeriesKey& key, const std::string& metric);

// The metric paths the page offers, in its order.
const std::vector<std::string>& historyMetrics();

// The first 8 characters of a commit, "(no commit)" when the run recorded none.
QString shortCommit(const std::string& commit);
// "gemm blocked+simd m=64 cpu": a series as people name it.
QString seriesLabel(const sb::SeriesKey& key);
// The x position of point i: its index (the axis' categories are the short commits).
inline double historyX(std::size_t index) { return static_cast<double>(index); }

// The series as a line over runs in commit order (x categories: short commits), y the
// metric in its display unit; each change point a vertical mark before its first run,
// labelled with that commit and the relative change. Empty (with emptyText) without points.
Plot historyPlot(const HistorySeries& series);

// Point `index` in one line: its run, full commit, start, value, and the change it starts.
QString describeHistoryPoint(const HistorySeries& series, std::size_t index);

}  // namespace sb::gui

// The pages' charts as data (plot.hpp), from the result model and the statistics of
// result/stats and reports/pareto: the same code as the CLI's reports, never a second
// implementation.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "stratbench/gui/plot.hpp"
#include "stratbench/result/metrics_table.hpp"
#include "stratbench/result/result.hpp"

namespace sb::gui {

// The strategies of one configuration: the run's cells with `cell`'s workload and params
// (every strategy and device), in run order. What a distribution, memory or speed/quality
// chart compares.
std::vector<const sb::Cell*> cellsLike(const sb::RunFile& run, const sb::Cell& cell);
// "decode · model=tiny,prompt_len=16"
QString configLabel(const sb::Cell& cell);
// "simd+threads=2", "blas (cuda)" when the cells mix devices.
QString seriesName(const sb::Cell& cell, bool withDevice);

// A cell's timed samples in milliseconds (empty when it has none).
std::vector<double> samplesMs(const sb::Cell& cell);
// Quartiles (R type 7, stats::quantile), Tukey's whiskers, p90/p99, and the median's ~95%
// interval from stats::median_rse. Requires samples.
BoxStats boxStats(std::span<const double> samples);

// One box per cell with samples, side by side; the note names cells without samples.
Plot boxPlot(const std::vector<const sb::Cell*>& cells);
// Each cell's empirical CDF of latency, overlaid; the first cell's p50/p90/p99 as marks.
Plot ecdfPlot(const std::vector<const sb::Cell*>& cells);

// Throughput (y) against a quality metric (x, log when it spans decades), one point per
// cell that has both, the Pareto front (reports/pareto) as a dashed line with its members
// named.
Plot speedQualityPlot(const std::vector<const sb::Cell*>& cells, const sb::MetricField& quality);
// The quality metrics some of these cells have, in the metrics table's order.
std::vector<const sb::MetricField*> qualityMetricsOf(const std::vector<const sb::Cell*>& cells);

// A workload's numeric parameters that take more than one value in the run.
std::vector<std::string> sweepParams(const sb::RunFile& run, const std::string& workload);
// `metric` (a metrics-table row) against parameter `param` for `workload`: one line per
// strategy and setting of the other parameters, points in parameter order; log x when the
// values span decades. Cells in another unit than the first are left out, and counted.
Plot sweepPlot(const sb::RunFile& run, const std::string& workload, const std::string& param,
               const sb::MetricField& metric);

// Memory per strategy of one configuration, as grouped bars in MiB: peak RSS, bytes
// allocated per iteration, weights and KV cache (the LLM workloads' counters).
Plot memoryPlot(const std::vector<const sb::Cell*>& cells);

}  // namespace sb::gui

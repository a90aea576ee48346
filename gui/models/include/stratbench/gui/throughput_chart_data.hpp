// The throughput chart as plain data: which groups a run offers, and for one group the bars
// of a grouped bar chart (categories = parameter sets, bar sets = strategies). No Qt Charts
// here, so it is tested headless and a page only copies it into QBarSets.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "stratbench/result/result.hpp"

namespace sb::gui {

// One entry of the chart's selector.
struct ChartGroup {
  std::string workload;
  // sb::params_to_string form; empty means every parameter set of the workload, side by side.
  std::string params;

  bool operator==(const ChartGroup&) const = default;
};

// "gemm · k=256,m=256,n=256", or "gemm · all params".
std::string chartGroupLabel(const ChartGroup& group);

// The group of exactly this cell's workload and parameters (what a selected table row shows).
ChartGroup chartGroupOf(const sb::Cell& cell);

// "All params" is offered up to this many parameter sets: beyond, bars are slivers, and a
// sweep reads as lines (the Sweeps page).
inline constexpr std::size_t kMaxAllParamsCategories = 40;

// In run order: per workload, first "all params" (only when it has more than one parameter
// set, else it would repeat the single one, and at most kMaxAllParamsCategories), then each
// parameter set. Linear in the cells.
std::vector<ChartGroup> chartGroups(const sb::RunFile& run);

struct BarSetData {
  std::string label;  // the strategy; "strategy (device)" when the chart mixes devices
  // One per category. Absent where the strategy has no drawable cell for that category;
  // a bar chart can only draw it as an empty slot, but the data says what it is.
  std::vector<std::optional<double>> values;
};

struct ThroughputChartData {
  std::string unit;                     // of every drawn value, e.g. "GFLOP/s"
  std::vector<std::string> categories;  // parameter sets, in run order
  std::vector<BarSetData> sets;         // strategies, in run order
  // Cells of the group that are not drawn: not ok, without throughput, or in a unit other
  // than the first one met (bars in two units on one axis would lie).
  std::size_t omittedCells = 0;

  bool empty() const { return sets.empty(); }
};

ThroughputChartData throughputChart(const sb::RunFile& run, const ChartGroup& group);

}  // namespace sb::gui

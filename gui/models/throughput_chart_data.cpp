#include "stratbench/gui/throughput_chart_data.hpp"

#include <algorithm>
#include <functional>
#include <unordered_map>
#include <unordered_set>

namespace sb::gui {
namespace {

// Index of value in list, appending it when new: keeps first-seen (run) order.
std::size_t indexOf(std::vector<std::string>& list, const std::string& value) {
  auto it = std::find(list.begin(), list.end(), value);
  if (it != list.end()) return static_cast<std::size_t>(it - list.begin());
  list.push_back(value);
  return list.size() - 1;
}

bool inGroup(const sb::Cell& cell, const ChartGroup& group) {
  return cell.workload == group.workload && (group.params.empty() || sb::params_to_string(cell.params) == group.params);
}

}  // namespace

std::string chartGroupLabel(const ChartGroup& group) {
  return group.workload + " \u00b7 " + (group.params.empty() ? "all params" : group.params);
}

ChartGroup chartGroupOf(const sb::Cell& cell) { return {cell.workload, sb::params_to_string(cell.params)}; }

std::vector<ChartGroup> chartGroups(const sb::RunFile& run) {
  // Hash sets: a 50,000-cell sweep has as many parameter sets, and a linear search per cell
  // made this quadratic (minutes).
  std::vector<std::string> workloads;
  std::unordered_map<std::string, std::size_t> workloadIndex;
  std::vector<std::vector<std::string>> paramsPerWorkload;
  std::vector<std::unordered_set<std::string>> seen;
  for (const sb::Cell& cell : run.cells) {
    auto [it, added] = workloadIndex.try_emplace(cell.workload, workloads.size());
    if (added) {
      workloads.push_back(cell.workload);
      paramsPerWorkload.emplace_back();
      seen.emplace_back();
    }
    std::string params = sb::params_to_string(cell.params);
    if (seen[it->second].insert(params).second) paramsPerWorkload[it->second].push_back(std::move(params));
  }
  std::vector<ChartGroup> groups;
  for (std::size_t w = 0; w < workloads.size(); ++w) {
    const std::size_t n = paramsPerWorkload[w].size();
    if (n > 1 && n <= kMaxAllParamsCategories) groups.push_back({workloads[w], ""});
    for (const std::string& params : paramsPerWorkload[w]) groups.push_back({workloads[w], params});
  }
  return groups;
}

ThroughputChartData throughputChart(const sb::RunFile& run, const ChartGroup& group) {
  struct Bar {
    std::size_t category, set;
    double value;
  };
  ThroughputChartData out;
  std::vector<std::string> setKeys, strategies, devices;
  std::vector<Bar> bars;
  for (const sb::Cell& cell : run.cells) {
    if (!inGroup(cell, group)) continue;
    const auto& tp = cell.metrics.throughput;
    if (cell.status != sb::CellStatus::ok || !tp) {
      ++out.omittedCells;
      continue;
    }
    if (out.unit.empty()) out.unit = tp->unit;
    if (tp->unit != out.unit) {
      ++out.omittedCells;
      continue;
    }
    // A strategy on two devices is two bar sets: cpu and cuda numbers must not merge.
    const std::size_t set = indexOf(setKeys, cell.strategy + '\n' + cell.device);
    if (set == strategies.size()) {
      strategies.push_back(cell.strategy);
      devices.push_back(cell.device);
    }
    bars.push_back({indexOf(out.categories, sb::params_to_string(cell.params)), set, tp->value});
  }

  const bool mixedDevices = std::adjacent_find(devices.begin(), devices.end(), std::not_equal_to<>()) != devices.end();
  out.sets.resize(setKeys.size());
  for (std::size_t s = 0; s < setKeys.size(); ++s) {
    out.sets[s].label = mixedDevices ? strategies[s] + " (" + devices[s] + ")" : strategies[s];
    out.sets[s].values.resize(out.categories.size());
  }
  // Two ok cells for one bar would be a duplicated cell id in the run; the later one wins,
  // as it would in a log replayed with --resume.
  for (const Bar& bar : bars) out.sets[bar.set].values[bar.category] = bar.value;
  return out;
}

}  // namespace sb::gui

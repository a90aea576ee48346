// Speed against quality: which strategies of a group no other strategy beats on both. The
// one implementation for the HTML report's chart and the GUI's.
#pragma once

#include <vector>

#include "stratbench/result/metrics_table.hpp"
#include "stratbench/result/result.hpp"

namespace sb {

struct ParetoPoint {
  const Cell* cell = nullptr;
  double speed = 0;    // the speed metric's stored value (higher is better, e.g. throughput)
  double quality = 0;  // the quality metric's stored value, in its own direction
  bool on_front = false;
};

// The cells that have both metrics, each marked whether it is on the Pareto front: no other
// point is at least as fast and at least as good, and better in one of the two. Equal
// points are all on the front. `quality.better` says which way is good; O(n log n).
std::vector<ParetoPoint> pareto_front(const std::vector<const Cell*>& cells, const MetricField& speed,
                                      const MetricField& quality);

}  // namespace sb

#include "stratbench/reports/pareto.hpp"

#include <algorithm>
#include <limits>

namespace sb {

std::vector<ParetoPoint> pareto_front(const std::vector<const Cell*>& cells, const MetricField& speed,
                                      const MetricField& quality) {
  std::vector<ParetoPoint> pts;
  for (const Cell* c : cells) {
    const auto s = speed.get(*c);
    const auto q = quality.get(*c);
    if (s && q) pts.push_back({c, *s, *q, false});
  }
  // "goodness" of quality: larger is better either way.
  const auto good = [&](const ParetoPoint& p) { return quality.better == Better::lower ? -p.quality : p.quality; };
  std::vector<std::size_t> order(pts.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  // Fastest first; among equally fast, the best quality first.
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (pts[a].speed != pts[b].speed) return pts[a].speed > pts[b].speed;
    return good(pts[a]) > good(pts[b]);
  });
  // A point is on the front when its quality beats every faster point's, or equals that of
  // a point exactly as fast and as good.
  double best = -std::numeric_limits<double>::infinity();
  const ParetoPoint* last_front = nullptr;
  for (std::size_t i : order) {
    ParetoPoint& p = pts[i];
    const bool equal_to_last = last_front && last_front->speed == p.speed && good(*last_front) == good(p);
    if (good(p) > best || equal_to_last) {
      p.on_front = true;
      best = std::max(best, good(p));
      last_front = &p;
    }
  }
  return pts;
}

}  // namespace sb

#include <algorithm>
#include <cmath>

#include "stratbench/gui/plot.hpp"

namespace sb::gui {

QString PlotAxis::label() const { return unit.isEmpty() ? title : QStringLiteral("%1 (%2)").arg(title, unit); }

void fitAxis(PlotAxis& axis, const std::vector<double>& values, bool fromZero, bool allowLog) {
  double lo = INFINITY, hi = -INFINITY;
  for (const double v : values) {
    if (!std::isfinite(v)) continue;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (!std::isfinite(lo)) {
    axis.log = false;
    axis.lo = 0;
    axis.hi = 1;
    return;
  }
  // Beyond a factor of 20 the small values of a linear axis sit on its floor (strategies
  // 75x apart are common); below, a log axis squeezes the differences a reader came to see.
  axis.log = allowLog && lo > 0 && hi / lo > kLogAxisSpan;
  if (axis.log) {
    axis.lo = std::pow(10.0, std::floor(std::log10(lo) * 20) / 20 - 0.05);
    axis.hi = std::pow(10.0, std::ceil(std::log10(hi) * 20) / 20 + 0.05);
    return;
  }
  if (fromZero && lo >= 0) lo = 0;
  if (hi == lo) {
    const double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
    if (fromZero && lo < 0 && values.front() >= 0) lo = 0;
  }
  const double pad = (hi - lo) * 0.05;
  axis.lo = (fromZero && lo == 0) ? 0 : lo - pad;
  axis.hi = hi + pad;
}

std::vector<double> axisTicks(const PlotAxis& axis, int maxTicks) {
  std::vector<double> ticks;
  if (!axis.categories.isEmpty()) {
    for (int i = 0; i < axis.categories.size(); ++i) ticks.push_back(i);
    return ticks;
  }
  maxTicks = std::max(maxTicks, 2);
  if (axis.log) {
    const int d0 = static_cast<int>(std::floor(std::log10(axis.lo)));
    const int d1 = static_cast<int>(std::ceil(std::log10(axis.hi)));
    const int decades = std::max(d1 - d0, 1);
    const int every = std::max(1, (decades + maxTicks - 1) / maxTicks);
    const bool subTicks = decades <= 3;
    if (axis.zeroAt) ticks.push_back(*axis.zeroAt);
    for (int d = d0; d <= d1; d += every)
      for (const double m : {1.0, 2.0, 5.0}) {
        if (m != 1 && !subTicks) continue;
        const double t = m * std::pow(10.0, d);
        // Nothing between the zero's stand-in and the next decade.
        if (axis.zeroAt && t <= *axis.zeroAt * 5) continue;
        if (t >= axis.lo && t <= axis.hi) ticks.push_back(t);
      }
    return ticks;
  }
  const double span = axis.hi - axis.lo;
  if (!(span > 0)) return {axis.lo};
  const double raw = span / maxTicks;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag * 10;
  for (const double m : {1.0, 2.0, 5.0})
    if (raw <= m * mag) {
      step = m * mag;
      break;
    }
  for (double t = std::ceil(axis.lo / step) * step; t <= axis.hi + step * 1e-9; t += step)
    ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
  return ticks;
}

}  // namespace sb::gui

#include "stratbench/gui/number_format.hpp"

#include <algorithm>
#include <cmath>

namespace sb::gui {

QString formatMeasurement(double value) {
  const double magnitude = std::abs(value);
  if (magnitude == 0.0) return QStringLiteral("0");
  if (!std::isfinite(value) || magnitude < 1e-3 || magnitude >= 1e9) return QString::number(value, 'g', 4);
  const int decimals = std::max(0, 3 - static_cast<int>(std::floor(std::log10(magnitude))));
  return QString::number(value, 'f', decimals);
}

QString formatMebibytes(std::uint64_t bytes) {
  return QString::number(static_cast<double>(bytes) / (1024.0 * 1024.0), 'f', 1);
}

QString formatPercent(double fraction) { return QString::number(fraction * 100.0, 'f', 2) + u'%'; }

QString formatCount(long long n, const char* singular, const char* plural) {
  return QString::number(n) + u' ' + QLatin1String(n == 1 ? singular : plural);
}

QString absentMark() { return QStringLiteral("\u2014"); }

}  // namespace sb::gui

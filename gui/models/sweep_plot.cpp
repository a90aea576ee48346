#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "stratbench/gui/plots.hpp"
#include "stratbench/gui/qt_text.hpp"

namespace sb::gui {
namespace {

std::optional<double> numeric(const sb::Params& params, const std::string& name) {
  const auto it = params.find(name);
  if (it == params.end()) return std::nullopt;
  if (const auto* i = std::get_if<std::int64_t>(&it->second)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&it->second)) return *d;
  return std::nullopt;
}

// The params without `param` and without those that move with it: what a line holds fixed.
std::string othersKey(const sb::Params& params, const std::string& param, const std::set<std::string>& moving) {
  sb::Params rest = params;
  rest.erase(param);
  for (const std::string& m : moving) rest.erase(m);
  return sb::params_to_string(rest);
}

// Parameters whose value each value of `param` determines (m and n of a square GEMM sweep
// over k): they do not split the lines.
std::set<std::string> movingWith(const sb::RunFile& run, const std::string& workload, const std::string& param) {
  std::map<std::string, std::map<double, std::string>> seen;
  std::set<std::string> broken;
  for (const sb::Cell& c : run.cells) {
    if (c.workload != workload) continue;
    const auto x = numeric(c.params, param);
    if (!x) continue;
    for (const auto& [name, v] : c.params) {
      if (name == param || broken.count(name)) continue;
      auto [it, added] = seen[name].try_emplace(*x, sb::to_string(v));
      if (!added && it->second != sb::to_string(v)) broken.insert(name);
    }
  }
  std::set<std::string> moving;
  for (const auto& [name, values] : seen)
    if (!broken.count(name)) {
      std::set<std::string> distinct;
      for (const auto& [x, v] : values) distinct.insert(v);
      if (distinct.size() > 1) moving.insert(name);  // constant ones are harmless either way
    }
  return moving;
}

}  // namespace

std::vector<std::string> sweepParams(const sb::RunFile& run, const std::string& workload) {
  std::map<std::string, std::set<double>> values;
  for (const sb::Cell& c : run.cells) {
    if (c.workload != workload) continue;
    for (const auto& [name, v] : c.params)
      if (const auto x = numeric(c.params, name)) values[name].insert(*x);
  }
  std::vector<std::string> out;
  for (const auto& [name, set] : values)
    if (set.size() > 1) out.push_back(name);
  return out;
}

Plot sweepPlot(const sb::RunFile& run, const std::string& workload, const std::string& param,
               const sb::MetricField& metric) {
  Plot plot;
  plot.title = QStringLiteral("%1: %2 against %3").arg(qstr(workload), qstr(metric.title), qstr(param));
  plot.x.title = qstr(param);
  std::string unit = metric.cell_unit ? std::string() : sb::display_unit(metric);
  bool unitSet = !metric.cell_unit;
  std::size_t otherUnit = 0, notOk = 0;
  // Lines keyed by strategy, device and the other params, in first-seen order; a hash map
  // keeps a 50,000-cell sweep linear.
  std::unordered_map<std::string, std::size_t> lineOf;
  std::vector<std::string> keys;
  std::vector<std::vector<QPointF>> lines;
  std::set<std::string> devices, others;
  const std::set<std::string> moving = movingWith(run, workload, param);
  for (const sb::Cell& c : run.cells) {
    if (c.workload != workload) continue;
    const auto x = numeric(c.params, param);
    if (!x) continue;
    const auto v = metric.get ? metric.get(c) : std::nullopt;
    if (c.status != sb::CellStatus::ok || !v) {
      ++notOk;
      continue;
    }
    if (metric.cell_unit) {
      const std::string u = metric.cell_unit(c);
      if (!unitSet) {
        unit = u;
        unitSet = true;
      } else if (u != unit) {
        ++otherUnit;
        continue;
      }
    }
    devices.insert(c.device);
    const std::string rest = othersKey(c.params, param, moving);
    others.insert(rest);
    const std::string key = c.strategy + '\n' + c.device + '\n' + rest;
    auto [it, added] = lineOf.try_emplace(key, lines.size());
    if (added) {
      keys.push_back(key);
      lines.emplace_back();
    }
    lines[it->second].emplace_back(*x, sb::display_value(metric, *v));
  }
  plot.y.title = qstr(metric.title) + (metric.better == sb::Better::higher  ? QStringLiteral(", higher is better")
                                       : metric.better == sb::Better::lower ? QStringLiteral(", lower is better")
                                                                            : QString());
  plot.y.unit = qstr(unit);
  QStringList notes;
  if (notOk > 0) notes << QStringLiteral("%1 cells without %2 left out").arg(notOk).arg(qstr(metric.title));
  if (otherUnit > 0) notes << QStringLiteral("%1 cells in another unit left out").arg(otherUnit);
  plot.note = notes.join(QStringLiteral("; "));
  std::vector<double> xs, ys;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto& pts = lines[i];
    std::sort(pts.begin(), pts.end(), [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); });
    const std::string& key = keys[i];
    const auto a = key.find('\n'), b = key.find('\n', a + 1);
    PlotSeries s;
    s.kind = SeriesKind::line;
    s.name = qstr(key.substr(0, a));
    if (devices.size() > 1) s.name += QStringLiteral(" (%1)").arg(qstr(key.substr(a + 1, b - a - 1)));
    if (others.size() > 1) s.name += QStringLiteral(" \u00b7 ") + qstr(key.substr(b + 1));
    s.color = static_cast<int>(i);
    for (const QPointF& p : pts) {
      xs.push_back(p.x());
      ys.push_back(p.y());
    }
    s.points = std::move(pts);
    plot.series.push_back(std::move(s));
  }
  if (plot.series.empty()) {
    plot.emptyText = QStringLiteral("No ok cell of %1 has %2 and a numeric %3.")
                         .arg(qstr(workload), qstr(metric.title), qstr(param));
    return plot;
  }
  fitAxis(plot.x, xs, false, true);
  fitAxis(plot.y, ys, metric.better == sb::Better::higher, true);
  return plot;
}

}  // namespace sb::gui

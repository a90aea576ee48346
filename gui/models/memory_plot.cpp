#include <set>

#include "stratbench/gui/plots.hpp"
#include "stratbench/gui/qt_text.hpp"

namespace sb::gui {

Plot memoryPlot(const std::vector<const sb::Cell*>& cells) {
  Plot plot;
  if (!cells.empty()) plot.title = configLabel(*cells.front()) + QStringLiteral(": memory per strategy");
  plot.y.title = QStringLiteral("memory, lower is better");
  plot.y.unit = QStringLiteral("MiB");
  plot.x.title = QStringLiteral("strategy");
  std::set<std::string> devices;
  for (const sb::Cell* c : cells) devices.insert(c->device);
  for (const sb::Cell* c : cells) plot.x.categories << seriesName(*c, devices.size() > 1);

  constexpr double kMiB = 1024.0 * 1024.0;
  struct Measure {
    const char* name;
    std::optional<double> (*get)(const sb::Cell&);
  };
  const Measure measures[] = {
      {"peak RSS",
       [](const sb::Cell& c) -> std::optional<double> {
         const auto& v = c.metrics.memory.peak_rss_bytes;
         return v ? std::optional<double>(static_cast<double>(*v)) : std::nullopt;
       }},
      {"allocated by the cell",
       [](const sb::Cell& c) -> std::optional<double> {
         const auto& v = c.metrics.memory.alloc_bytes;
         return v ? std::optional<double>(static_cast<double>(*v)) : std::nullopt;
       }},
      {"weights",
       [](const sb::Cell& c) -> std::optional<double> {
         const auto it = c.metrics.counters.find("weight_bytes");
         return it == c.metrics.counters.end() ? std::nullopt : std::optional<double>(it->second);
       }},
      {"KV cache",
       [](const sb::Cell& c) -> std::optional<double> {
         const auto it = c.metrics.counters.find("kv_cache_bytes");
         return it == c.metrics.counters.end() ? std::nullopt : std::optional<double>(it->second);
       }},
      {"GPU peak",
       [](const sb::Cell& c) -> std::optional<double> {
         const auto& v = c.metrics.memory.gpu_peak_bytes;
         return v ? std::optional<double>(static_cast<double>(*v)) : std::nullopt;
       }},
  };
  std::vector<double> all;
  int color = 0;
  QStringList allocs;
  for (const Measure& m : measures) {
    PlotSeries s;
    s.kind = SeriesKind::bars;
    s.name = QString::fromLatin1(m.name);
    s.color = color++;
    for (std::size_t i = 0; i < cells.size(); ++i)
      if (const auto v = m.get(*cells[i])) {
        s.points.emplace_back(static_cast<double>(i), *v / kMiB);
        all.push_back(*v / kMiB);
      }
    if (!s.points.empty()) plot.series.push_back(std::move(s));
  }
  for (const sb::Cell* c : cells)
    if (c->metrics.memory.alloc_count)
      allocs << QStringLiteral("%1 %2").arg(qstr(c->strategy)).arg(*c->metrics.memory.alloc_count);
  if (!allocs.isEmpty()) plot.note = QStringLiteral("heap allocations: ") + allocs.join(QStringLiteral(", "));
  if (plot.series.empty()) {
    plot.emptyText = QStringLiteral("No cell of this configuration measured its memory.");
    return plot;
  }
  fitAxis(plot.y, all, true, false);
  return plot;
}

}  // namespace sb::gui

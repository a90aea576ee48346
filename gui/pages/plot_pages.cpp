#include "plot_pages.hpp"

#include <algorithm>
#include <cmath>

#include "config_plot_page.hpp"
#include "stratbench/gui/plots.hpp"
#include "stratbench/gui/qt_text.hpp"

namespace sb::gui {

ConfigPlotPage* makeDistributionsPage(RunStore* store, QWidget* parent) {
  return new ConfigPlotPage(
      store, 2,
      [](const ConfigPlotPage::Cells& cells, int) {
        return std::vector<Plot>{boxPlot(cells), ecdfPlot(cells)};
      },
      {}, {}, parent);
}

ConfigPlotPage* makeMemoryPage(RunStore* store, QWidget* parent) {
  return new ConfigPlotPage(
      store, 1, [](const ConfigPlotPage::Cells& cells, int) { return std::vector<Plot>{memoryPlot(cells)}; }, {}, {},
      parent);
}

namespace {

// The quality metrics of these cells in the order the HTML report's chart prefers them: KL
// where the cells have it (the LLM workloads), then the relative error, then the rest.
std::vector<const sb::MetricField*> preferredQuality(const ConfigPlotPage::Cells& cells) {
  std::vector<const sb::MetricField*> m = qualityMetricsOf(cells);
  std::stable_partition(m.begin(), m.end(), [](const sb::MetricField* f) { return f->path == "quality.kl"; });
  return m;
}

// A configuration worth opening on: some quality metric spans more than a decade across its
// strategies (GEMM's fp32 strategies differ in rounding only; the LLM precisions trade).
bool qualityVaries(const ConfigPlotPage::Cells& cells) {
  for (const sb::MetricField* f : qualityMetricsOf(cells)) {
    double lo = INFINITY, hi = 0;
    for (const sb::Cell* c : cells)
      if (const auto v = f->get(*c); v && *v > 0) {
        lo = std::min(lo, *v);
        hi = std::max(hi, *v);
      }
    if (hi > 10 * lo) return true;
  }
  return false;
}

}  // namespace

ConfigPlotPage* makeQualityPage(RunStore* store, QWidget* parent) {
  auto options = [](const ConfigPlotPage::Cells& cells) {
    QStringList names;
    for (const sb::MetricField* f : preferredQuality(cells)) names << qstr(f->title);
    return names;
  };
  auto build = [](const ConfigPlotPage::Cells& cells, int option) {
    const auto metrics = preferredQuality(cells);
    if (option < 0 || option >= static_cast<int>(metrics.size())) {
      Plot empty;
      empty.title = cells.empty() ? QString() : configLabel(*cells.front()) + QStringLiteral(": speed against quality");
      empty.emptyText = QObject::tr(
          "No cell of this configuration has a quality metric (relative error, top-1 "
          "agreement, KL) to set against its speed.");
      return std::vector<Plot>{empty};
    }
    return std::vector<Plot>{speedQualityPlot(cells, *metrics[static_cast<std::size_t>(option)])};
  };
  return new ConfigPlotPage(store, 1, build, options, qualityVaries, parent);
}

}  // namespace sb::gui

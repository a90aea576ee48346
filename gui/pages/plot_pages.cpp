#include "plot_pages.hpp"

#include "config_plot_page.hpp"
#include "stratbench/gui/plots.hpp"
#include "stratbench/gui/qt_text.hpp"

namespace sb::gui {

ConfigPlotPage* makeDistributionsPage(RunStore* store, QWidget* parent) {
  return new ConfigPlotPage(
      store, 2, [](const ConfigPlotPage::Cells& cells, int) { return std::vector<Plot>{boxPlot(cells), ecdfPlot(cells)}; },
      {}, parent);
}

ConfigPlotPage* makeMemoryPage(RunStore* store, QWidget* parent) {
  return new ConfigPlotPage(
      store, 1, [](const ConfigPlotPage::Cells& cells, int) { return std::vector<Plot>{memoryPlot(cells)}; }, {}, parent);
}

ConfigPlotPage* makeQualityPage(RunStore* store, QWidget* parent) {
  auto options = [](const ConfigPlotPage::Cells& cells) {
    QStringList names;
    for (const sb::MetricField* f : qualityMetricsOf(cells)) names << qstr(f->title);
    return names;
  };
  auto build = [](const ConfigPlotPage::Cells& cells, int option) {
    const auto metrics = qualityMetricsOf(cells);
    if (option < 0 || option >= static_cast<int>(metrics.size())) {
      Plot empty;
      empty.title = cells.empty() ? QString() : configLabel(*cells.front()) + QStringLiteral(": speed against quality");
      empty.emptyText = QObject::tr("No cell of this configuration has a quality metric (relative error, top-1 "
                                    "agreement, KL) to set against its speed.");
      return std::vector<Plot>{empty};
    }
    return std::vector<Plot>{speedQualityPlot(cells, *metrics[static_cast<std::size_t>(option)])};
  };
  return new ConfigPlotPage(store, 1, build, options, parent);
}

}  // namespace sb::gui

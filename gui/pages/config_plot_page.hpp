// A page of plots about one configuration (workload · params) of the current run: the
// distributions, memory and speed-against-quality pages. A selector of configurations that
// follows the shared cell selection, an optional second selector (the quality metric), and
// one or more PlotViews filled by the page's build function.
#pragma once

#include <functional>
#include <vector>

#include <QWidget>

#include "stratbench/gui/plot.hpp"
#include "stratbench/result/result.hpp"

class QComboBox;
class QLabel;

namespace sb::gui {

class PlotView;
class RunStore;

class ConfigPlotPage : public QWidget {
  Q_OBJECT

 public:
  using Cells = std::vector<const sb::Cell*>;
  // The names the second selector offers for these cells; empty hides it.
  using Options = std::function<QStringList(const Cells&)>;
  // One Plot per view, from the configuration's cells and the chosen option (-1 when none).
  using Build = std::function<std::vector<Plot>(const Cells&, int option)>;

  // Which configuration to show first when no cell is selected: the first that `prefer`
  // accepts (the first of all when none does, or without `prefer`).
  using Prefer = std::function<bool(const Cells&)>;

  ConfigPlotPage(RunStore* store, int views, Build build, Options options = {}, Prefer prefer = {},
                 QWidget* parent = nullptr);

  QComboBox* configBox() const { return configBox_; }
  QComboBox* optionBox() const { return optionBox_; }
  const std::vector<PlotView*>& views() const { return views_; }

 private:
  void rebuildConfigs();
  void followSelection();
  void showConfig();

  RunStore* store_;
  Build build_;
  Options options_;
  Prefer prefer_;
  QComboBox* configBox_;
  QComboBox* optionBox_;
  QLabel* optionLabel_;
  std::vector<PlotView*> views_;
  std::vector<Cells> groups_;  // each configuration's cells, parallel to configBox_
  const sb::RunFile* shownRun_ = nullptr;
};

}  // namespace sb::gui

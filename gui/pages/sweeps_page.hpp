// Sweeps: a metric against a numeric parameter (prompt_len, threads, m, …) of one workload
// of the current run, one line per strategy: the chart a 1000-value sweep needs.
#pragma once

#include <optional>

#include <QWidget>

class QCheckBox;
class QComboBox;

namespace sb::gui {

class PlotView;
class RunStore;

class SweepsPage : public QWidget {
  Q_OBJECT

 public:
  explicit SweepsPage(RunStore* store, QWidget* parent = nullptr);
  QComboBox* workloadBox() const { return workloadBox_; }
  QComboBox* paramBox() const { return paramBox_; }
  QComboBox* metricBox() const { return metricBox_; }
  PlotView* view() const { return view_; }

 private:
  void rebuildWorkloads();
  void rebuildParams();
  void show();

  RunStore* store_;
  QComboBox *workloadBox_, *paramBox_, *metricBox_;
  QCheckBox *logX_, *logY_;
  std::optional<bool> userLogX_, userLogY_;  // set once the user ticks a box
  PlotView* view_;
};

}  // namespace sb::gui

// The throughput chart page: a selector of (workload, params) groups and a grouped bar chart
// of the selected group, built from the run in a CellTableModel.
#pragma once

#include <vector>

#include <QWidget>

#include "stratbench/gui/throughput_chart_data.hpp"

class QChartView;
class QComboBox;

namespace sb::gui {

class CellTableModel;

class ThroughputChartPage : public QWidget {
  Q_OBJECT

 public:
  explicit ThroughputChartPage(const CellTableModel* model, QWidget* parent = nullptr);

  // Shows that group when the run has it; otherwise keeps the current one.
  void selectGroup(const ChartGroup& group);
  // Empty workload when the run has no groups.
  ChartGroup currentGroup() const;

  QChartView* chartView() const { return chartView_; }

 private:
  void rebuildGroups();
  void showGroup(int index);

  const CellTableModel* model_;
  QComboBox* groupBox_;
  QChartView* chartView_;
  std::vector<ChartGroup> groups_;  // parallel to groupBox_'s items
  ThroughputChartData shown_;       // what the bars show, for the hover text
};

}  // namespace sb::gui

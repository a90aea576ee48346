// Timeline: the trace of a cell of the current run (run --trace), as tracks per thread and
// GPU stream, with the statistics of the selected range's name from reports/trace_summary
// (what `stratbench trace summarize` prints). The trace is read on a worker thread.
#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QThreadPool;

namespace sb::gui {

class RunStore;
class TimelineView;

class TimelinePage : public QWidget {
  Q_OBJECT

 public:
  explicit TimelinePage(RunStore* store, QWidget* parent = nullptr);
  ~TimelinePage() override;

  QComboBox* cellBox() const { return cellBox_; }
  TimelineView* view() const { return view_; }
  QLabel* statistics() const { return stats_; }
  bool busy() const { return busy_; }

 Q_SIGNALS:
  void loaded();

 private:
  void rebuildCells();
  void followSelection();
  void load();
  void showStatistics(const QString& name);

  RunStore* store_;
  QComboBox* cellBox_;
  QLabel* status_;
  TimelineView* view_;
  QLabel* stats_;
  QThreadPool* pool_;
  bool busy_ = false;
  int generation_ = 0;
  struct Loaded;
  std::shared_ptr<const Loaded> loaded_;  // the shown trace's summary
};

}  // namespace sb::gui

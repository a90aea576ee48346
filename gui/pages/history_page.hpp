// History: a cell's series of a metric over commits from the history store (a SQLite file
// or a PostgreSQL URL), with the change points `stratbench history detect` finds, and the
// commit of the point under the cursor or chosen with the keyboard. The store is read on a
// worker thread: a shared PostgreSQL server may be slow or down.
#pragma once

#include <QWidget>

#include "stratbench/gui/history_data.hpp"

class QComboBox;
class QLabel;
class QLineEdit;
class QSlider;
class QStandardItemModel;
class QTableView;
class QThreadPool;

namespace sb::gui {

class CellSortProxyModel;
class PlotView;
class RunStore;

class HistoryPage : public QWidget {
  Q_OBJECT

 public:
  explicit HistoryPage(RunStore* store, QWidget* parent = nullptr);
  // Waits for a read in flight (one query at most); its answer is dropped.
  ~HistoryPage() override;

  // Reads the store at `url` now, and remembers it once read.
  void openUrl(const QString& url);

  QLineEdit* urlEdit() const { return url_; }
  QLabel* status() const { return status_; }
  QLineEdit* filter() const { return filter_; }
  QTableView* seriesView() const { return keysView_; }
  QComboBox* metricBox() const { return metricBox_; }
  PlotView* view() const { return view_; }
  QSlider* pointSlider() const { return slider_; }
  QLabel* pointLabel() const { return pointLabel_; }
  const HistorySnapshot& snapshot() const { return snapshot_; }
  const HistorySeries& series() const { return series_; }
  // True while the store or a series is being read.
  bool busy() const { return busy_; }

 Q_SIGNALS:
  void seriesShown();

 protected:
  void showEvent(QShowEvent* event) override;
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void load();
  void showSnapshot(HistorySnapshot snapshot);
  void querySeries();
  void showSeries(HistorySeries series);
  void showPoint(int index);
  // Makes the first series of cell `id` current; false when the store has none.
  bool selectCell(const QString& id);
  // Runs `work` on the pool; `deliver` gets its answer on the GUI thread unless a newer
  // request or the page's end came first.
  template <class Result, class Work, class Deliver>
  void startRead(Work work, Deliver deliver);

  RunStore* store_;
  QLineEdit* url_;
  QLabel* status_;
  QLineEdit* filter_;
  QStandardItemModel* keysModel_;
  CellSortProxyModel* proxy_;
  QTableView* keysView_;
  QComboBox* metricBox_;
  PlotView* view_;
  QSlider* slider_;
  QLabel* pointLabel_;
  HistorySnapshot snapshot_;
  HistorySeries series_;
  bool stale_ = true, busy_ = false;
  bool selecting_ = false;  // the page, not the user, is choosing the series
  int generation_ = 0;      // an answer to an older request is dropped
  QThreadPool* pool_;
};

}  // namespace sb::gui

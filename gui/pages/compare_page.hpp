// Compare: the baseline run against another loaded run, with reports/compare (what
// `stratbench compare BASE NEW` prints): a heatmap of strategies × configurations and a
// sortable, filterable list with the ratio, its bootstrap interval, the q-value and the
// verdict. Host or configuration mismatches are stated above both.
#pragma once

#include <atomic>
#include <memory>

#include <QWidget>

#include "stratbench/reports/compare.hpp"

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
class QThreadPool;

namespace sb::gui {

class CellSortProxyModel;
class CompareHeatmapModel;
class CompareListModel;
class RunStore;

class ComparePage : public QWidget {
  Q_OBJECT

 public:
  explicit ComparePage(RunStore* store, QWidget* parent = nullptr);
  // Stops a comparison in flight and waits for its worker (one cell's bootstrap at most).
  ~ComparePage() override;
  QComboBox* baselineBox() const { return baselineBox_; }
  QComboBox* otherBox() const { return otherBox_; }
  QTableView* heatmap() const { return heatmap_; }
  QTableView* list() const { return list_; }
  const CompareListModel* listModel() const { return listModel_; }
  const CompareHeatmapModel* heatmapModel() const { return heatmapModel_; }
  // True while a comparison runs in the background.
  bool busy() const { return busy_; }

  // Up to this many cells a comparison runs at once; beyond, on a worker thread (a
  // 50,000-cell bootstrap takes tens of seconds) while the page says so.
  static constexpr std::size_t kSyncCells = 2000;

 Q_SIGNALS:
  void compared();

 protected:
  void showEvent(QShowEvent* event) override;

 private:
  void rebuildRuns();
  // Marks the comparison stale; it runs when the page is shown (or now, when it is).
  void compare();
  void start();
  void showResult(const sb::CompareResult& result, int baseline, int other);

  RunStore* store_;
  QComboBox *baselineBox_, *otherBox_;
  QLabel* status_;
  QLineEdit* filter_;
  CompareHeatmapModel* heatmapModel_;
  CompareListModel* listModel_;
  CellSortProxyModel* proxy_;
  QTableView *heatmap_, *list_;
  bool stale_ = true, busy_ = false;
  int generation_ = 0;  // a result from an older request is dropped
  // The worker's stop flag; a new request or the page's end sets it. Shared, so the worker
  // may outlive neither it nor the runs it reads.
  std::shared_ptr<std::atomic<bool>> cancel_;
  QThreadPool* pool_;
};

}  // namespace sb::gui

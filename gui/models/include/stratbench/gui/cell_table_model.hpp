// One row per cell of a run: what was measured (workload, strategy, params, device), how it
// ended (status) and the headline metrics, output quality included. Read-only; a new run
// replaces the whole model.
#pragma once

#include <memory>

#include <QAbstractTableModel>

#include "stratbench/result/result.hpp"

namespace sb::gui {

class CellTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column : int {
    WorkloadColumn,
    StrategyColumn,
    ParamsColumn,
    DeviceColumn,
    StatusColumn,
    // Metric columns: each shows one row of the metrics table (result/metrics_table.hpp),
    // which gives its value, text, heading and tooltip; the .cpp maps columns to paths.
    LatencyP50Column,  // latency_ms.p50
    ThroughputColumn,  // throughput.value, with the cell's unit
    PeakRssColumn,     // memory.peak_rss_bytes, in MiB
    CvColumn,          // latency_ms.cv
    // Output quality against the workload's reference, next to the speed it bought.
    RelErrorColumn,  // quality.rel_error (every checked workload)
    Top1Column,      // quality.top1_agreement (LLM workloads)
    KlColumn,        // quality.kl (LLM workloads)
    // Why the numbers are what they are: how adaptive stopping ended, and why a cell failed.
    StoppingColumn,  // "target 1% reached at 0.34%", "budget 2 s spent at 3.1%"
    ReasonColumn,    // the failure, skip or timeout reason
    ColumnCount
  };

  // Numeric columns answer a double, so sorting compares values and not their text; an absent
  // metric answers an invalid QVariant, which CellSortProxyModel keeps at the bottom.
  // Text columns answer a key that sorts the way a reader expects ("k=512" before "k=1024").
  static constexpr int SortRole = Qt::UserRole;
  // The unit a numeric column's value is in when it is the cell's own (throughput): sorting
  // groups by unit first, so GFLOP/s and tokens/s never interleave.
  static constexpr int UnitRole = Qt::UserRole + 1;

  explicit CellTableModel(QObject* parent = nullptr);

  // A reset rather than a diff: every row may change. The run is shared with the RunStore,
  // not copied: a 50,000-cell run is held once.
  void setRun(std::shared_ptr<const sb::RunFile> run);
  void setRun(sb::RunFile run);
  const sb::RunFile& run() const { return *run_; }
  // nullptr when row is out of range.
  const sb::Cell* cellAt(int row) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  std::shared_ptr<const sb::RunFile> run_;
};

}  // namespace sb::gui

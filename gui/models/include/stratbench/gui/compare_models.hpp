// `stratbench compare` in the GUI: the result of reports/compare (the same function the CLI
// calls) as a sortable list of cells and as a heatmap of strategies × configurations.
#pragma once

#include <QAbstractTableModel>
#include <QStringList>

#include "stratbench/reports/compare.hpp"

namespace sb::gui {

// Numbers answer doubles (absent: invalid), for CellSortProxyModel: CellTableModel::SortRole.
inline constexpr int CompareSortRole = Qt::UserRole;
// The compared cell's id, for the shared selection. (Qt::UserRole + 1 is the unit role.)
inline constexpr int CellIdRole = Qt::UserRole + 2;

class CompareListModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column : int {
    WorkloadColumn,
    StrategyColumn,
    ParamsColumn,
    DeviceColumn,
    BaseColumn,      // baseline median, ms
    NewColumn,       // other run's median, ms
    RatioColumn,     // new / base; < 1 is faster
    IntervalColumn,  // bootstrap interval of the ratio
    QColumn,         // Benjamini-Hochberg q-value
    VerdictColumn,
    NoteColumn,
    ColumnCount
  };

  explicit CompareListModel(QObject* parent = nullptr);
  void setResult(sb::CompareResult result);
  const sb::CompareResult& result() const { return result_; }
  // The row of a cell id, or -1.
  int rowOf(const QString& id) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  sb::CompareResult result_;
};

// Rows: strategies (with the device when the runs mix devices); columns: configurations
// (workload · params). Each cell: the ratio and the verdict, coloured from blue (faster) to
// red (slower), pale where the verdict is "same" or "inconclusive".
class CompareHeatmapModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  explicit CompareHeatmapModel(QObject* parent = nullptr);
  void setResult(const sb::CompareResult& result);
  // nullptr where the strategy was not run with that configuration.
  const sb::CellComparison* comparisonAt(int row, int column) const;
  QModelIndex indexOf(const QString& id) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  std::vector<sb::CellComparison> rows_;
  QStringList strategies_, configs_;
  std::vector<int> slot_;  // strategies × configs -> index into rows_, -1 when none
};

// The heatmap's colour of a comparison: its ratio on a log scale, saturated at ±25%.
QColor compareColor(const sb::CellComparison& c);
// "0.93× faster", "1.10× slower", "1.00× same", "? inconclusive", "not compared".
QString verdictText(const sb::CellComparison& c);

}  // namespace sb::gui

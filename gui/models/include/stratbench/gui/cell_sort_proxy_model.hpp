// Sorts a CellTableModel by its SortRole, numbers as numbers, and keeps cells without a value
// (failed, skipped, not measured) at the bottom in both directions: a reader sorting by
// throughput wants the best or worst measured cell on top, not the empty ones. Also used for
// the compare list, whose roles follow the same convention (compare_models.hpp).
#pragma once

#include <QSortFilterProxyModel>

namespace sb::gui {

class CellSortProxyModel : public QSortFilterProxyModel {
  Q_OBJECT

 public:
  explicit CellSortProxyModel(QObject* parent = nullptr);

  // Rows whose text columns (workload, strategy, params, device, status, reason) hold
  // every whitespace-separated word of `filter`, case-insensitive: "gemm simd 512".
  void setTextFilter(const QString& filter);
  const QString& textFilter() const { return filter_; }
  // The source columns the filter reads (the CellTableModel's text columns by default).
  void setFilterColumns(QList<int> columns) { filterColumns_ = std::move(columns); }

 protected:
  bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;
  bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

 private:
  QString filter_;
  QStringList words_;
  QList<int> filterColumns_;
};

}  // namespace sb::gui

// Sorts a CellTableModel by its SortRole, numbers as numbers, and keeps cells without a value
// (failed, skipped, not measured) at the bottom in both directions: a reader sorting by
// throughput wants the best or worst measured cell on top, not the empty ones.
#pragma once

#include <QSortFilterProxyModel>

namespace sb::gui {

class CellSortProxyModel : public QSortFilterProxyModel {
  Q_OBJECT

 public:
  explicit CellSortProxyModel(QObject* parent = nullptr);

 protected:
  bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;
};

}  // namespace sb::gui

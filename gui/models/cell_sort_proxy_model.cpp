#include "stratbench/gui/cell_sort_proxy_model.hpp"

#include "stratbench/gui/cell_table_model.hpp"

namespace sb::gui {

CellSortProxyModel::CellSortProxyModel(QObject* parent) : QSortFilterProxyModel(parent) {
  setSortRole(CellTableModel::SortRole);
}

bool CellSortProxyModel::lessThan(const QModelIndex& left, const QModelIndex& right) const {
  const QVariant l = left.data(sortRole());
  const QVariant r = right.data(sortRole());
  if (!l.isValid() || !r.isValid()) {
    if (l.isValid() == r.isValid()) return false;  // both absent: keep the run's order
    // Descending order sorts by "greater than", i.e. by lessThan with the arguments swapped;
    // so an absent value must compare as the largest when ascending and the smallest when
    // descending to end up last both times.
    const bool leftAbsent = !l.isValid();
    return sortOrder() == Qt::AscendingOrder ? !leftAbsent : leftAbsent;
  }
  if (l.typeId() == QMetaType::Double && r.typeId() == QMetaType::Double) return l.toDouble() < r.toDouble();
  return QSortFilterProxyModel::lessThan(left, right);
}

}  // namespace sb::gui

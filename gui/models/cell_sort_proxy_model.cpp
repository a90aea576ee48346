#include "stratbench/gui/cell_sort_proxy_model.hpp"

#include <QRegularExpression>

#include "stratbench/gui/cell_table_model.hpp"

namespace sb::gui {

CellSortProxyModel::CellSortProxyModel(QObject* parent)
    : QSortFilterProxyModel(parent),
      filterColumns_({CellTableModel::WorkloadColumn, CellTableModel::StrategyColumn, CellTableModel::ParamsColumn,
                      CellTableModel::DeviceColumn, CellTableModel::StatusColumn, CellTableModel::ReasonColumn}) {
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
  // Values in different units (a run of GEMM and decode: GFLOP/s and tokens/s) are grouped
  // by unit, not interleaved by magnitude.
  const QString lu = left.data(CellTableModel::UnitRole).toString(),
                ru = right.data(CellTableModel::UnitRole).toString();
  if (lu != ru) return lu < ru;
  if (l.typeId() == QMetaType::Double && r.typeId() == QMetaType::Double) return l.toDouble() < r.toDouble();
  return QSortFilterProxyModel::lessThan(left, right);
}

}  // namespace sb::gui

namespace sb::gui {

void CellSortProxyModel::setTextFilter(const QString& filter) {
  filter_ = filter;
  words_ = filter.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
  invalidateFilter();
}

bool CellSortProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
  if (words_.isEmpty()) return true;
  const QAbstractItemModel* m = sourceModel();
  QString text;
  for (const int column : filterColumns_) {
    if (column >= m->columnCount(sourceParent)) continue;
    text += m->index(sourceRow, column, sourceParent).data().toString();
    text += u'\n';
  }
  for (const QString& w : words_)
    if (!text.contains(w, Qt::CaseInsensitive)) return false;
  return true;
}

}  // namespace sb::gui

// The cell table page: a filter box above a sortable QTableView over a CellTableModel. It
// reports the cell of the selected row, so other pages can follow the selection without
// knowing about the view.
#pragma once

#include <QWidget>

#include "stratbench/result/result.hpp"

class QLineEdit;
class QTableView;

namespace sb::gui {

class CellSortProxyModel;
class CellTableModel;

class CellTablePage : public QWidget {
  Q_OBJECT

 public:
  explicit CellTablePage(CellTableModel* model, QWidget* parent = nullptr);

  QTableView* view() const { return view_; }
  QLineEdit* filter() const { return filter_; }

 Q_SIGNALS:
  // The cell of a newly selected row; the reference is valid until the model resets.
  void cellSelected(const sb::Cell& cell);

 private:
  CellTableModel* model_;
  CellSortProxyModel* proxy_;
  QTableView* view_;
  QLineEdit* filter_;
};

}  // namespace sb::gui

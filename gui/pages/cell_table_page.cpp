#include "cell_table_page.hpp"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QTableView>
#include <QVBoxLayout>

#include "stratbench/gui/cell_sort_proxy_model.hpp"
#include "stratbench/gui/cell_table_model.hpp"

namespace sb::gui {

CellTablePage::CellTablePage(CellTableModel* model, QWidget* parent)
    : QWidget(parent), model_(model), proxy_(new CellSortProxyModel(this)), view_(new QTableView(this)) {
  proxy_->setSourceModel(model_);

  view_->setObjectName(QStringLiteral("cellTable"));
  view_->setModel(proxy_);
  view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  view_->setSelectionMode(QAbstractItemView::SingleSelection);
  view_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  view_->setAlternatingRowColors(true);
  view_->setWordWrap(false);
  view_->verticalHeader()->hide();
  // Dense rows: a matrix has many cells and a reader compares them by scanning down.
  view_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  view_->verticalHeader()->setDefaultSectionSize(view_->fontMetrics().height() + 6);
  // Start in run order, the order the matrix was expanded and run; a third click on a header
  // returns to it.
  view_->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
  view_->horizontalHeader()->setSortIndicatorClearable(true);
  view_->setSortingEnabled(true);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(view_);

  connect(model_, &QAbstractItemModel::modelReset, view_, &QTableView::resizeColumnsToContents);
  // Selection, not the current index: focusing the view makes its first row current without
  // anyone choosing it, and that must not move the other pages away from what they show.
  connect(view_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          [this](const QItemSelection& selected) {
            if (selected.isEmpty()) return;
            const QModelIndex row = proxy_->mapToSource(selected.indexes().front());
            if (const sb::Cell* cell = model_->cellAt(row.row())) Q_EMIT cellSelected(*cell);
          });
}

}  // namespace sb::gui

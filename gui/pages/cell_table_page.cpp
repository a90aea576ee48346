#include "cell_table_page.hpp"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QTableView>
#include <QVBoxLayout>

#include "stratbench/gui/cell_sort_proxy_model.hpp"
#include "stratbench/gui/cell_table_model.hpp"

namespace sb::gui {
namespace {
// Characters of a strategy or params column before it is elided: "simd+blocked+threads=2"
// and "k=1024,m=1024,n=1024" stay whole.
constexpr int kMaxTextColumnChars = 26;
}  // namespace

CellTablePage::CellTablePage(CellTableModel* model, QWidget* parent)
    : QWidget(parent),
      model_(model),
      proxy_(new CellSortProxyModel(this)),
      view_(new QTableView(this)),
      filter_(new QLineEdit(this)) {
  proxy_->setSourceModel(model_);
  filter_->setObjectName(QStringLiteral("cellFilter"));
  filter_->setPlaceholderText(
      tr("Filter (Ctrl+F): words that the workload, strategy, params, device, status or reason contain"));
  filter_->setClearButtonEnabled(true);
  connect(filter_, &QLineEdit::textChanged, proxy_, &CellSortProxyModel::setTextFilter);

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
  layout->addWidget(filter_);
  layout->addWidget(view_);

  // Fit the columns to their contents, but keep the long text columns (a composed strategy,
  // an LLM cell's params) from pushing the numbers, quality last, off the right edge; the
  // elided text is whole in the cell's tooltip.
  view_->setTextElideMode(Qt::ElideMiddle);
  // The last column (the reason) takes the width that is left; fitting reads 200 rows, not
  // every row of a 50,000-cell run.
  view_->horizontalHeader()->setStretchLastSection(true);
  view_->horizontalHeader()->setResizeContentsPrecision(200);
  connect(model_, &QAbstractItemModel::modelReset, view_, [this] {
    view_->resizeColumnsToContents();
    const int cap = view_->fontMetrics().horizontalAdvance(QLatin1Char('x')) * kMaxTextColumnChars;
    for (int column : {int(CellTableModel::StrategyColumn), int(CellTableModel::ParamsColumn)})
      if (view_->columnWidth(column) > cap) view_->setColumnWidth(column, cap);
  });
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

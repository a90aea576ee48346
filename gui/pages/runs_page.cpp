#include "runs_page.hpp"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include "stratbench/gui/run_list_model.hpp"
#include "stratbench/gui/run_store.hpp"

namespace sb::gui {

RunsPage::RunsPage(RunStore* store, QWidget* parent)
    : QWidget(parent), store_(store), model_(new RunListModel(store, this)), view_(new QTableView(this)) {
  view_->setObjectName(QStringLiteral("runList"));
  view_->setModel(model_);
  view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  view_->setSelectionMode(QAbstractItemView::SingleSelection);
  view_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  view_->verticalHeader()->hide();
  view_->horizontalHeader()->setStretchLastSection(true);
  view_->setTextElideMode(Qt::ElideMiddle);

  auto* open = new QPushButton(tr("&Open\u2026"), this);
  auto* show = new QPushButton(tr("&Show"), this);
  auto* baseline = new QPushButton(tr("Use as &baseline"), this);
  auto* reload = new QPushButton(tr("&Reload"), this);
  auto* close = new QPushButton(tr("&Close"), this);
  show->setToolTip(tr("Show this run on the table, chart and plot pages (Enter)"));
  baseline->setToolTip(tr("Compare the other runs against this one"));
  auto* buttons = new QHBoxLayout;
  for (QPushButton* b : {open, show, baseline, reload, close}) buttons->addWidget(b);
  buttons->addStretch(1);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(buttons);
  layout->addWidget(view_, 1);

  connect(open, &QPushButton::clicked, this, &RunsPage::openRequested);
  connect(show, &QPushButton::clicked, this, [this] { store_->setCurrent(selectedRow()); });
  connect(view_, &QTableView::activated, this, [this](const QModelIndex& i) { store_->setCurrent(i.row()); });
  connect(baseline, &QPushButton::clicked, this, [this] { store_->setBaseline(selectedRow()); });
  connect(reload, &QPushButton::clicked, this, [this] {
    QString error;
    if (selectedRow() >= 0 && !store_->reload(selectedRow(), &error)) {
      QMessageBox box(QMessageBox::Warning, tr("Cannot reload"), error, QMessageBox::Ok, this);
      box.setTextFormat(Qt::PlainText);
      box.exec();
    }
  });
  connect(close, &QPushButton::clicked, this, [this] { store_->close(selectedRow()); });
  connect(model_, &QAbstractItemModel::modelReset, this, [this] {
    view_->resizeColumnsToContents();
    if (store_->current() >= 0) view_->selectRow(store_->current());
  });
}

int RunsPage::selectedRow() const {
  const QModelIndexList rows = view_->selectionModel()->selectedRows();
  return rows.isEmpty() ? store_->current() : rows.front().row();
}

}  // namespace sb::gui

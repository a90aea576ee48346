#include "compare_page.hpp"

#include <QApplication>
#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QSplitter>
#include <QTableView>
#include <QThreadPool>
#include <QVBoxLayout>

#include "stratbench/gui/cell_sort_proxy_model.hpp"
#include "stratbench/gui/compare_models.hpp"
#include "stratbench/gui/qt_text.hpp"
#include "stratbench/gui/run_store.hpp"

namespace sb::gui {
namespace {

QTableView* denseView(QWidget* parent) {
  auto* v = new QTableView(parent);
  v->setEditTriggers(QAbstractItemView::NoEditTriggers);
  v->setWordWrap(false);
  v->setTextElideMode(Qt::ElideMiddle);
  v->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  v->verticalHeader()->setDefaultSectionSize(v->fontMetrics().height() + 6);
  return v;
}

}  // namespace

ComparePage::ComparePage(RunStore* store, QWidget* parent)
    : QWidget(parent),
      store_(store),
      baselineBox_(new QComboBox(this)),
      otherBox_(new QComboBox(this)),
      status_(new QLabel(this)),
      filter_(new QLineEdit(this)),
      heatmapModel_(new CompareHeatmapModel(this)),
      listModel_(new CompareListModel(this)),
      proxy_(new CellSortProxyModel(this)),
      heatmap_(denseView(this)),
      list_(denseView(this)),
      pool_(new QThreadPool(this)) {
  pool_->setMaxThreadCount(1);
  baselineBox_->setObjectName(QStringLiteral("baseline"));
  otherBox_->setObjectName(QStringLiteral("other"));
  status_->setObjectName(QStringLiteral("compareStatus"));
  status_->setTextFormat(Qt::PlainText);  // mismatches quote the files' host names
  status_->setWordWrap(true);
  heatmap_->setObjectName(QStringLiteral("heatmap"));
  list_->setObjectName(QStringLiteral("compareList"));
  filter_->setObjectName(QStringLiteral("compareFilter"));
  filter_->setPlaceholderText(tr("Filter: words that the workload, strategy, params or verdict contain"));
  filter_->setClearButtonEnabled(true);

  heatmap_->setModel(heatmapModel_);
  heatmap_->setSelectionMode(QAbstractItemView::SingleSelection);
  heatmap_->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
  heatmap_->horizontalHeader()->setResizeContentsPrecision(50);
  heatmap_->horizontalHeader()->setTextElideMode(Qt::ElideMiddle);
  // Left-aligned, so a capped heading shows its start (the workload) and elides the rest.
  heatmap_->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
  proxy_->setSourceModel(listModel_);
  proxy_->setFilterColumns({CompareListModel::WorkloadColumn, CompareListModel::StrategyColumn,
                            CompareListModel::ParamsColumn, CompareListModel::DeviceColumn,
                            CompareListModel::VerdictColumn, CompareListModel::NoteColumn});
  list_->setModel(proxy_);
  list_->setSelectionBehavior(QAbstractItemView::SelectRows);
  list_->setSelectionMode(QAbstractItemView::SingleSelection);
  list_->setSortingEnabled(true);
  list_->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
  list_->horizontalHeader()->setStretchLastSection(true);
  list_->verticalHeader()->hide();
  // Fitting columns reads this many rows, not all 50,000 of a big run.
  list_->horizontalHeader()->setResizeContentsPrecision(200);

  auto* controls = new QHBoxLayout;
  auto* bl = new QLabel(tr("&Baseline:"), this);
  bl->setBuddy(baselineBox_);
  auto* ol = new QLabel(tr("&Against:"), this);
  ol->setBuddy(otherBox_);
  controls->addWidget(bl);
  controls->addWidget(baselineBox_, 1);
  controls->addWidget(ol);
  controls->addWidget(otherBox_, 1);
  auto* splitter = new QSplitter(Qt::Vertical, this);
  splitter->addWidget(heatmap_);
  auto* lower = new QWidget(splitter);
  auto* lowerLayout = new QVBoxLayout(lower);
  lowerLayout->setContentsMargins(0, 0, 0, 0);
  lowerLayout->addWidget(filter_);
  lowerLayout->addWidget(list_);
  splitter->addWidget(lower);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(controls);
  layout->addWidget(status_);
  layout->addWidget(splitter, 1);

  connect(store_, &RunStore::runsChanged, this, &ComparePage::rebuildRuns);
  connect(store_, &RunStore::baselineChanged, this, &ComparePage::rebuildRuns);
  connect(baselineBox_, &QComboBox::currentIndexChanged, this, [this](int i) {
    store_->setBaseline(i);
    compare();
  });
  connect(otherBox_, &QComboBox::currentIndexChanged, this, &ComparePage::compare);
  connect(filter_, &QLineEdit::textChanged, proxy_, &CellSortProxyModel::setTextFilter);
  auto select = [this](const QModelIndex& index) {
    if (const QString id = index.data(CellIdRole).toString(); !id.isEmpty()) store_->selectCell(id);
  };
  connect(heatmap_->selectionModel(), &QItemSelectionModel::currentChanged, this, select);
  connect(list_->selectionModel(), &QItemSelectionModel::currentChanged, this, select);
  rebuildRuns();
}

void ComparePage::rebuildRuns() {
  const QSignalBlocker b(baselineBox_), o(otherBox_);
  const int other = otherBox_->currentIndex();
  baselineBox_->clear();
  otherBox_->clear();
  for (int i = 0; i < store_->count(); ++i) {
    const QString name = QFileInfo(store_->at(i).path).fileName();
    baselineBox_->addItem(name);
    otherBox_->addItem(name);
    baselineBox_->setItemData(i, store_->at(i).path, Qt::ToolTipRole);
    otherBox_->setItemData(i, store_->at(i).path, Qt::ToolTipRole);
  }
  baselineBox_->setCurrentIndex(store_->baseline());
  // Against: what the user chose, else the latest run that is not the baseline.
  int pick = other >= 0 && other < store_->count() && other != store_->baseline() ? other : -1;
  for (int i = store_->count() - 1; i >= 0 && pick < 0; --i)
    if (i != store_->baseline()) pick = i;
  otherBox_->setCurrentIndex(pick >= 0 ? pick : store_->baseline());
  compare();
}

ComparePage::~ComparePage() {
  if (cancel_) *cancel_ = true;
  pool_->waitForDone();
}

void ComparePage::compare() {
  stale_ = true;
  if (isVisible()) start();
}

void ComparePage::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  if (stale_) start();
}

void ComparePage::start() {
  stale_ = false;
  const int b = baselineBox_->currentIndex(), o = otherBox_->currentIndex();
  const int generation = ++generation_;
  if (cancel_) *cancel_ = true;  // the previous request's answer is no longer wanted
  if (b < 0 || o < 0 || b == o) {
    busy_ = false;
    status_->setText(store_->count() < 2 ? tr("Open two results files of one matrix to compare them (File \u2192 Open, "
                                              "or drop them here).")
                                         : tr("Choose two different runs: baseline and the run compared against it."));
    showResult({}, b, o);
    return;
  }
  std::shared_ptr<const sb::RunFile> base = store_->at(b).run, other = store_->at(o).run;
  if (std::max(base->cells.size(), other->cells.size()) <= kSyncCells) {
    showResult(sb::compare_runs(*base, *other), b, o);
    return;
  }
  busy_ = true;
  status_->setText(tr("Comparing %1 cells (2,000 bootstrap resamples each) \u2026").arg(base->cells.size()));
  const QPointer<ComparePage> self(this);
  cancel_ = std::make_shared<std::atomic<bool>>(false);
  pool_->start([self, base, other, generation, b, o, cancel = cancel_] {
    sb::CompareOptions options;
    options.cancel = cancel.get();
    auto result = std::make_shared<sb::CompareResult>(sb::compare_runs(*base, *other, options));
    if (result->cancelled) return;
    QMetaObject::invokeMethod(
        qApp,
        [self, result, generation, b, o] {
          if (self && generation == self->generation_) self->showResult(*result, b, o);
        },
        Qt::QueuedConnection);
  });
}

void ComparePage::showResult(const sb::CompareResult& result, int b, int o) {
  busy_ = false;
  if (b >= 0 && o >= 0 && b != o) {
    int decided = 0, slower = 0, faster = 0, inconclusive = 0;
    for (const auto& r : result.rows) {
      slower += r.verdict == sb::Verdict::slower;
      faster += r.verdict == sb::Verdict::faster;
      inconclusive += r.verdict == sb::Verdict::inconclusive;
      decided += r.verdict != sb::Verdict::not_compared;
    }
    QString text = tr("%1 cells compared: %2 faster, %3 slower, %4 inconclusive (ratio = new / baseline median "
                      "time; \u25bc faster, \u25b2 slower, = same within 2%, ? cannot tell)")
                       .arg(decided)
                       .arg(faster)
                       .arg(slower)
                       .arg(inconclusive);
    for (const std::string& m : result.mismatches) text += QStringLiteral("\n\u26a0 ") + qstr(m);
    status_->setText(text);
  }
  heatmapModel_->setResult(result);
  listModel_->setResult(result);
  list_->resizeColumnsToContents();
  // Configuration headings whole where they fit, capped so a few columns do not take the page.
  heatmap_->resizeColumnsToContents();
  const int cap = heatmap_->fontMetrics().horizontalAdvance(QLatin1Char('x')) * 30;
  for (int c = 0; c < heatmapModel_->columnCount(); ++c)
    if (heatmap_->columnWidth(c) > cap) heatmap_->setColumnWidth(c, cap);
  if (const QModelIndex sel = heatmapModel_->indexOf(store_->selectedCell()); sel.isValid())
    heatmap_->setCurrentIndex(sel);
  Q_EMIT compared();
}

}  // namespace sb::gui

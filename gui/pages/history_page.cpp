#include "history_page.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <utility>

#include <QApplication>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMouseEvent>
#include <QPointer>
#include <QPushButton>
#include <QScopedValueRollback>
#include <QSettings>
#include <QSlider>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QThreadPool>
#include <QUrl>
#include <QVBoxLayout>

#include "plot_view.hpp"
#include "stratbench/gui/cell_sort_proxy_model.hpp"
#include "stratbench/gui/number_format.hpp"
#include "stratbench/gui/plot_painter.hpp"
#include "stratbench/gui/qt_text.hpp"
#include "stratbench/gui/run_store.hpp"
#include "stratbench/result/metrics_table.hpp"

namespace sb::gui {
namespace {

const QString kUrlSetting = QStringLiteral("historyUrl");
constexpr int kKeyIndexRole = Qt::UserRole + 100;  // row -> snapshot key; clear of the proxy's roles

QLabel* buddyLabel(const QString& text, QWidget* buddy, QWidget* parent) {
  auto* label = new QLabel(text, parent);
  label->setBuddy(buddy);
  return label;
}

// A password in the settings file would sit there in plain text.
bool hasPassword(const QString& url) {
  return !QUrl(url).password().isEmpty() || url.contains(QStringLiteral("password"), Qt::CaseInsensitive);
}

QString initialUrl() {
  QString remembered = QSettings().value(kUrlSetting).toString();
  if (!remembered.isEmpty()) return remembered;
  return QFileInfo::exists(QString::fromLatin1(sb::kDefaultHistoryDb)) ? QString::fromLatin1(sb::kDefaultHistoryDb)
                                                                       : QString();
}

}  // namespace

HistoryPage::HistoryPage(RunStore* store, QWidget* parent)
    : QWidget(parent),
      store_(store),
      url_(new QLineEdit(initialUrl(), this)),
      status_(new QLabel(this)),
      filter_(new QLineEdit(this)),
      keysModel_(new QStandardItemModel(0, 5, this)),
      proxy_(new CellSortProxyModel(this)),
      keysView_(new QTableView(this)),
      metricBox_(new QComboBox(this)),
      view_(new PlotView(this)),
      slider_(new QSlider(Qt::Horizontal, this)),
      pointLabel_(new QLabel(this)),
      pool_(new QThreadPool(this)) {
  pool_->setMaxThreadCount(1);
  url_->setObjectName(QStringLiteral("historyUrl"));
  url_->setPlaceholderText(tr("SQLite file (results/history.db) or postgresql://\u2026 URL; Enter reads it"));
  url_->setClearButtonEnabled(true);
  status_->setObjectName(QStringLiteral("historyStatus"));
  status_->setTextFormat(Qt::PlainText);  // errors quote the URL and stored names
  status_->setWordWrap(true);
  filter_->setObjectName(QStringLiteral("historyFilter"));
  filter_->setPlaceholderText(tr("Filter: words that the workload, strategy, params, device or host contain"));
  filter_->setClearButtonEnabled(true);
  keysView_->setObjectName(QStringLiteral("historySeries"));
  metricBox_->setObjectName(QStringLiteral("historyMetric"));
  view_->setObjectName(QStringLiteral("historyPlot"));
  view_->setMouseTracking(true);
  view_->installEventFilter(this);
  slider_->setObjectName(QStringLiteral("historyPoint"));
  slider_->setEnabled(false);
  pointLabel_->setObjectName(QStringLiteral("historyPointLabel"));
  pointLabel_->setTextFormat(Qt::PlainText);
  pointLabel_->setWordWrap(true);
  pointLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);  // commits get copied

  for (const std::string& path : historyMetrics()) metricBox_->addItem(qstr(sb::metric_field(path).title), qstr(path));
  keysModel_->setHorizontalHeaderLabels({tr("Workload"), tr("Strategy"), tr("Params"), tr("Device"), tr("Host")});
  proxy_->setFilterColumns({0, 1, 2, 3, 4});
  proxy_->setSourceModel(keysModel_);
  keysView_->setModel(proxy_);
  keysView_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  keysView_->setSelectionBehavior(QAbstractItemView::SelectRows);
  keysView_->setSelectionMode(QAbstractItemView::SingleSelection);
  keysView_->setWordWrap(false);
  keysView_->setTextElideMode(Qt::ElideMiddle);
  keysView_->setSortingEnabled(true);
  keysView_->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
  keysView_->horizontalHeader()->setStretchLastSection(true);
  keysView_->verticalHeader()->hide();

  auto* open = new QPushButton(tr("&Open database\u2026"), this);
  auto* reload = new QPushButton(tr("Re&load"), this);
  auto* top = new QHBoxLayout;
  top->addWidget(buddyLabel(tr("Data&base:"), url_, this));
  top->addWidget(url_, 1);
  top->addWidget(open);
  top->addWidget(reload);
  auto* left = new QWidget(this);
  auto* leftLayout = new QVBoxLayout(left);
  leftLayout->setContentsMargins(0, 0, 0, 0);
  leftLayout->addWidget(buddyLabel(tr("&Series:"), filter_, left));
  leftLayout->addWidget(filter_);
  leftLayout->addWidget(keysView_, 1);
  auto* right = new QWidget(this);
  auto* metricRow = new QHBoxLayout;
  metricRow->addWidget(buddyLabel(tr("M&etric:"), metricBox_, right));
  metricRow->addWidget(metricBox_);
  metricRow->addStretch(1);
  auto* pointRow = new QHBoxLayout;
  pointRow->addWidget(buddyLabel(tr("&Point:"), slider_, right));
  pointRow->addWidget(slider_, 1);
  auto* rightLayout = new QVBoxLayout(right);
  rightLayout->setContentsMargins(0, 0, 0, 0);
  rightLayout->addLayout(metricRow);
  rightLayout->addWidget(view_, 1);
  rightLayout->addLayout(pointRow);
  rightLayout->addWidget(pointLabel_);
  auto* splitter = new QSplitter(Qt::Horizontal, this);
  splitter->addWidget(left);
  splitter->addWidget(right);
  splitter->setStretchFactor(0, 1);
  splitter->setStretchFactor(1, 2);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(status_);
  layout->addWidget(splitter, 1);

  connect(url_, &QLineEdit::returnPressed, this, [this] { openUrl(url_->text()); });
  connect(reload, &QPushButton::clicked, this, [this] { openUrl(url_->text()); });
  connect(open, &QPushButton::clicked, this, [this] {
    const QString dir = QFileInfo(url_->text()).absolutePath();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open history database"), dir,
                                                      tr("SQLite history (*.db *.sqlite *.sqlite3);;All files (*)"));
    if (!path.isEmpty()) openUrl(path);
  });
  connect(filter_, &QLineEdit::textChanged, proxy_, &CellSortProxyModel::setTextFilter);
  connect(keysView_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& i) {
    if (!i.isValid()) return;
    querySeries();
    const int k = i.siblingAtColumn(0).data(kKeyIndexRole).toInt();
    // A choice of the user's is shared with the other pages; the page's own default is not.
    if (!selecting_ && k >= 0 && k < static_cast<int>(snapshot_.keys.size()))
      store_->selectCell(qstr(snapshot_.keys[static_cast<std::size_t>(k)].cell_id));
  });
  connect(metricBox_, &QComboBox::currentIndexChanged, this, &HistoryPage::querySeries);
  connect(slider_, &QSlider::valueChanged, this, &HistoryPage::showPoint);
  connect(store_, &RunStore::cellSelected, this, [this](const QString& id) { selectCell(id); });

  Plot empty;
  empty.emptyText =
      tr("Choose a history database: a SQLite file that `stratbench history add` wrote, or a "
         "PostgreSQL URL.");
  view_->setPlot(std::move(empty));
  if (url_->text().isEmpty()) status_->setText(tr("No history database chosen."));
}

HistoryPage::~HistoryPage() {
  ++generation_;
  pool_->clear();
  pool_->waitForDone();
}

void HistoryPage::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  // The remembered store is read when first looked at, not when the window opens.
  if (stale_ && !url_->text().isEmpty()) load();
}

void HistoryPage::openUrl(const QString& url) {
  url_->setText(url);
  load();
}

template <class Result, class Work, class Deliver>
void HistoryPage::startRead(Work work, Deliver deliver) {
  busy_ = true;
  const int generation = ++generation_;
  pool_->clear();  // queued reads nobody waits for any more
  const QPointer<HistoryPage> self(this);
  pool_->start([self, generation, work = std::move(work), deliver = std::move(deliver)] {
    auto result = std::make_shared<Result>(work());
    QMetaObject::invokeMethod(
        qApp,
        [self, generation, result, deliver] {
          if (!self || generation != self->generation_) return;
          self->busy_ = false;
          deliver(self.data(), std::move(*result));
        },
        Qt::QueuedConnection);
  });
}

void HistoryPage::load() {
  stale_ = false;
  const QString url = url_->text().trimmed();
  status_->setText(tr("Loading %1 \u2026").arg(url));
  startRead<HistorySnapshot>([url] { return loadHistory(url); },
                             [](HistoryPage* page, HistorySnapshot s) { page->showSnapshot(std::move(s)); });
}

void HistoryPage::showSnapshot(HistorySnapshot snapshot) {
  // The series shown before, to keep it across a reload.
  const sb::SeriesKey was = series_.key;
  snapshot_ = std::move(snapshot);
  series_ = {};
  {
    const QSignalBlocker block(keysView_->selectionModel());
    keysModel_->removeRows(0, keysModel_->rowCount());
    for (std::size_t k = 0; k < snapshot_.keys.size(); ++k) {
      const sb::SeriesKey& key = snapshot_.keys[k];
      QList<QStandardItem*> row;
      for (const std::string* text : {&key.workload, &key.strategy, &key.params, &key.device, &key.host_fingerprint}) {
        auto* item = new QStandardItem(qstr(*text));
        item->setData(qstr(*text), proxy_->sortRole());
        item->setToolTip(plainToolTip(qstr(*text)));
        row << item;
      }
      row.front()->setData(static_cast<int>(k), kKeyIndexRole);
      keysModel_->appendRow(row);
    }
  }
  keysView_->resizeColumnsToContents();
  if (!snapshot_.error.isEmpty()) {
    status_->setText(snapshot_.error);
    showSeries({});
    return;
  }
  if (!hasPassword(snapshot_.url)) QSettings().setValue(kUrlSetting, snapshot_.url);
  status_->setText(
      tr("%1: %2 series, %3 runs.").arg(snapshot_.url).arg(snapshot_.keys.size()).arg(snapshot_.runs.size()));
  if (snapshot_.keys.empty()) {
    showSeries({});
    return;
  }
  // The cell selected on the other pages, else the series shown before, else the first.
  const QScopedValueRollback<bool> own(selecting_, true);
  if (selectCell(store_->selectedCell())) return;
  for (int r = 0; r < proxy_->rowCount(); ++r) {
    const auto k = static_cast<std::size_t>(proxy_->index(r, 0).data(kKeyIndexRole).toInt());
    if (snapshot_.keys[k].cell_id == was.cell_id && snapshot_.keys[k].host_fingerprint == was.host_fingerprint) {
      keysView_->setCurrentIndex(proxy_->index(r, 0));
      return;
    }
  }
  keysView_->setCurrentIndex(proxy_->index(0, 0));
}

bool HistoryPage::selectCell(const QString& id) {
  if (id.isEmpty()) return false;
  for (int pass = 0; pass < 2; ++pass) {
    for (int r = 0; r < proxy_->rowCount(); ++r) {
      const QModelIndex i = proxy_->index(r, 0);
      if (qstr(snapshot_.keys[static_cast<std::size_t>(i.data(kKeyIndexRole).toInt())].cell_id) != id) continue;
      if (keysView_->currentIndex().row() != r) {
        const QScopedValueRollback<bool> own(selecting_, true);
        keysView_->setCurrentIndex(i);
      }
      return true;
    }
    // Hidden by the filter: the selection made elsewhere wins over it.
    const bool inStore = std::any_of(snapshot_.keys.begin(), snapshot_.keys.end(),
                                     [&](const sb::SeriesKey& k) { return qstr(k.cell_id) == id; });
    if (!inStore || filter_->text().isEmpty()) return false;
    filter_->clear();
  }
  return false;
}

void HistoryPage::querySeries() {
  const QModelIndex current = keysView_->currentIndex();
  if (!current.isValid() || !snapshot_.error.isEmpty()) return;
  const auto k = static_cast<std::size_t>(current.siblingAtColumn(0).data(kKeyIndexRole).toInt());
  if (k >= snapshot_.keys.size()) return;
  const QString url = snapshot_.url;
  const sb::SeriesKey key = snapshot_.keys[k];
  const std::string metric = metricBox_->currentData().toString().toStdString();
  status_->setText(tr("Loading the series of %1 \u2026").arg(seriesLabel(key)));
  startRead<HistorySeries>([url, key, metric] { return loadHistorySeries(url, key, metric); },
                           [](HistoryPage* page, HistorySeries s) { page->showSeries(std::move(s)); });
}

void HistoryPage::showSeries(HistorySeries series) {
  series_ = std::move(series);
  if (!series_.error.isEmpty()) {
    status_->setText(series_.error);
  } else if (!series_.key.cell_id.empty()) {
    status_->setText(
        tr("%1: %2 series, %3 runs; %4 has %5 in %6.")
            .arg(snapshot_.url)
            .arg(snapshot_.keys.size())
            .arg(snapshot_.runs.size())
            .arg(seriesLabel(series_.key),
                 formatCount(static_cast<long long>(series_.changes.size()), "change point", "change points"),
                 metricBox_->currentText()));
  }
  Plot plot;
  if (series_.key.cell_id.empty()) {
    plot.emptyText = !snapshot_.error.isEmpty() ? tr("The history database could not be read.")
                                                : tr("The history database has no runs yet (stratbench history add "
                                                     "RESULTS.json --db \u2026).");
  } else {
    plot = historyPlot(series_);
  }
  view_->setPlot(std::move(plot));
  const int n = static_cast<int>(series_.points.size());
  {
    const QSignalBlocker block(slider_);
    slider_->setRange(0, std::max(n - 1, 0));
    slider_->setValue(std::max(n - 1, 0));  // the latest run: what a reader looks at first
    slider_->setEnabled(n > 0);
  }
  showPoint(slider_->value());
  Q_EMIT seriesShown();
}

void HistoryPage::showPoint(int index) {
  pointLabel_->setText(index >= 0 ? describeHistoryPoint(series_, static_cast<std::size_t>(index)) : QString());
}

bool HistoryPage::eventFilter(QObject* watched, QEvent* event) {
  // The run under the mouse becomes the chosen point, so its commit is named below the plot.
  if (watched == view_ && event->type() == QEvent::MouseMove && !series_.points.empty()) {
    const PlotGeometry g(view_->plot(), view_->rect(), view_->font());
    const double x = static_cast<QMouseEvent*>(event)->position().x();
    if (g.slotWidth() > 0 && g.frame().contains(static_cast<QMouseEvent*>(event)->position())) {
      const auto i = static_cast<int>(std::floor((x - g.frame().left()) / g.slotWidth()));
      slider_->setValue(std::clamp(i, 0, static_cast<int>(series_.points.size()) - 1));
    }
  }
  // The arrows on the focused plot walk the points as the slider does.
  if (watched == view_ && event->type() == QEvent::KeyPress && slider_->isEnabled()) {
    switch (static_cast<QKeyEvent*>(event)->key()) {
      case Qt::Key_Left:
      case Qt::Key_Right:
      case Qt::Key_Home:
      case Qt::Key_End:
      case Qt::Key_PageUp:
      case Qt::Key_PageDown: QCoreApplication::sendEvent(slider_, event); return true;
      default: break;
    }
  }
  return QWidget::eventFilter(watched, event);
}

}  // namespace sb::gui

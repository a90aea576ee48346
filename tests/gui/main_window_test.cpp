// MainWindow on the offscreen platform: it opens the sample, shows the table and the chart,
// follows the table's selection, paints something a person could read, and survives bad files.
#include <QApplication>
#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QSlider>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>

#include "cell_table_page.hpp"
#include "compare_page.hpp"
#include "config_plot_page.hpp"
#include "history_page.hpp"
#include "history_test_data.hpp"
#include "image_checks.hpp"
#include "launcher_page.hpp"
#include "main_window.hpp"
#include "plot_view.hpp"
#include "stratbench/gui/cell_table_model.hpp"
#include "stratbench/gui/compare_models.hpp"
#include "stratbench/gui/plot_painter.hpp"
#include "stratbench/gui/run_store.hpp"
#include "sweeps_page.hpp"
#include "test_data.hpp"
#include "throughput_chart_page.hpp"
#include "timeline_page.hpp"
#include "timeline_view.hpp"

using sb::gui::CellTableModel;
using sb::gui::MainWindow;

namespace {

QBarSeries* barSeries(const MainWindow& window) {
  const QList<QAbstractSeries*> series = window.chartPage()->chartView()->chart()->series();
  return series.size() == 1 ? qobject_cast<QBarSeries*>(series.front()) : nullptr;
}

QStringList categories(const MainWindow& window) {
  const auto axes = window.chartPage()->chartView()->chart()->axes(Qt::Horizontal);
  auto* axis = axes.isEmpty() ? nullptr : qobject_cast<QBarCategoryAxis*>(axes.front());
  return axis ? axis->categories() : QStringList{};
}

// Lets the chart's scene finish the layout it does through posted events, so a grab shows
// the chart as a person would see it a moment after the window appears.
void settle() {
  for (int round = 0; round < 3; ++round) {
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents();
  }
}

}  // namespace

class MainWindowTest : public QObject {
  Q_OBJECT

 private:
  const QString sample_ = sb::gui::test::samplePath();

 private Q_SLOTS:
  void emptyWindowInvitesToOpen() {
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(window.windowTitle(), QString("stratbench-gui"));
    QCOMPARE(window.tablePage()->view()->model()->rowCount(), 0);
    QVERIFY(window.chartPage()->chartView()->chart()->title().contains("Open"));
  }

  void opensTheSample() {
    MainWindow window;
    QString error;
    QVERIFY2(window.openFile(sample_, &error), qPrintable(error));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    QCOMPARE(window.tablePage()->view()->model()->rowCount(), 12);
    QVERIFY(window.windowTitle().startsWith("gui_sample_run.json"));
    const auto* summary = window.findChild<QLabel*>("runSummary");
    QVERIFY(summary);
    for (const char* part :
         {"AMD EPYC 7B13", "2 cores", "commit 9c41e7b2d0", "12 cells", "10 ok", "1 failed", "1 skipped"})
      QVERIFY2(summary->text().contains(part), qPrintable(summary->text() + " lacks " + part));

    // The first group is every parameter set of gemm: 5 strategies x 2 sizes.
    QBarSeries* series = barSeries(window);
    QVERIFY(series);
    QCOMPARE(series->count(), 5);
    QCOMPARE(series->barSets().front()->label(), QString("naive"));
    QCOMPARE(series->barSets().front()->count(), 2);
    QCOMPARE(series->barSets().back()->at(1), 94.33);
    QCOMPARE(categories(window), (QStringList{"k=256,m=256,n=256", "k=512,m=512,n=512"}));
  }

  void selectingARowSelectsItsGroup() {
    MainWindow window;
    QVERIFY(window.openFile(sample_));
    QTableView* view = window.tablePage()->view();
    // Sorted, so a wrong proxy-to-source mapping would pick the wrong cell.
    view->sortByColumn(CellTableModel::ThroughputColumn, Qt::DescendingOrder);
    view->selectRow(0);  // blas at 512, 94.33 GFLOP/s
    QCOMPARE(QString::fromStdString(window.chartPage()->currentGroup().params), QString("k=512,m=512,n=512"));
    QCOMPARE(categories(window), QStringList{"k=512,m=512,n=512"});
    QCOMPARE(barSeries(window)->count(), 5);

    view->selectRow(view->model()->rowCount() - 1);  // absent throughput, sorted last: skipped cuda
    QCOMPARE(window.findChild<QComboBox*>("chartGroup")->currentText(), QString("gemm \u00b7 k=512,m=512,n=512"));
    view->selectRow(view->model()->rowCount() - 2);  // failed fp16 at 256
    QCOMPARE(QString::fromStdString(window.chartPage()->currentGroup().params), QString("k=256,m=256,n=256"));
  }

  void paintsAReadableWindow() {
    MainWindow window;
    QVERIFY(window.openFile(sample_));
    window.show();
    QVERIFY(window.showPage("throughput"));
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    settle();

    const QPixmap picture = window.grab();
    const QString path = QStringLiteral(STRATBENCH_GUI_WINDOW_PNG);
    QFile::remove(path);
    QVERIFY(picture.save(path, "PNG"));
    QVERIFY(QFileInfo(path).size() > 0);

    const QImage image(path);
    QCOMPARE(image.size(), window.size());
    QVERIFY2(sb::gui::test::distinctColours(image) >= 64, "the window looks blank");
    // Each bar set's colour fills its bars; without bars these colours do not appear. Only
    // sets with tall bars: naive's 1 GFLOP/s next to blas's 94 is a few pixels high.
    const QImage chart = window.chartPage()->chartView()->grab().toImage();
    int checked = 0;
    for (QBarSet* set : barSeries(window)->barSets()) {  // color() is not const in Qt 6.4
      if (set->at(0) < 20) continue;
      ++checked;
      QVERIFY2(sb::gui::test::countPixels(chart, set->color()) > 500, qPrintable(set->label() + " has no bars"));
    }
    QCOMPARE(checked, 3);
    // The table has text in it: many colours from anti-aliased glyphs.
    const QImage table = window.tablePage()->view()->viewport()->grab().toImage();
    QVERIFY(sb::gui::test::distinctColours(table) >= 16);
  }

  void badFilesLeaveTheWindowWorking() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    MainWindow window;
    QVERIFY(window.openFile(sample_));
    window.show();
    const QString title = window.windowTitle();

    QString error;
    QVERIFY(!window.openFile(dir.filePath("missing.json"), &error));
    QVERIFY2(error.contains("missing.json"), qPrintable(error));

    QFile truncated(dir.filePath("truncated.json"));
    QVERIFY(truncated.open(QIODevice::WriteOnly));
    truncated.write("{\"schema\": \"stratbench/run/v1\", \"run\": {");
    truncated.close();
    QVERIFY(!window.openFile(truncated.fileName(), &error));
    QVERIFY2(error.contains("truncated.json"), qPrintable(error));

    // Still the sample, still usable.
    QCOMPARE(window.windowTitle(), title);
    QCOMPARE(window.tablePage()->view()->model()->rowCount(), 12);
    window.tablePage()->view()->selectRow(6);
    QCOMPARE(categories(window), QStringList{"k=512,m=512,n=512"});
    QVERIFY(window.openFile(sample_));
  }

  void interactiveOpenNamesTheProblemInADialog() {
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    // Answers the modal dialog once it is up; the poll ends with the dialog or after 10 s.
    QString shownText;
    QTimer poll;
    int attempts = 0;
    connect(&poll, &QTimer::timeout, this, [&] {
      if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
        shownText = box->windowTitle() + '\n' + box->text();
        box->done(QMessageBox::Ok);
      } else if (++attempts > 1000) {
        poll.stop();
      }
    });
    poll.start(10);
    QVERIFY(!window.openFileInteractively(QStringLiteral("/nonexistent/missing_run.json")));
    poll.stop();
    QVERIFY2(shownText.contains("Cannot open missing_run.json"), qPrintable(shownText));
    QVERIFY2(shownText.contains("/nonexistent/missing_run.json: cannot open file"), qPrintable(shownText));
    QCOMPARE(window.windowTitle(), QString("stratbench-gui"));
  }
};

// The pages over two runs: the sample as the baseline and a copy with "blocked" 20% slower.
class PagesTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString slowed_;

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    slowed_ = dir_.filePath("slowed.json");
    QVERIFY(sb::gui::test::writeRun(sb::gui::test::slowedSample("blocked", 1.2), slowed_.toStdString()));
  }

  void twoFilesCompareAndTheSelectionIsShared() {
    MainWindow window;
    QVERIFY(window.openFile(sb::gui::test::samplePath()));
    QVERIFY(window.openFile(slowed_));
    window.show();
    QVERIFY(window.showPage("compare"));
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    sb::gui::ComparePage* compare = window.comparePage();
    QCOMPARE(compare->baselineBox()->currentText(), QString("gui_sample_run.json"));
    QCOMPARE(compare->otherBox()->currentText(), QString("slowed.json"));
    QCOMPARE(compare->listModel()->rowCount(), 12);
    const auto* status = compare->findChild<QLabel*>("compareStatus");
    QVERIFY2(status->text().contains("2 slower"), qPrintable(status->text()));
    // The heatmap's "blocked" row is slower in both sizes; choosing a square selects its
    // cell for every page.
    const auto* heat = compare->heatmapModel();
    QCOMPARE(heat->headerData(1, Qt::Vertical).toString(), QString("blocked (cpu)"));
    QCOMPARE(heat->index(1, 1).data().toString(), QString("1.20 \u25b2"));
    compare->heatmap()->setFocus();
    compare->heatmap()->setCurrentIndex(heat->index(1, 1));
    const QString id = heat->index(1, 1).data(sb::gui::CellIdRole).toString();
    QCOMPARE(window.store()->selectedCell(), id);
    // The distributions page shows that cell's configuration, gemm at 512.
    auto* dist = qobject_cast<sb::gui::ConfigPlotPage*>(window.page("distributions"));
    QVERIFY(dist);
    QCOMPARE(dist->configBox()->currentText(), QString("gemm \u00b7 k=512,m=512,n=512"));
    QVERIFY(dist->views()[0]->plot().title.startsWith("gemm \u00b7 k=512"));
    // Swapping the runs' roles reverses the verdicts.
    compare->otherBox()->setCurrentIndex(0);
    compare->baselineBox()->setCurrentIndex(1);
    QCOMPARE(window.store()->baseline(), 1);
    QVERIFY2(status->text().contains("2 faster"), qPrintable(status->text()));
  }

  void everyPagePaintsAndIsSaved() {
    MainWindow window;
    QVERIFY(window.openFile(sb::gui::test::samplePath()));
    QVERIFY(window.openFile(slowed_));
    window.resize(1200, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    for (const QString& name : MainWindow::pageNames()) {
      QVERIFY(window.showPage(name));
      QCOMPARE(window.tabs()->currentWidget()->objectName(), name);
      settle();
      const QImage shot = window.grab().toImage();
      // Saved beside the test as an artifact of the CI run.
      QVERIFY(shot.save(QStringLiteral(STRATBENCH_GUI_PAGES_DIR "/page-%1.png").arg(name)));
      QVERIFY2(sb::gui::test::distinctColours(shot) >= 32, qPrintable(name + " looks blank"));
    }
    QVERIFY(!window.showPage("nonsense"));
    // Charts draw their series: the memory page's peak RSS bars in the first colour.
    window.showPage("memory");
    auto* memory = qobject_cast<sb::gui::ConfigPlotPage*>(window.page("memory"));
    const QImage plot = memory->views()[0]->grab().toImage();
    QVERIFY(sb::gui::test::countPixels(plot, sb::gui::plotColor(0)) > 200);
  }

  void sweepsAndQualityPagesOffTheirChoices() {
    MainWindow window;
    QVERIFY(window.openFile(sb::gui::test::samplePath()));
    auto* sweeps = qobject_cast<sb::gui::SweepsPage*>(window.page("sweeps"));
    QCOMPARE(sweeps->workloadBox()->currentText(), QString("gemm"));
    QCOMPARE(sweeps->paramBox()->count(), 3);  // k, m, n: 256 and 512
    // One line per strategy with an ok cell: m and n move with k, so they hold nothing fixed.
    QCOMPARE(sweeps->view()->plot().series.size(), std::size_t{5});
    sweeps->metricBox()->setCurrentIndex(1);  // p50
    QCOMPARE(sweeps->view()->plot().y.unit, QString("ms"));
    auto* quality = qobject_cast<sb::gui::ConfigPlotPage*>(window.page("quality"));
    QCOMPARE(quality->optionBox()->currentText(), QString("Rel. error"));
    QVERIFY(quality->views()[0]->plot().series.size() >= 5);
  }

  void exportWritesCsvPngAndSvg() {
    MainWindow window;
    QVERIFY(window.openFile(sb::gui::test::samplePath()));
    window.show();
    QString error;
    window.showPage("table");
    QVERIFY2(window.exportCurrent(dir_.filePath("t.csv"), &error), qPrintable(error));
    QFile csv(dir_.filePath("t.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QCOMPARE(csv.readAll().count('\n'), 13);  // header and 12 cells
    window.tablePage()->filter()->setText("blas");
    QVERIFY(window.exportCurrent(dir_.filePath("f.csv"), &error));  // what the view shows
    QFile filtered(dir_.filePath("f.csv"));
    QVERIFY(filtered.open(QIODevice::ReadOnly));
    QCOMPARE(filtered.readAll().count('\n'), 4);
    window.showPage("distributions");
    QVERIFY(window.exportCurrent(dir_.filePath("d.svg"), &error));
    QVERIFY(window.exportCurrent(dir_.filePath("d.png"), &error));
    QVERIFY(!QImage(dir_.filePath("d.png")).isNull());
    QVERIFY(!window.exportCurrent(dir_.filePath("no/dir/d.png"), &error));
  }

  void timelineShowsATracedCellAndItsStatistics() {
    MainWindow window;
    QVERIFY(window.openFile(QStringLiteral(STRATBENCH_GUI_TRACED_RUN)));
    window.show();
    QVERIFY(window.showPage("timeline"));
    auto* page = qobject_cast<sb::gui::TimelinePage*>(window.page("timeline"));
    QVERIFY(page);
    QCOMPARE(page->cellBox()->count(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(!page->busy(), 10000);
    const auto& timeline = page->view()->timeline();
    QCOMPARE(timeline.tracks.size(), std::size_t{2});
    QVERIFY(timeline.rangeCount > 100);
    // A click on the outermost range selects it and shows its name's statistics.
    QTest::mouseClick(page->view(), Qt::LeftButton, {}, QPoint(page->view()->width() / 2, 24 + 18 + 8));
    QVERIFY2(page->statistics()->text().startsWith("traced pass"), qPrintable(page->statistics()->text()));
    QVERIFY(page->statistics()->text().contains("1 ranges"));
    // Zooming in narrows the window around the anchor; Home shows it all again.
    const double span = page->view()->windowEnd() - page->view()->windowStart();
    QTest::keyClick(page->view(), Qt::Key_W);
    QVERIFY(page->view()->windowEnd() - page->view()->windowStart() < span * 0.8);
    QTest::keyClick(page->view(), Qt::Key_D);
    QTest::keyClick(page->view(), Qt::Key_Home);
    QCOMPARE(page->view()->windowEnd() - page->view()->windowStart(), span);
    // The table's Enter on a traced cell opens its timeline.
    window.showPage("table");
    window.tablePage()->view()->selectRow(0);
    QTest::keyClick(window.tablePage()->view(), Qt::Key_Return);
    QCOMPARE(window.tabs()->currentWidget(), page);
  }

  void historyPageShowsASeriesWithItsChangePoint() {
    namespace t = sb::gui::test;
    const QString db = dir_.filePath("history.db");
    t::writeHistory(db.toStdString());
    MainWindow window;
    window.show();
    QVERIFY(window.showPage("history"));
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* page = qobject_cast<sb::gui::HistoryPage*>(window.page("history"));
    QVERIFY(page);
    // A bad URL: the status names it, as plain text, and the page stays usable.
    const QString missing = dir_.filePath("missing/history.db");
    page->openUrl(missing);
    QTRY_VERIFY_WITH_TIMEOUT(!page->busy(), 10000);
    QCOMPARE(page->status()->textFormat(), Qt::PlainText);
    QVERIFY2(page->status()->text().contains(missing), qPrintable(page->status()->text()));
    QVERIFY(page->view()->plot().empty());
    // The store: its first series (the shifted cell) is read off the GUI thread and shown.
    page->openUrl(db);
    QVERIFY(page->busy());
    QTRY_VERIFY_WITH_TIMEOUT(!page->busy() && page->series().points.size() == std::size_t{t::kHistoryRuns}, 10000);
    QCOMPARE(page->seriesView()->model()->rowCount(), 2);
    QCOMPARE(page->series().key.cell_id, std::string(t::kShiftedCell));
    const sb::gui::Plot& plot = page->view()->plot();
    QCOMPARE(plot.series.size(), std::size_t{1});
    QCOMPARE(plot.series[0].points.size(), std::size_t{t::kHistoryRuns});
    QCOMPARE(plot.marks.size(), std::size_t{1});
    QVERIFY(plot.marks[0].label.startsWith("c0000007"));
    // The point named below the plot: the latest run, then the change's run by keyboard...
    QCOMPARE(page->pointLabel()->textFormat(), Qt::PlainText);
    QVERIFY(page->pointLabel()->text().contains(QString::fromStdString(t::historyCommit(t::kHistoryRuns - 1))));
    page->pointSlider()->setFocus();
    QTest::keyClick(page->pointSlider(), Qt::Key_Home);
    for (int i = 0; i < t::kShiftAt; ++i) QTest::keyClick(page->pointSlider(), Qt::Key_Right);
    const QString atChange = page->pointLabel()->text();
    QVERIFY2(atChange.contains(QString::fromStdString(t::historyCommit(t::kShiftAt))), qPrintable(atChange));
    QVERIFY(atChange.contains("first run after a change point"));
    // ... and the run under the mouse.
    const sb::gui::PlotGeometry g(plot, page->view()->rect(), page->view()->font());
    QTest::mouseMove(page->view(), QPointF(g.px(3), g.py(plot.series[0].points[3].y())).toPoint());
    QTRY_VERIFY(page->pointLabel()->text().contains(QString::fromStdString(t::historyCommit(3))));
    // The arrows on the plot walk the points too.
    page->view()->setFocus();
    QTest::keyClick(page->view(), Qt::Key_End);
    QTest::keyClick(page->view(), Qt::Key_Left);
    QCOMPARE(page->pointSlider()->value(), t::kHistoryRuns - 2);
    // Another metric, in the metrics table's display unit.
    page->metricBox()->setCurrentIndex(page->metricBox()->findData("memory.peak_rss_bytes"));
    QTRY_COMPARE_WITH_TIMEOUT(page->view()->plot().y.unit, QString("MiB"), 10000);
    // The cell selected on another page selects its series here.
    window.store()->selectCell(QString::fromLatin1(t::kSteadyCell));
    QTRY_COMPARE_WITH_TIMEOUT(page->series().key.cell_id, std::string(t::kSteadyCell), 10000);
    QVERIFY(page->view()->plot().marks.empty());
  }

  void launcherRunsAMatrixFollowsItAndOpensTheResults() {
    qputenv("STRATBENCH_BIN", STRATBENCH_CLI_BIN);
    MainWindow window;
    window.show();
    QVERIFY(window.showPage("launcher"));
    auto* page = qobject_cast<sb::gui::LauncherPage*>(window.page("launcher"));
    QVERIFY(page);
    QTRY_VERIFY(page->workloads()->count() >= 4);            // the catalog, from `list --json`
    page->workloads()->item(0)->setCheckState(Qt::Checked);  // gemm
    QCOMPARE(page->params()->rowCount(), 3);                 // m, n, k with their defaults
    for (int r = 0; r < 3; ++r) page->params()->item(r, 2)->setText(r == 0 ? "16,32" : "16");
    for (int i = 0; i < page->strategies()->count(); ++i)
      if (page->strategies()->item(i)->text() == "naive") page->strategies()->item(i)->setCheckState(Qt::Checked);
    page->output()->setText(dir_.filePath("launched/run.json"));
    QSignalSpy done(page, &sb::gui::LauncherPage::finished);
    QTest::mouseClick(page->runButton(), Qt::LeftButton);
    QVERIFY2(page->running(), qPrintable(page->status()->text()));
    QVERIFY(done.wait(120000));
    QCOMPARE(done.front().front().toInt(), 0);
    QCOMPARE(page->progress()->value(), 2);
    QCOMPARE(page->progress()->maximum(), 2);
    // The results were opened and are shown.
    QCOMPARE(window.store()->currentRun()->cells.size(), std::size_t{2});
    QVERIFY(window.store()->at(window.store()->current()).path.endsWith("launched/run.json"));
    // A bad value is reported by the dry run before anything runs.
    page->params()->item(0, 2)->setText("0");
    QTest::mouseClick(page->runButton(), Qt::LeftButton);
    QVERIFY(!page->running());
    QVERIFY2(page->status()->text().contains("m"), qPrintable(page->status()->text()));
  }

  void launcherCancelStopsAfterTheCurrentCell() {
    qputenv("STRATBENCH_BIN", STRATBENCH_CLI_BIN);
    sb::gui::LauncherPage page([](const QString&) { return true; });
    page.show();
    QTRY_VERIFY(page.workloads()->count() >= 4);
    page.workloads()->item(0)->setCheckState(Qt::Checked);
    page.params()->item(0, 2)->setText("64-1024+64");  // 16 cells
    page.output()->setText(dir_.filePath("cancelled/run.json"));
    QSignalSpy done(&page, &sb::gui::LauncherPage::finished);
    page.start();
    QVERIFY(page.running());
    QTRY_VERIFY_WITH_TIMEOUT(page.progress()->value() >= 1, 60000);
    page.cancel();
    QVERIFY(done.wait(120000));
    QVERIFY2(page.status()->text().contains("cancelled"), qPrintable(page.status()->text()));
    QVERIFY(page.progress()->value() < 16);
  }

  void hostileStringsShowAsPlainText() {
    sb::RunFile run = sb::gui::test::loadSample();
    const std::string img = "<img src=\"/dev/zero\">";
    run.run.host.cpu = img;
    run.cells[0].strategy = img;
    run.cells[1].params["k"] = std::string("<b>x</b>");
    run.cells[5].reason = img;
    const QString path = dir_.filePath("hostile.json");
    QVERIFY(sb::gui::test::writeRun(run, path.toStdString()));
    MainWindow window;
    QVERIFY(window.openFile(path));
    QVERIFY(window.openFile(sb::gui::test::samplePath()));
    window.store()->setCurrent(0);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const auto* summary = window.findChild<QLabel*>("runSummary");
    QCOMPARE(summary->textFormat(), Qt::PlainText);
    QVERIFY(summary->text().contains(QString::fromStdString(img)));
    QVERIFY(summary->toolTip().startsWith("<p style='white-space:pre'>"));  // plainToolTip
    const QString tip =
        window.tablePage()->view()->model()->index(0, CellTableModel::StrategyColumn).data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains("&lt;img src=&quot;/dev/zero&quot;&gt;"), qPrintable(tip));
    // Qt Charts would render markup in a legend: the bar set's label is escaped.
    bool escaped = false;
    for (QBarSet* set : barSeries(window)->barSets()) escaped |= set->label().startsWith("&lt;img");
    QVERIFY(escaped);
    // Every page paints (a /dev/zero read would hang here).
    for (const QString& name : MainWindow::pageNames()) {
      window.showPage(name);
      settle();
      QVERIFY(!window.grab().isNull());
    }
  }
};

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("stratbench-tests"));  // recent files away from a user's
  int failed = 0;
  {
    MainWindowTest t;
    failed += QTest::qExec(&t, argc, argv) != 0;
  }
  {
    PagesTest t;
    failed += QTest::qExec(&t, argc, argv) != 0;
  }
  return failed == 0 ? 0 : 1;
}

#include "main_window_test.moc"

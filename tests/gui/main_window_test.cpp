// MainWindow on the offscreen platform: it opens the sample, shows the table and the chart,
// follows the table's selection, paints something a person could read, and survives bad files.
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
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include "cell_table_page.hpp"
#include "image_checks.hpp"
#include "main_window.hpp"
#include "stratbench/gui/cell_table_model.hpp"
#include "test_data.hpp"
#include "throughput_chart_page.hpp"

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

QTEST_MAIN(MainWindowTest)

#include "main_window_test.moc"

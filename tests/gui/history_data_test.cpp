// The History page's data: a store's keys, one series, its change points (checked against
// what `history detect` reports, the CLI's own function) and the plot of it.
#include <algorithm>
#include <cmath>

#include <QTemporaryDir>
#include <QTest>

#include "history_test_data.hpp"
#include "qtest_registry.hpp"
#include "stratbench/gui/history_data.hpp"
#include "stratbench/reports/history_detect.hpp"

using namespace sb::gui;

class HistoryDataTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString db_;

  sb::SeriesKey keyOf(const HistorySnapshot& s, const char* cell) const {
    const auto it =
        std::find_if(s.keys.begin(), s.keys.end(), [&](const sb::SeriesKey& k) { return k.cell_id == cell; });
    return it == s.keys.end() ? sb::SeriesKey{} : *it;
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    db_ = dir_.filePath("history.db");
    sb::gui::test::writeHistory(db_.toStdString());
  }

  void loadsKeysAndRuns() {
    const HistorySnapshot s = loadHistory(db_);
    QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
    QCOMPARE(s.url, db_);
    QCOMPARE(s.runs.size(), std::size_t{sb::gui::test::kHistoryRuns});
    QCOMPARE(s.keys.size(), std::size_t{2});
    QCOMPARE(s.keys[0].strategy, std::string("blocked"));  // the store's order
    QCOMPARE(s.keys[0].params, std::string("m=64"));
    QCOMPARE(seriesLabel(s.keys[0]), QString("gemm blocked m=64 cpu"));
  }

  void aMissingStoreIsAnErrorNamingIt() {
    const QString missing = dir_.filePath("nowhere/history.db");
    const HistorySnapshot s = loadHistory(missing);
    QVERIFY(s.keys.empty());
    QVERIFY2(s.error.contains(missing), qPrintable(s.error));
    QVERIFY(!QFile::exists(missing));  // reading never creates a store
    const HistorySeries series = loadHistorySeries(missing, {}, "latency_ms.p50");
    QVERIFY2(series.error.contains(missing), qPrintable(series.error));
    QVERIFY(historyPlot(series).empty());
    QCOMPARE(historyPlot(series).emptyText, series.error);
  }

  void notADatabaseIsAnErrorNamingIt() {
    const QString junk = dir_.filePath("junk.db");
    QFile f(junk);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(4096, 'x'));
    f.close();
    const HistorySnapshot s = loadHistory(junk);
    QVERIFY2(s.error.contains(junk), qPrintable(s.error));
  }

  void theShiftIsTheChangePointTheCliFinds() {
    const HistorySnapshot snap = loadHistory(db_);
    const sb::SeriesKey key = keyOf(snap, sb::gui::test::kShiftedCell);
    const HistorySeries s = loadHistorySeries(db_, key, "latency_ms.p50");
    QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
    QCOMPARE(s.points.size(), std::size_t{sb::gui::test::kHistoryRuns});
    QCOMPARE(s.points[3].commit, sb::gui::test::historyCommit(3));
    QCOMPARE(s.points[3].started, std::string("2026-03-01T03:00:00Z"));
    QVERIFY(std::abs(s.points[0].value - 2.0) < 0.05);  // ms, from the raw samples
    QVERIFY(std::abs(s.points.back().value - 2.6) < 0.05);
    QCOMPARE(s.changes.size(), std::size_t{1});
    QCOMPARE(s.changes[0].index, std::size_t{sb::gui::test::kShiftAt});
    QCOMPARE(s.changes[0].commit, sb::gui::test::historyCommit(sb::gui::test::kShiftAt));
    QVERIFY(std::abs(s.changes[0].relative_change - 0.3) < 0.02);
    // What `stratbench history detect --cell ID` reports, from the same store.
    const auto store = sb::open_history_store(db_.toStdString(), sb::HistoryOpen::existing);
    sb::DetectOptions o;
    o.cell_id = key.cell_id;
    const sb::DetectReport cli = sb::detect_changes(*store, o);
    QCOMPARE(cli.changes.size(), std::size_t{1});
    QCOMPARE(s.changes[0].index, cli.changes[0].index);
    QCOMPARE(s.changes[0].p_value, cli.changes[0].p_value);
    // The steady cell has none.
    QVERIFY(loadHistorySeries(db_, keyOf(snap, sb::gui::test::kSteadyCell), "latency_ms.p50").changes.empty());
  }

  void thePlotShowsTheSeriesAndMarksTheChange() {
    const sb::SeriesKey key = keyOf(loadHistory(db_), sb::gui::test::kShiftedCell);
    const HistorySeries s = loadHistorySeries(db_, key, "latency_ms.p50");
    const Plot plot = historyPlot(s);
    QCOMPARE(plot.series.size(), std::size_t{1});
    QCOMPARE(plot.series[0].kind, SeriesKind::line);
    QCOMPARE(plot.series[0].points.size(), std::size_t{sb::gui::test::kHistoryRuns});
    QCOMPARE(plot.series[0].points[2].x(), 2.0);
    QCOMPARE(plot.series[0].points[2].y(), s.points[2].value);
    QCOMPARE(plot.x.categories.size(), sb::gui::test::kHistoryRuns);
    QCOMPARE(plot.x.categories[5], QString("c0000005"));
    QCOMPARE(plot.y.unit, QString("ms"));
    QVERIFY(plot.y.lo <= 2.0 && plot.y.hi >= 2.6);
    QCOMPARE(plot.marks.size(), std::size_t{1});
    QVERIFY(plot.marks[0].vertical);
    QCOMPARE(plot.marks[0].at, sb::gui::test::kShiftAt - 0.5);  // between the runs either side
    QVERIFY2(plot.marks[0].label.startsWith("c0000007 +3"), qPrintable(plot.marks[0].label));
    QVERIFY2(plot.note.contains(QString::fromStdString(key.host_fingerprint)), qPrintable(plot.note));
    QVERIFY(plot.note.contains("12 runs"));
    const QString point = describeHistoryPoint(s, sb::gui::test::kShiftAt);
    QVERIFY2(point.contains(QString::fromStdString(sb::gui::test::historyCommit(sb::gui::test::kShiftAt))),
             qPrintable(point));
    QVERIFY(point.contains("first run after a change point"));
    QVERIFY(describeHistoryPoint(s, 99).isEmpty());
  }

  void unitsFollowTheMetricsTable() {
    const sb::SeriesKey key = keyOf(loadHistory(db_), sb::gui::test::kSteadyCell);
    const Plot memory = historyPlot(loadHistorySeries(db_, key, "memory.peak_rss_bytes"));
    QCOMPARE(memory.y.unit, QString("MiB"));
    QCOMPARE(memory.series[0].points[0].y(), 12.0);
    const HistorySeries throughput = loadHistorySeries(db_, key, "throughput.value");
    QVERIFY2(throughput.error.isEmpty(), qPrintable(throughput.error));
    QCOMPARE(throughput.cellUnit, std::string("GFLOP/s"));  // the cells' own unit
    QCOMPARE(historyPlot(throughput).y.unit, QString("GFLOP/s"));
    QVERIFY(historyPlot(throughput).y.title.contains("higher is better"));
    // A metric no run has: an empty plot that says so, not an error.
    const HistorySeries none = loadHistorySeries(db_, key, "counters.flops");
    QVERIFY2(none.error.isEmpty(), qPrintable(none.error));
    QVERIFY(historyPlot(none).empty());
    QVERIFY(!historyPlot(none).emptyText.isEmpty());
  }
};

SB_GUI_REGISTER_TEST(HistoryDataTest);

#include "history_data_test.moc"

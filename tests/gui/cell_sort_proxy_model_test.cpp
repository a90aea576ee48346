// CellSortProxyModel: numeric order for numbers, absent values last in both directions,
// parameter sets in numeric order.
#include <QAbstractItemModelTester>
#include <QTest>

#include "qtest_registry.hpp"
#include "stratbench/gui/cell_sort_proxy_model.hpp"
#include "stratbench/gui/cell_table_model.hpp"
#include "test_data.hpp"

using sb::gui::CellSortProxyModel;
using sb::gui::CellTableModel;

class CellSortProxyModelTest : public QObject {
  Q_OBJECT

 private:
  sb::RunFile sample_;

  static QStringList column(const QAbstractItemModel& model, int column) {
    QStringList out;
    for (int row = 0; row < model.rowCount(); ++row) out << model.index(row, column).data().toString();
    return out;
  }

 private Q_SLOTS:
  void initTestCase() { sample_ = sb::gui::test::loadSample(); }

  void passesModelTesterWhileSorting() {
    CellTableModel model;
    CellSortProxyModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setRun(sample_);
    for (int c = 0; c < CellTableModel::ColumnCount; ++c) {
      proxy.sort(c, Qt::AscendingOrder);
      proxy.sort(c, Qt::DescendingOrder);
    }
    model.setRun(sb::RunFile{});
    model.setRun(sample_);
    QCOMPARE(proxy.rowCount(), 12);
  }

  void throughputAscendingIsNumericWithAbsentLast() {
    CellTableModel model;
    model.setRun(sample_);
    CellSortProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.sort(CellTableModel::ThroughputColumn, Qt::AscendingOrder);
    // As text, "23.20" would come before "3.940"; as numbers it does not.
    QCOMPARE(column(proxy, CellTableModel::ThroughputColumn),
             (QStringList{"0.5900 GFLOP/s", "1.120 GFLOP/s", "3.940 GFLOP/s", "4.300 GFLOP/s", "23.20 GFLOP/s",
                          "24.49 GFLOP/s", "43.29 GFLOP/s", "45.46 GFLOP/s", "78.66 GFLOP/s", "94.33 GFLOP/s", "\u2014",
                          "\u2014"}));
    // Absent values keep the run's order among themselves: failed fp16, then skipped cuda.
    QCOMPARE(proxy.index(10, CellTableModel::StatusColumn).data().toString(), QString("failed"));
    QCOMPARE(proxy.index(11, CellTableModel::StatusColumn).data().toString(), QString("skipped"));
  }

  void latencyDescendingKeepsAbsentLast() {
    CellTableModel model;
    model.setRun(sample_);
    CellSortProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.sort(CellTableModel::LatencyP50Column, Qt::DescendingOrder);
    QCOMPARE(column(proxy, CellTableModel::LatencyP50Column),
             (QStringList{"452.7", "68.20", "29.88", "11.57", "7.801", "5.905", "2.846", "1.370", "0.7751", "0.4266",
                          "\u2014", "\u2014"}));
  }

  void everyNumericColumnIsMonotonic() {
    CellTableModel model;
    model.setRun(sample_);
    CellSortProxyModel proxy;
    proxy.setSourceModel(&model);
    for (int c : {CellTableModel::LatencyP50Column, CellTableModel::ThroughputColumn, CellTableModel::PeakRssColumn,
                  CellTableModel::CvColumn, CellTableModel::RelErrorColumn}) {
      for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
        proxy.sort(c, order);
        double previous = order == Qt::AscendingOrder ? -1e300 : 1e300;
        bool seenAbsent = false;
        for (int row = 0; row < proxy.rowCount(); ++row) {
          const QVariant v = proxy.index(row, c).data(CellTableModel::SortRole);
          if (!v.isValid()) {
            seenAbsent = true;
            continue;
          }
          QVERIFY2(!seenAbsent, "a measured value after an absent one");
          QVERIFY(order == Qt::AscendingOrder ? v.toDouble() >= previous : v.toDouble() <= previous);
          previous = v.toDouble();
        }
        QVERIFY(seenAbsent);
      }
    }
  }

  void paramsSortByNumberNotByText() {
    using sb::gui::test::okCell;
    sb::RunFile run;
    run.cells = {okCell("gemm", "naive", {{"n", std::int64_t{1024}}}, 1),
                 okCell("gemm", "naive", {{"n", std::int64_t{96}}}, 1),
                 okCell("gemm", "naive", {{"n", std::int64_t{512}}}, 1)};
    CellTableModel model;
    model.setRun(run);
    CellSortProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.sort(CellTableModel::ParamsColumn, Qt::AscendingOrder);
    QCOMPARE(column(proxy, CellTableModel::ParamsColumn), (QStringList{"n=96", "n=512", "n=1024"}));
  }

  void unsortedKeepsRunOrder() {
    CellTableModel model;
    model.setRun(sample_);
    CellSortProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.sort(CellTableModel::ThroughputColumn, Qt::AscendingOrder);
    proxy.sort(-1);
    for (int row = 0; row < proxy.rowCount(); ++row) QCOMPARE(proxy.mapToSource(proxy.index(row, 0)).row(), row);
  }

  // A run of GEMM and decode: GFLOP/s and tokens/s are grouped by unit, never interleaved by
  // magnitude, in both directions.
  void throughputsOfTwoUnitsDoNotInterleave() {
    sb::RunFile run;
    using sb::gui::test::okCell;
    run.cells = {okCell("gemm", "a", {}, 50), okCell("decode", "a", {}, 20, "tokens/s"), okCell("gemm", "b", {}, 10),
                 okCell("decode", "b", {}, 200, "tokens/s"), okCell("gemm", "c", {}, 100)};
    CellTableModel model;
    model.setRun(run);
    CellSortProxyModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::Fatal);
    for (const Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
      proxy.sort(CellTableModel::ThroughputColumn, order);
      QStringList units;
      for (int r = 0; r < proxy.rowCount(); ++r)
        units << proxy.index(r, CellTableModel::ThroughputColumn).data(CellTableModel::UnitRole).toString();
      units.removeDuplicates();
      QCOMPARE(units.size(), 2);  // each unit in one block
      QStringList values = column(proxy, CellTableModel::ThroughputColumn);
      if (order == Qt::AscendingOrder)
        QCOMPARE(values,
                 (QStringList{"10.00 GFLOP/s", "50.00 GFLOP/s", "100.0 GFLOP/s", "20.00 tokens/s", "200.0 tokens/s"}));
    }
  }

  void filterKeepsRowsWithEveryWord() {
    CellTableModel model;
    model.setRun(sample_);
    CellSortProxyModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::Fatal);
    proxy.setTextFilter(QStringLiteral("SIMD  512"));  // case-insensitive, words in any column
    QCOMPARE(column(proxy, CellTableModel::StrategyColumn), (QStringList{"blocked+simd", "blocked+simd+threads=2"}));
    proxy.setTextFilter(QStringLiteral("tolerance"));  // the failure reason is searched too
    QCOMPARE(column(proxy, CellTableModel::StrategyColumn), QStringList{"fp16"});
    proxy.setTextFilter(QStringLiteral("cuda skipped"));
    QCOMPARE(proxy.rowCount(), 1);
    proxy.setTextFilter(QString());
    QCOMPARE(proxy.rowCount(), 12);
  }
};

SB_GUI_REGISTER_TEST(CellSortProxyModelTest);

#include "cell_sort_proxy_model_test.moc"

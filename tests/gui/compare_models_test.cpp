// CompareListModel and CompareHeatmapModel: the rows of reports/compare (the CLI's
// function) as a list and as strategies × configurations, under QAbstractItemModelTester.
#include <QAbstractItemModelTester>
#include <QColor>
#include <QTest>

#include "qtest_registry.hpp"
#include "stratbench/gui/cell_sort_proxy_model.hpp"
#include "stratbench/gui/compare_models.hpp"
#include "test_data.hpp"

using sb::gui::CompareHeatmapModel;
using sb::gui::CompareListModel;

class CompareModelsTest : public QObject {
  Q_OBJECT

 private:
  sb::CompareResult result_;

 private Q_SLOTS:
  void initTestCase() {
    // "blocked" 20% slower in the new run; everything else identical.
    result_ = sb::compare_runs(sb::gui::test::loadSample(), sb::gui::test::slowedSample("blocked", 1.2));
    QCOMPARE(result_.rows.size(), std::size_t{12});
  }

  void listHoldsTheComparisonAndSortsNumerically() {
    CompareListModel model;
    sb::gui::CellSortProxyModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setResult(result_);
    QCOMPARE(model.rowCount(), 12);
    QCOMPARE(model.columnCount(), int(CompareListModel::ColumnCount));
    proxy.sort(CompareListModel::RatioColumn, Qt::DescendingOrder);
    // The two slowed cells on top, each 1.2x and "slower"; not-compared cells last.
    for (int r = 0; r < 2; ++r) {
      QCOMPARE(proxy.index(r, CompareListModel::StrategyColumn).data().toString(), QString("blocked"));
      QCOMPARE(proxy.index(r, CompareListModel::RatioColumn).data().toString(), QString("1.200\u00d7"));
      QCOMPARE(proxy.index(r, CompareListModel::VerdictColumn).data().toString(), QString("slower"));
    }
    QCOMPARE(proxy.index(11, CompareListModel::VerdictColumn).data().toString(), QString("not compared"));
    // The same numbers as the CLI's function, and the id for the shared selection.
    const int row = model.rowOf(QString::fromStdString(result_.rows[1].id));
    QCOMPARE(row, 1);
    QCOMPARE(model.index(row, CompareListModel::QColumn).data(sb::gui::CompareSortRole).toDouble(),
             *result_.rows[1].q_bh);
    QCOMPARE(model.index(row, 0).data(sb::gui::CellIdRole).toString(), QString::fromStdString(result_.rows[1].id));
    for (int c = 0; c < model.columnCount(); ++c) proxy.sort(c, Qt::AscendingOrder);
    model.setResult({});
    QCOMPARE(proxy.rowCount(), 0);
  }

  void heatmapIsStrategiesByConfigurations() {
    CompareHeatmapModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setResult(result_);
    // Devices differ (cpu, cuda): each row names its device. Two GEMM sizes.
    QCOMPARE(model.columnCount(), 2);
    QCOMPARE(model.rowCount(), 7);
    QCOMPARE(model.headerData(0, Qt::Horizontal).toString(), QString("gemm \u00b7 k=256,m=256,n=256"));
    QCOMPARE(model.headerData(1, Qt::Vertical).toString(), QString("blocked (cpu)"));
    QCOMPARE(model.index(1, 0).data().toString(), QString("1.20 \u25b2"));
    const QColor slow = model.index(1, 0).data(Qt::BackgroundRole).value<QColor>();
    QVERIFY(slow.red() > slow.blue() + 60);  // strong red: decided and 20%
    const QColor same = model.index(0, 0).data(Qt::BackgroundRole).value<QColor>();
    QVERIFY(same.red() > 240 && same.green() > 240 && same.blue() > 240);  // pale: nothing to see
    // Holes where a strategy did not run with a configuration: no data, no comparison.
    QVERIFY(model.comparisonAt(6, 0) == nullptr);
    QVERIFY(!model.index(6, 0).data().isValid());
    QCOMPARE(model.indexOf(model.index(1, 0).data(sb::gui::CellIdRole).toString()), model.index(1, 0));
    QVERIFY(sb::gui::test::tooltipText(model.index(1, 0).data(Qt::ToolTipRole)).contains("1.20\u00d7 slower"));
  }
};

SB_GUI_REGISTER_TEST(CompareModelsTest);

#include "compare_models_test.moc"

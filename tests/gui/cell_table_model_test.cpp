// CellTableModel on the sample run: model invariants, shape, display text, absent metrics.
#include <QAbstractItemModelTester>
#include <QColor>
#include <QTest>

#include "qtest_registry.hpp"
#include "stratbench/gui/cell_table_model.hpp"
#include "stratbench/gui/number_format.hpp"
#include "test_data.hpp"

using sb::gui::CellTableModel;

class CellTableModelTest : public QObject {
  Q_OBJECT

 private:
  sb::RunFile sample_;

  static QString text(const CellTableModel& model, int row, int column) {
    return model.index(row, column).data(Qt::DisplayRole).toString();
  }

 private Q_SLOTS:
  void initTestCase() { sample_ = sb::gui::test::loadSample(); }

  void passesModelTesterThroughResets() {
    CellTableModel model;
    // Fatal: any broken invariant aborts the test at the call that broke it.
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setRun(sample_);
    model.setRun(sb::RunFile{});
    model.setRun(sample_);
    QCOMPARE(model.rowCount(), 12);
  }

  void shape() {
    CellTableModel model;
    QCOMPARE(model.rowCount(), 0);
    model.setRun(sample_);
    QCOMPARE(model.rowCount(), static_cast<int>(sample_.cells.size()));
    QCOMPARE(model.columnCount(), int(CellTableModel::ColumnCount));
    QCOMPARE(model.columnCount(), 14);
    // A table: no cell has children.
    QCOMPARE(model.rowCount(model.index(0, 0)), 0);
    QCOMPARE(model.columnCount(model.index(0, 0)), 0);
    QVERIFY(model.cellAt(0) != nullptr);
    QVERIFY(model.cellAt(-1) == nullptr);
    QVERIFY(model.cellAt(12) == nullptr);
  }

  void headers() {
    CellTableModel model;
    QStringList headers;
    for (int c = 0; c < model.columnCount(); ++c) headers << model.headerData(c, Qt::Horizontal).toString();
    QCOMPARE(headers, (QStringList{"Workload", "Strategy", "Params", "Device", "Status", "p50 (ms)", "Throughput",
                                   "Peak RSS (MiB)", "CV", "Rel. error", "Top-1", "KL", "Stopping", "Reason"}));
    QVERIFY(!model.headerData(CellTableModel::CvColumn, Qt::Horizontal, Qt::ToolTipRole).toString().isEmpty());
    // Headings and tooltips come from the metrics table; the tooltip names the heading's unit.
    QCOMPARE(model.headerData(CellTableModel::PeakRssColumn, Qt::Horizontal, Qt::ToolTipRole).toString(),
             QString("Peak resident set size of the cell process, in MiB"));
    QCOMPARE(model.headerData(CellTableModel::LatencyP50Column, Qt::Horizontal, Qt::ToolTipRole).toString(),
             QString("Median time of one iteration over all samples, in ms"));
  }

  void stoppingAndReasonColumns() {
    CellTableModel model;
    model.setRun(sample_);
    // Row 0 reached its 1% target at 0.34%; row 5 failed, and says why in its own column.
    QCOMPARE(text(model, 0, CellTableModel::StoppingColumn), QString("target 1.00% reached at 0.34%"));
    QCOMPARE(model.index(0, CellTableModel::StoppingColumn).data(CellTableModel::SortRole).toDouble(), 0.0034);
    QVERIFY(text(model, 5, CellTableModel::ReasonColumn).contains("exceeds tolerance"));
    QCOMPARE(text(model, 0, CellTableModel::ReasonColumn), QString());
    // Throughput tells its unit apart for sorting; p50's unit is the heading's.
    QCOMPARE(model.index(0, CellTableModel::ThroughputColumn).data(CellTableModel::UnitRole).toString(),
             QString("GFLOP/s"));
    QVERIFY(!model.index(0, CellTableModel::LatencyP50Column).data(CellTableModel::UnitRole).isValid());
  }

  void displaysAnOkCell() {
    CellTableModel model;
    model.setRun(sample_);
    // Row 0: gemm naive 256, p50 29.883 ms, 1.12 GFLOP/s, 7233536 B, cv 0.00818.
    QCOMPARE(text(model, 0, CellTableModel::WorkloadColumn), QString("gemm"));
    QCOMPARE(text(model, 0, CellTableModel::StrategyColumn), QString("naive"));
    QCOMPARE(text(model, 0, CellTableModel::ParamsColumn), QString("k=256,m=256,n=256"));
    QCOMPARE(text(model, 0, CellTableModel::DeviceColumn), QString("cpu"));
    QCOMPARE(text(model, 0, CellTableModel::StatusColumn), QString("ok"));
    QCOMPARE(text(model, 0, CellTableModel::LatencyP50Column), QString("29.88"));
    QCOMPARE(text(model, 0, CellTableModel::ThroughputColumn), QString("1.120 GFLOP/s"));
    QCOMPARE(text(model, 0, CellTableModel::PeakRssColumn), QString("6.9"));
    QCOMPARE(text(model, 0, CellTableModel::CvColumn), QString("0.82%"));
    QCOMPARE(text(model, 0, CellTableModel::RelErrorColumn), QString("1.35e-07"));
    // A GEMM has no next-token distributions: absent, not zero.
    QCOMPARE(text(model, 0, CellTableModel::Top1Column), sb::gui::absentMark());
    QCOMPARE(text(model, 0, CellTableModel::KlColumn), sb::gui::absentMark());
    // Row 3: the strategy with a composed knob keeps its spelling.
    QCOMPARE(text(model, 3, CellTableModel::StrategyColumn), QString("blocked+simd+threads=2"));
    QCOMPARE(text(model, 11, CellTableModel::DeviceColumn), QString("cuda"));
  }

  void numericColumnsSortByNumber() {
    CellTableModel model;
    model.setRun(sample_);
    const QVariant p50 = model.index(0, CellTableModel::LatencyP50Column).data(CellTableModel::SortRole);
    QCOMPARE(p50.typeId(), int(QMetaType::Double));
    QCOMPARE(p50.toDouble(), 29.883);
    QCOMPARE(model.index(0, CellTableModel::ThroughputColumn).data(CellTableModel::SortRole).toDouble(), 1.12);
    QCOMPARE(model.index(0, CellTableModel::CvColumn).data(CellTableModel::SortRole).toDouble(), 0.00818);
    QCOMPARE(model.index(0, CellTableModel::PeakRssColumn).data(CellTableModel::SortRole).toDouble(),
             7233536.0 / (1024 * 1024));
    QCOMPARE(model.index(0, CellTableModel::LatencyP50Column).data(Qt::TextAlignmentRole).toInt(),
             int(Qt::AlignRight | Qt::AlignVCenter));
  }

  void absentMetricsShowADashAndNoSortValue() {
    CellTableModel model;
    model.setRun(sample_);
    for (int row : {5, 11}) {  // the failed fp16 cell and the skipped cuda cell
      for (int column : {CellTableModel::LatencyP50Column, CellTableModel::ThroughputColumn,
                         CellTableModel::PeakRssColumn, CellTableModel::CvColumn, CellTableModel::RelErrorColumn,
                         CellTableModel::Top1Column, CellTableModel::KlColumn}) {
        QCOMPARE(text(model, row, column), sb::gui::absentMark());
        QVERIFY(!model.index(row, column).data(CellTableModel::SortRole).isValid());
      }
    }
  }

  void qualityOfAnLlmCellSitsNextToItsSpeed() {
    sb::Cell int8 = sb::gui::test::okCell("decode", "simd+int8", {{"model", std::string("tiny")}}, 1275, "tokens/s");
    int8.metrics.quality.rel_error = 0.04477;
    int8.metrics.quality.top1_agreement = 0.9375;
    int8.metrics.quality.kl = 0.00015239;
    sb::Cell fp32 = int8;
    fp32.metrics.quality.rel_error = 0.0;  // identical output is a measurement, not an absence
    fp32.metrics.quality.top1_agreement = 1.0;
    fp32.metrics.quality.kl = 0.0;
    sb::RunFile run;
    run.cells = {int8, fp32};
    CellTableModel model;
    model.setRun(run);
    QCOMPARE(text(model, 0, CellTableModel::RelErrorColumn), QString("0.04477"));
    QCOMPARE(text(model, 0, CellTableModel::Top1Column), QString("93.75%"));
    QCOMPARE(text(model, 0, CellTableModel::KlColumn), QString("0.0001524"));
    QCOMPARE(text(model, 1, CellTableModel::RelErrorColumn), QString("0"));
    QCOMPARE(text(model, 1, CellTableModel::Top1Column), QString("100.00%"));
    QCOMPARE(model.index(0, CellTableModel::Top1Column).data(CellTableModel::SortRole).toDouble(), 0.9375);
    QCOMPARE(model.index(1, CellTableModel::KlColumn).data(CellTableModel::SortRole).typeId(), int(QMetaType::Double));
    QCOMPARE(model.index(0, CellTableModel::KlColumn).data(Qt::TextAlignmentRole).toInt(),
             int(Qt::AlignRight | Qt::AlignVCenter));
    QVERIFY(!model.headerData(CellTableModel::KlColumn, Qt::Horizontal, Qt::ToolTipRole).toString().isEmpty());
  }

  void statusColoursAndReasons() {
    CellTableModel model;
    model.setRun(sample_);
    const QModelIndex failed = model.index(5, CellTableModel::StatusColumn);
    QCOMPARE(failed.data().toString(), QString("failed"));
    const QVariant failedColour = failed.data(Qt::ForegroundRole);
    QVERIFY(failedColour.canConvert<QColor>());
    QVERIFY(failedColour.value<QColor>().red() > failedColour.value<QColor>().green());
    QVERIFY(sb::gui::test::tooltipText(failed.data(Qt::ToolTipRole)).contains("exceeds tolerance"));
    QVERIFY(model.index(11, CellTableModel::StatusColumn).data(Qt::ForegroundRole).isValid());
    QVERIFY(sb::gui::test::tooltipText(model.index(11, 0).data(Qt::ToolTipRole)).startsWith("skipped: no CUDA device"));
    // ok cells keep the palette's colour and have nothing to explain.
    QVERIFY(!model.index(0, CellTableModel::StatusColumn).data(Qt::ForegroundRole).isValid());
    QVERIFY(!model.index(0, 0).data(Qt::ToolTipRole).isValid());
    // The strategy and params, which the page may elide, are whole in their tooltip, with the
    // reason after them when there is one.
    QCOMPARE(sb::gui::test::tooltipText(model.index(3, CellTableModel::StrategyColumn).data(Qt::ToolTipRole)),
             QString("blocked+simd+threads=2"));
    const QString failedParams =
        sb::gui::test::tooltipText(model.index(5, CellTableModel::ParamsColumn).data(Qt::ToolTipRole));
    QVERIFY(failedParams.startsWith(text(model, 5, CellTableModel::ParamsColumn) + "\nfailed: "));
    // Only the status column is coloured, so the numbers stay readable.
    QVERIFY(!model.index(5, CellTableModel::StrategyColumn).data(Qt::ForegroundRole).isValid());
  }

  void timeoutIsColouredDifferentlyFromFailed() {
    sb::RunFile run;
    sb::Cell timeout = sb::gui::test::okCell("decode", "baseline", {{"batch", std::int64_t{1}}}, 10);
    timeout.status = sb::CellStatus::timeout;
    timeout.reason = "no result within 60 s";
    sb::Cell failed = timeout;
    failed.status = sb::CellStatus::failed;
    run.cells = {timeout, failed};
    CellTableModel model;
    model.setRun(run);
    const auto colour = [&](int row) {
      return model.index(row, CellTableModel::StatusColumn).data(Qt::ForegroundRole).value<QColor>();
    };
    QVERIFY(colour(0).isValid());
    QVERIFY(colour(0) != colour(1));
  }
};

SB_GUI_REGISTER_TEST(CellTableModelTest);

#include "cell_table_model_test.moc"

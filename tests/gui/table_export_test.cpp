// modelToCsv: headers, display text, RFC 4180 quoting of commas, quotes and line breaks.
#include <QStandardItemModel>
#include <QTest>

#include "qtest_registry.hpp"
#include "stratbench/gui/cell_table_model.hpp"
#include "stratbench/gui/table_export.hpp"
#include "test_data.hpp"

class TableExportTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void quotesWhatNeedsIt() {
    sb::RunFile run;
    run.cells = {sb::gui::test::okCell("gemm", "say \"hi\"", {{"m", std::int64_t{1}}, {"n", std::int64_t{2}}}, 1.5)};
    run.cells[0].reason = "line one\nline two";
    sb::gui::CellTableModel model;
    model.setRun(run);
    const QString csv = sb::gui::modelToCsv(model);
    const QStringList lines = csv.split(QStringLiteral("\r\n"));
    QVERIFY(lines[0].startsWith("Workload,Strategy,Params,Device,Status,p50 (ms),Throughput"));
    QVERIFY2(lines[1].startsWith("gemm,\"say \"\"hi\"\"\",\"m=1,n=2\",cpu,ok,"), qPrintable(lines[1]));
    QVERIFY(csv.contains("\"line one\nline two\""));
    QVERIFY(csv.endsWith("\r\n"));
  }
};

SB_GUI_REGISTER_TEST(TableExportTest);

#include "table_export_test.moc"

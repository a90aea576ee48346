// The launcher's data: the catalog `stratbench list --json` prints, the run command line a
// choice makes, a run's progress from a partly written JSONL log, the dry run's count.
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "qtest_registry.hpp"
#include "stratbench/gui/launch.hpp"

using namespace sb::gui;

class LaunchTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void parsesTheRealCatalog() {
    QProcess list;
    list.start(QStringLiteral(STRATBENCH_CLI_BIN), {"list", "--json"});
    QVERIFY(list.waitForFinished(30000));
    Catalog c;
    QString error;
    QVERIFY2(parseCatalog(list.readAllStandardOutput(), &c, &error), qPrintable(error));
    QCOMPARE(c.workloads.front().name, QString("gemm"));
    QCOMPARE(c.workloads.front().unit, QString("GFLOP/s"));
    QCOMPARE(c.workloads.front().params.front().name, QString("m"));
    QCOMPARE(c.workloads.front().params.front().kind, QString("integer"));
    QVERIFY(c.presets.contains("blocked"));
    QVERIFY(!parseCatalog("{\"schema\": \"other\"}", &c, &error));
    QVERIFY(error.contains("schema"));
    QVERIFY(!parseCatalog("not json", &c, &error));
  }

  void runArgumentsFromAChoice() {
    LaunchSpec s;
    s.workloads = {"gemm"};
    s.strategies = {"naive", "blocked+simd"};
    s.params = {{"m", "64,128"}, {"n", " "}, {"k", "32"}};
    s.output = "out/r.json";
    s.budget = 0.5;
    QCOMPARE(runArguments(s), (QStringList{"run", "-w", "gemm", "-s", "naive,blocked+simd", "-p", "m=64,128", "-p",
                                           "k=32", "--budget", "0.5", "-o", "out/r.json"}));
  }

  void progressReadsCompleteLinesOnly() {
    QTemporaryDir dir;
    const QString path = dir.filePath("r.jsonl");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{\"type\":\"header\",\"run\":{}}\n");
    f.write(
        "{\"type\":\"cell\",\"cell\":{\"workload\":\"gemm\",\"strategy\":\"naive\",\"params\":{\"m\":64},\"status\":"
        "\"ok\"}}\n");
    f.write(
        "{\"type\":\"cell\",\"cell\":{\"workload\":\"gemm\",\"strategy\":\"fp16\",\"params\":{\"m\":64},\"status\":"
        "\"failed\"}}\n");
    f.write("{\"type\":\"cell\",\"cell\":{\"workl");  // being written
    f.close();
    const RunProgress p = readRunProgress(path);
    QCOMPARE(p.done, 2);
    QCOMPARE(p.ok, 1);
    QCOMPARE(p.failed, 1);
    QCOMPARE(p.lastCell, QString("gemm fp16 m=64"));
    QCOMPARE(readRunProgress(dir.filePath("missing.jsonl")).done, 0);
    QCOMPARE(dryRunCellCount("id  workload\n...\n\n12 cells, 10 to run, 2 skipped (dry run)\n"), 12);
    QCOMPARE(dryRunCellCount("1 cell, 1 to run, 0 skipped (dry run)"), 1);
    QCOMPARE(dryRunCellCount("nothing"), -1);
  }
};

SB_GUI_REGISTER_TEST(LaunchTest);

#include "launch_test.moc"

// RunStore: several runs open at once, the baseline and the shown run, the shared cell
// selection, reloading a file that changed on disk, and bad files that change nothing.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "qtest_registry.hpp"
#include "stratbench/gui/run_list_model.hpp"
#include "stratbench/gui/run_store.hpp"
#include "test_data.hpp"

#include <nlohmann/json.hpp>

#include "stratbench/result/result_json.hpp"

#include <QAbstractItemModelTester>

using sb::gui::RunStore;

class RunStoreTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;

 private Q_SLOTS:
  void initTestCase() { QVERIFY(dir_.isValid()); }

  void opensSeveralRunsFirstIsTheBaseline() {
    RunStore store;
    sb::gui::RunListModel list(&store);
    QAbstractItemModelTester tester(&list, QAbstractItemModelTester::FailureReportingMode::Fatal);
    const std::string b = dir_.filePath("b.json").toStdString();
    QVERIFY(sb::gui::test::writeRun(sb::gui::test::slowedSample("blocked", 1.2), b));
    QSignalSpy current(&store, &RunStore::currentChanged);
    QVERIFY(store.open(sb::gui::test::samplePath()));
    QVERIFY(store.open(QString::fromStdString(b)));
    QCOMPARE(store.count(), 2);
    QCOMPARE(store.baseline(), 0);
    QCOMPARE(store.current(), 1);
    QCOMPARE(current.count(), 2);
    QCOMPARE(list.rowCount(), 2);
    QCOMPARE(list.index(0, sb::gui::RunListModel::RoleColumn).data().toString(), QString("baseline"));
    QCOMPARE(list.index(1, sb::gui::RunListModel::RoleColumn).data().toString(), QString("shown"));
    // Opening a file again reloads it in place.
    QVERIFY(store.open(sb::gui::test::samplePath()));
    QCOMPARE(store.count(), 2);
    QCOMPARE(store.current(), 0);
    store.setBaseline(1);
    QCOMPARE(list.index(1, sb::gui::RunListModel::RoleColumn).data().toString(), QString("baseline"));
    store.close(0);
    QCOMPARE(store.count(), 1);
    QCOMPARE(store.baseline(), 0);
    QCOMPARE(store.current(), 0);
    store.close(0);
    QCOMPARE(store.current(), -1);
    QVERIFY(store.currentRun() == nullptr);
  }

  void aBadFileChangesNothing() {
    RunStore store;
    QVERIFY(store.open(sb::gui::test::samplePath()));
    QString error;
    QVERIFY(!store.open(dir_.filePath("missing.json"), &error));
    QVERIFY2(error.contains("missing.json"), qPrintable(error));
    QCOMPARE(store.count(), 1);
    QCOMPARE(store.current(), 0);
  }

  void selectionIsByCellIdAcrossRuns() {
    RunStore store;
    QVERIFY(store.open(sb::gui::test::samplePath()));
    QSignalSpy selected(&store, &RunStore::cellSelected);
    const sb::RunFile other = sb::gui::test::slowedSample("blocked", 1.2);
    store.selectCell(QString::fromStdString(other.cells[3].id));
    QCOMPARE(selected.count(), 1);
    store.selectCell(QString::fromStdString(other.cells[3].id));  // no change, no signal
    QCOMPARE(selected.count(), 1);
    // The same id names the same cell in both runs.
    QCOMPARE(store.selectedCellIn(*store.currentRun())->strategy, other.cells[3].strategy);
    QCOMPARE(store.selectedCellIn(other), &other.cells[3]);
  }

  void reloadsAFileThatChanged() {
    const QString path = dir_.filePath("live.json");
    QVERIFY(sb::gui::test::writeRun(sb::gui::test::loadSample(), path.toStdString()));
    RunStore store;
    QVERIFY(store.open(path));
    QCOMPARE(store.currentRun()->cells.size(), std::size_t{12});
    QSignalSpy changed(&store, &RunStore::currentChanged);
    sb::RunFile fewer = sb::gui::test::loadSample();
    fewer.cells.resize(5);
    QVERIFY(sb::gui::test::writeRun(fewer, path.toStdString()));
    QTRY_COMPARE_WITH_TIMEOUT(store.currentRun()->cells.size(), std::size_t{5}, 10000);
    QVERIFY(changed.count() >= 1);
    // A broken write keeps the last good copy and says so.
    QSignalSpy failed(&store, &RunStore::reloadFailed);
    {
      std::ofstream out(path.toStdString());
      out << "{\"schema\": \"stratbench/run/v1\", \"run\": {";
    }
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
    QCOMPARE(store.currentRun()->cells.size(), std::size_t{5});
    QVERIFY(failed.front().at(1).toString().contains("live.json"));
  }

  // A run in progress: its JSONL log opens as the cells so far and grows as lines arrive; a
  // half-written last line is not a cell yet.
  void followsARunThroughItsLog() {
    const sb::RunFile sample = sb::gui::test::loadSample();
    const QString path = dir_.filePath("live.jsonl");
    auto line = [](const nlohmann::json& j) { return j.dump() + "\n"; };
    {
      std::ofstream out(path.toStdString());
      out << line({{"type", "header"},
                   {"run", sb::to_json(sample.run)},
                   {"matrix", nlohmann::json::object()},
                   {"results", "r.json"}});
      out << line({{"type", "cell"}, {"cell", sb::to_json(sample.cells[0])}});
      out << "{\"type\": \"cell\", \"cell\": {\"id";  // being written
    }
    RunStore store;
    QString error;
    QVERIFY2(store.open(path, &error), qPrintable(error));
    QCOMPARE(store.currentRun()->cells.size(), std::size_t{1});
    QCOMPARE(store.currentRun()->run.id, sample.run.id);
    {
      std::ofstream out(path.toStdString());
      out << line({{"type", "header"},
                   {"run", sb::to_json(sample.run)},
                   {"matrix", nlohmann::json::object()},
                   {"results", "r.json"}});
      for (int i = 0; i < 3; ++i)
        out << line({{"type", "cell"}, {"cell", sb::to_json(sample.cells[static_cast<std::size_t>(i)])}});
    }
    QTRY_COMPARE_WITH_TIMEOUT(store.currentRun()->cells.size(), std::size_t{3}, 10000);
    // Not a log: the first line must be the header, named with its line.
    const QString bad = dir_.filePath("bad.jsonl");
    std::ofstream(bad.toStdString()) << line({{"type", "cell"}, {"cell", sb::to_json(sample.cells[0])}});
    QVERIFY(!store.open(bad, &error));
    QVERIFY2(error.contains("bad.jsonl: line 1"), qPrintable(error));
  }
};

SB_GUI_REGISTER_TEST(RunStoreTest);

#include "run_store_test.moc"

// loadRunFile: the sample loads; missing, truncated and mistyped files give an error that
// names the file (and the field), and nothing throws.
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "qtest_registry.hpp"
#include "stratbench/gui/run_loader.hpp"
#include "test_data.hpp"

using sb::gui::loadRunFile;
using sb::gui::RunLoadResult;

// Declares r as the result of loading path, failing the test if loading throws.
#define LOAD(r, path) \
  RunLoadResult r;    \
  QVERIFY_THROWS_NO_EXCEPTION(r = loadRunFile(path))

class RunLoaderTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QByteArray sampleText_;

  QString writeFile(const QString& name, const QByteArray& content) {
    const QString path = dir_.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size()) return {};
    return path;
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    QFile sample(sb::gui::test::samplePath());
    QVERIFY(sample.open(QIODevice::ReadOnly));
    sampleText_ = sample.readAll();
    QVERIFY(sampleText_.size() > 1000);
  }

  void loadsTheSample() {
    LOAD(r, sb::gui::test::samplePath());
    QVERIFY2(r.ok(), qPrintable(r.error));
    QVERIFY(r.error.isEmpty());
    QCOMPARE(r.run->cells.size(), std::size_t{12});
    QCOMPARE(QString::fromStdString(r.run->run.host.cpu), QString("AMD EPYC 7B13 64-Core Processor"));
  }

  void missingFile() {
    const QString path = dir_.filePath("no_such_run.json");
    LOAD(r, path);
    QVERIFY(!r.ok());
    QVERIFY2(r.error.contains("no_such_run.json"), qPrintable(r.error));
  }

  void emptyFile() {
    LOAD(r, writeFile("empty.json", {}));
    QVERIFY(!r.ok());
    QVERIFY2(r.error.contains("empty.json"), qPrintable(r.error));
  }

  void truncatedFile() {
    LOAD(r, writeFile("truncated.json", sampleText_.left(sampleText_.size() / 2)));
    QVERIFY(!r.ok());
    QVERIFY2(r.error.contains("truncated.json"), qPrintable(r.error));
    QVERIFY2(r.error.contains("invalid JSON"), qPrintable(r.error));
  }

  void wrongFieldType() {
    QByteArray text = sampleText_;
    const QByteArray field = "\"p50\": 29.883";
    QVERIFY(text.contains(field));
    text.replace(field, "\"p50\": \"fast\"");
    LOAD(r, writeFile("mistyped.json", text));
    QVERIFY(!r.ok());
    QVERIFY2(r.error.contains("mistyped.json"), qPrintable(r.error));
    QVERIFY2(r.error.contains("cells[0].metrics.latency_ms.p50"), qPrintable(r.error));
  }

  void unknownStatus() {
    QByteArray text = sampleText_;
    text.replace("\"status\": \"failed\"", "\"status\": \"crashed\"");
    LOAD(r, writeFile("status.json", text));
    QVERIFY(!r.ok());
    QVERIFY2(r.error.contains("cells[5].status"), qPrintable(r.error));
  }

  void notAResultsFile() {
    for (const QByteArray& content : {QByteArray("[]"), QByteArray("{\"schema\": \"other/v9\"}"),
                                      QByteArray("\xff\xfe binary"), QByteArray("null")}) {
      LOAD(r, writeFile("other.json", content));
      QVERIFY2(!r.ok(), content.constData());
      QVERIFY2(r.error.contains("other.json"), qPrintable(r.error));
    }
  }

  void directory() {
    LOAD(r, dir_.path());
    QVERIFY(!r.ok());
    QVERIFY2(r.error.contains(dir_.path()), qPrintable(r.error));
  }
};

SB_GUI_REGISTER_TEST(RunLoaderTest);

#include "run_loader_test.moc"

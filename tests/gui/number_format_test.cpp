// Number formatting: four significant digits, C locale, absent is a dash.
#include <QTest>

#include "qtest_registry.hpp"
#include "stratbench/gui/number_format.hpp"

using namespace sb::gui;

class NumberFormatTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void measurement_data() {
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("text");
    QTest::newRow("zero") << 0.0 << "0";
    QTest::newRow("sub-ms") << 0.42663 << "0.4266";
    QTest::newRow("ms") << 7.80084 << "7.801";
    QTest::newRow("tens") << 29.883 << "29.88";
    QTest::newRow("hundreds") << 452.744 << "452.7";
    QTest::newRow("thousands") << 1234.4 << "1234";
    QTest::newRow("negative") << -2.5 << "-2.500";
    QTest::newRow("tiny") << 1.5e-5 << "1.5e-05";
    QTest::newRow("huge") << 3.2e12 << "3.2e+12";
  }
  void measurement() {
    QFETCH(double, value);
    QFETCH(QString, text);
    QCOMPARE(formatMeasurement(value), text);
  }

  void mebibytesAndPercent() {
    QCOMPARE(formatMebibytes(0), QString("0.0"));
    QCOMPARE(formatMebibytes(7233536), QString("6.9"));
    QCOMPARE(formatMebibytes(std::uint64_t{3} << 30), QString("3072.0"));
    QCOMPARE(formatPercent(0.00818), QString("0.82%"));
    QCOMPARE(formatPercent(0.25), QString("25.00%"));
  }

  void counts() {
    QCOMPARE(formatCount(0, "cell", "cells"), QString("0 cells"));
    QCOMPARE(formatCount(1, "cell", "cells"), QString("1 cell"));
    QCOMPARE(formatCount(12, "cell", "cells"), QString("12 cells"));
  }

  void absentIsNotZero() {
    QCOMPARE(absentMark(), QString::fromUtf8("\u2014"));
    QVERIFY(absentMark() != formatMeasurement(0));
  }
};

SB_GUI_REGISTER_TEST(NumberFormatTest);

#include "number_format_test.moc"

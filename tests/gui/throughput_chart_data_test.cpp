// The chart-data builder on the sample run and on small hand-built runs.
#include <QTest>

#include "qtest_registry.hpp"
#include "stratbench/gui/throughput_chart_data.hpp"
#include "test_data.hpp"

using namespace sb::gui;
using sb::gui::test::okCell;

namespace {

const std::string k256 = "k=256,m=256,n=256";
const std::string k512 = "k=512,m=512,n=512";

std::vector<std::string> labels(const ThroughputChartData& data) {
  std::vector<std::string> out;
  for (const BarSetData& set : data.sets) out.push_back(set.label);
  return out;
}

sb::Params size(std::int64_t n) { return {{"n", n}}; }

}  // namespace

class ThroughputChartDataTest : public QObject {
  Q_OBJECT

 private:
  sb::RunFile sample_;

 private Q_SLOTS:
  void initTestCase() { sample_ = sb::gui::test::loadSample(); }

  void groupsOfTheSample() {
    const std::vector<ChartGroup> groups = chartGroups(sample_);
    QCOMPARE(groups.size(), std::size_t{3});
    QVERIFY((groups[0] == ChartGroup{"gemm", ""}));
    QVERIFY((groups[1] == ChartGroup{"gemm", k256}));
    QVERIFY((groups[2] == ChartGroup{"gemm", k512}));
    QCOMPARE(chartGroupLabel(groups[0]), std::string("gemm \u00b7 all params"));
    QCOMPARE(chartGroupLabel(groups[1]), "gemm \u00b7 " + k256);
    QVERIFY((chartGroupOf(sample_.cells[6]) == ChartGroup{"gemm", k512}));
  }

  void allParamsOfTheSample() {
    const ThroughputChartData data = throughputChart(sample_, {"gemm", ""});
    QCOMPARE(data.unit, std::string("GFLOP/s"));
    QCOMPARE(data.categories, (std::vector<std::string>{k256, k512}));
    // Run order; the failed fp16 cell and the skipped cuda cell are not drawn, so no
    // "(device)" suffix either.
    QCOMPARE(labels(data),
             (std::vector<std::string>{"naive", "blocked", "blocked+simd", "blocked+simd+threads=2", "blas"}));
    QCOMPARE(data.omittedCells, std::size_t{2});
    QCOMPARE(data.sets[0].values, (std::vector<std::optional<double>>{1.12, 0.59}));
    QCOMPARE(data.sets[4].values, (std::vector<std::optional<double>>{78.66, 94.33}));
  }

  void oneParameterSetOfTheSample() {
    const ThroughputChartData small = throughputChart(sample_, {"gemm", k256});
    QCOMPARE(small.categories, std::vector<std::string>{k256});
    QCOMPARE(small.sets.size(), std::size_t{5});
    QCOMPARE(small.sets[2].values, std::vector<std::optional<double>>{24.49});
    QCOMPARE(small.omittedCells, std::size_t{1});  // fp16, failed

    const ThroughputChartData large = throughputChart(sample_, {"gemm", k512});
    QCOMPARE(large.sets.size(), std::size_t{5});
    QCOMPARE(large.omittedCells, std::size_t{1});  // blas on cuda, skipped
  }

  void unknownGroupIsEmpty() {
    const ThroughputChartData data = throughputChart(sample_, {"decode", ""});
    QVERIFY(data.empty());
    QVERIFY(data.categories.empty());
    QCOMPARE(data.omittedCells, std::size_t{0});
    QVERIFY(chartGroups(sb::RunFile{}).empty());
  }

  void aStrategyMissingACategoryIsAbsentNotZero() {
    sb::RunFile run;
    run.cells = {okCell("gemm", "naive", size(64), 1.0), okCell("gemm", "blas", size(64), 9.0),
                 okCell("gemm", "blas", size(128), 11.0)};
    const ThroughputChartData data = throughputChart(run, {"gemm", ""});
    QCOMPARE(labels(data), (std::vector<std::string>{"naive", "blas"}));
    QCOMPARE(data.sets[0].values, (std::vector<std::optional<double>>{1.0, std::nullopt}));
    QCOMPARE(data.sets[1].values, (std::vector<std::optional<double>>{9.0, 11.0}));
  }

  void mixedDevicesAreSeparateSets() {
    sb::RunFile run;
    run.cells = {okCell("gemm", "blas", size(64), 9.0, "GFLOP/s", "cpu"),
                 okCell("gemm", "blas", size(64), 900.0, "GFLOP/s", "cuda")};
    const ThroughputChartData data = throughputChart(run, {"gemm", "n=64"});
    QCOMPARE(labels(data), (std::vector<std::string>{"blas (cpu)", "blas (cuda)"}));
  }

  void anotherUnitIsOmitted() {
    sb::RunFile run;
    run.cells = {okCell("tok", "bpe", size(1), 5.0, "MB/s"), okCell("tok", "fast", size(1), 7.0, "tokens/s")};
    const ThroughputChartData data = throughputChart(run, {"tok", "n=1"});
    QCOMPARE(data.unit, std::string("MB/s"));
    QCOMPARE(labels(data), std::vector<std::string>{"bpe"});
    QCOMPARE(data.omittedCells, std::size_t{1});
  }

  void singleParameterSetHasNoAllGroup() {
    sb::RunFile run;
    run.cells = {okCell("decode", "baseline", size(1), 5.0), okCell("gemm", "naive", size(8), 1.0),
                 okCell("gemm", "naive", size(16), 1.0)};
    const std::vector<ChartGroup> groups = chartGroups(run);
    QCOMPARE(groups.size(), std::size_t{4});
    QVERIFY((groups[0] == ChartGroup{"decode", "n=1"}));
    QVERIFY((groups[1] == ChartGroup{"gemm", ""}));
  }

  void okCellWithoutThroughputIsOmitted() {
    sb::RunFile run;
    run.cells = {okCell("gemm", "naive", size(8), 1.0), okCell("gemm", "blas", size(8), 1.0)};
    run.cells[1].metrics.throughput.reset();
    const ThroughputChartData data = throughputChart(run, {"gemm", "n=8"});
    QCOMPARE(labels(data), std::vector<std::string>{"naive"});
    QCOMPARE(data.omittedCells, std::size_t{1});
  }
};

SB_GUI_REGISTER_TEST(ThroughputChartDataTest);

#include "throughput_chart_data_test.moc"

// The plots as data: axes, boxes, ECDFs, speed against quality, sweeps and memory, from the
// sample and from runs built here. The numbers are the project's statistics (result/stats,
// reports/pareto), checked against them, not against a second implementation.
#include <cmath>

#include <QTest>

#include "qtest_registry.hpp"
#include "stratbench/gui/plots.hpp"
#include "stratbench/result/stats.hpp"
#include "test_data.hpp"

using namespace sb::gui;

class PlotsTest : public QObject {
  Q_OBJECT

 private:
  sb::RunFile sample_;

 private Q_SLOTS:
  void initTestCase() { sample_ = sb::gui::test::loadSample(); }

  void axesFitAndTick() {
    PlotAxis a;
    fitAxis(a, {2, 4, 6}, true, true);
    QVERIFY(!a.log);
    QCOMPARE(a.lo, 0.0);
    QVERIFY(a.hi >= 6);
    const auto ticks = axisTicks(a, 6);
    QVERIFY(ticks.size() >= 3 && ticks.size() <= 8);
    QCOMPARE(ticks.front(), 0.0);
    fitAxis(a, {0.4, 30}, false, true);  // 75x: a log axis
    QVERIFY(a.log);
    QVERIFY(a.lo < 0.4 && a.hi > 30);
    const auto logTicks = axisTicks(a, 8);
    QVERIFY(std::find(logTicks.begin(), logTicks.end(), 1.0) != logTicks.end());
    QVERIFY(std::find(logTicks.begin(), logTicks.end(), 10.0) != logTicks.end());
    fitAxis(a, {0, 30}, false, true);  // a zero keeps it linear
    QVERIFY(!a.log);
    fitAxis(a, {NAN, INFINITY}, false, true);  // nothing finite: a unit range, no crash
    QCOMPARE(a.hi, 1.0);
    a.categories = {"a", "b", "c"};
    QCOMPARE(axisTicks(a, 2).size(), std::size_t{3});
  }

  void boxStatsAreTheProjectsStatistics() {
    const std::vector<double> x = {5, 1, 3, 2, 4, 100, 3.5, 2.5, 3.2};
    const BoxStats b = boxStats(x);
    QCOMPARE(b.n, x.size());
    QCOMPARE(b.median, sb::stats::median(x));
    QCOMPARE(b.q1, sb::stats::quantile(x, 0.25));
    QCOMPARE(b.q3, sb::stats::quantile(x, 0.75));
    QCOMPARE(b.p99, sb::stats::quantile(x, 0.99));
    QCOMPARE(b.outliers, std::vector<double>{100});  // beyond 1.5 IQR
    QCOMPARE(b.whisker_hi, 5.0);
    QCOMPARE(b.whisker_lo, 1.0);
    const double half = 1.96 * sb::stats::median_rse(x) * b.median;
    // The interval, clamped to the samples' range (here the outlier makes it wide).
    QCOMPARE(b.median_ci_lo, std::max(b.median - half, 1.0));
    QCOMPARE(b.median_ci_hi, std::min(b.median + half, 100.0));
    QVERIFY(b.median_ci_lo <= b.median && b.median <= b.median_ci_hi);
  }

  void distributionsOfAConfiguration() {
    const auto cells = cellsLike(sample_, sample_.cells[0]);  // gemm 256: 6 strategies
    QCOMPARE(cells.size(), std::size_t{6});
    const Plot box = boxPlot(cells);
    QCOMPARE(box.x.categories, (QStringList{"naive", "blocked", "blocked+simd", "blocked+simd+threads=2", "blas"}));
    QVERIFY(box.note.contains("no samples: fp16"));  // the failed cell, named
    QCOMPARE(box.y.unit, QString("ms"));
    QVERIFY(box.y.log);  // 0.43 to 30 ms
    QCOMPARE(box.series.size(), std::size_t{5});
    QCOMPARE(box.series[0].boxes[0]->median, sb::stats::median(samplesMs(sample_.cells[0])));
    const Plot ecdf = ecdfPlot(cells);
    QCOMPARE(ecdf.series.size(), std::size_t{5});
    QCOMPARE(ecdf.series[0].points.size(), std::size_t{9});
    QCOMPARE(ecdf.series[0].points.back().y(), 1.0);
    QCOMPARE(ecdf.marks.size(), std::size_t{3});  // p50, p90, p99 of the first strategy
    QCOMPARE(ecdf.x.unit, QString("ms"));
  }

  void speedAgainstQualityDrawsTheFront() {
    const auto cells = cellsLike(sample_, sample_.cells[0]);
    const auto metrics = qualityMetricsOf(cells);
    QCOMPARE(metrics.size(), std::size_t{1});  // GEMM: the relative error only
    const Plot p = speedQualityPlot(cells, *metrics[0]);
    QCOMPARE(p.y.unit, QString("GFLOP/s"));
    // The front line first, then one point per strategy; front members are named.
    QVERIFY(p.series[0].kind == SeriesKind::line && p.series[0].dashed);
    QStringList named;
    for (const PlotSeries& s : p.series)
      if (s.kind == SeriesKind::points && !s.labels.value(0).isEmpty()) named << s.labels[0];
    // naive is the most exact (1.35e-7) and blas the fastest: both on the front.
    QVERIFY(named.contains("naive"));
    QVERIFY(named.contains("blas"));
    // blocked+simd+threads=2 is both faster and more exact than blocked+simd.
    QVERIFY(!named.contains("blocked+simd"));
  }

  // The LLM case: the reference's KL is exactly 0, the others span decades. A log axis with
  // the zero drawn a decade below the smallest positive value, its tick reading "0".
  void exactZeroQualityOnALogAxis() {
    using sb::gui::test::okCell;
    std::vector<sb::Cell> cells = {
        okCell("decode", "baseline", {}, 25, "tokens/s"), okCell("decode", "int8", {}, 360, "tokens/s"),
        okCell("decode", "int4", {}, 60, "tokens/s"), okCell("decode", "fused", {}, 125, "tokens/s")};
    const double kl[] = {0, 2e-4, 3e-2, 1e-14};
    for (std::size_t i = 0; i < cells.size(); ++i) cells[i].metrics.quality.kl = kl[i];
    std::vector<const sb::Cell*> ptrs;
    ptrs.reserve(cells.size());
    for (const auto& c : cells) ptrs.push_back(&c);
    const Plot p = speedQualityPlot(ptrs, sb::metric_field("quality.kl"));
    QVERIFY(p.x.log);
    QVERIFY(p.x.zeroAt.has_value());
    QCOMPARE(*p.x.zeroAt, 1e-15);
    QVERIFY(p.x.lo < 1e-15 && p.x.hi > 3e-2);
    const auto ticks = axisTicks(p.x, 8);
    QCOMPARE(ticks.front(), 1e-15);
    // baseline (0) sits at the stand-in; int4 is slower and worse than int8: off the front.
    QStringList named;
    for (const PlotSeries& s : p.series) {
      if (s.kind != SeriesKind::points) continue;
      if (s.name == "baseline") QCOMPARE(s.points[0].x(), 1e-15);
      if (!s.labels.value(0).isEmpty()) named << s.labels[0];
    }
    QCOMPARE(named, (QStringList{"baseline", "int8", "fused"}));
  }

  void sweepIsLinesInParameterOrder() {
    sb::RunFile run;
    using sb::gui::test::okCell;
    // 1000 values of n for two strategies, in a shuffled order, plus a decode cell.
    for (int i = 0; i < 1000; ++i) {
      const std::int64_t n = (i * 7919) % 1000 + 1;
      run.cells.push_back(okCell("gemm", "a", {{"n", n}}, static_cast<double>(n)));
      run.cells.push_back(okCell("gemm", "b", {{"n", n}}, 2.0 * static_cast<double>(n)));
    }
    run.cells.push_back(okCell("decode", "a", {{"n", std::int64_t{5}}}, 1, "tokens/s"));
    QCOMPARE(sweepParams(run, "gemm"), std::vector<std::string>{"n"});
    QVERIFY(sweepParams(run, "decode").empty());
    const Plot p = sweepPlot(run, "gemm", "n", sb::metric_field("throughput.value"));
    QCOMPARE(p.series.size(), std::size_t{2});
    QCOMPARE(p.series[0].points.size(), std::size_t{1000});
    for (std::size_t i = 1; i < 1000; ++i) QVERIFY(p.series[0].points[i - 1].x() < p.series[0].points[i].x());
    QCOMPARE(p.series[1].points[9].y(), 20.0);
    QVERIFY(p.x.log);  // 1 to 1000
    QCOMPARE(p.y.unit, QString("GFLOP/s"));
  }

  void memoryPerStrategy() {
    const auto cells = cellsLike(sample_, sample_.cells[0]);
    const Plot p = memoryPlot(cells);
    QCOMPARE(p.y.unit, QString("MiB"));
    QCOMPARE(p.series.size(), std::size_t{2});  // peak RSS and allocated; no weights or KV here
    QCOMPARE(p.series[0].name, QString("peak RSS"));
    QCOMPARE(p.series[0].points[0].y(), 7233536.0 / (1024 * 1024));
    QVERIFY(p.note.contains("naive 3"));  // heap allocations per strategy
  }
};

SB_GUI_REGISTER_TEST(PlotsTest);

#include "plots_test.moc"

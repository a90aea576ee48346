// buildTimeline on a real trace (a decode cell run with --trace): tracks per thread, ranges
// nested by depth with no overlap in a row, and visibleRanges finding exactly the ranges
// that overlap a window, checked against a linear scan on a synthetic million-range trace.
#include <QTest>

#include "qtest_registry.hpp"
#include "stratbench/gui/timeline_data.hpp"

using namespace sb::gui;

class TimelineDataTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void realTraceNestsByThread() {
    const sb::TraceData trace = sb::read_trace_file(STRATBENCH_GUI_TRACE);
    const TimelineData t = buildTimeline(trace);
    QCOMPARE(t.rangeCount, trace.ranges.size());
    QCOMPARE(t.tracks.size(), std::size_t{2});  // main and the pool's worker
    QCOMPARE(t.tracks[0].name, QString("main"));
    const TimelineTrack& main = t.tracks[0];
    // The outermost row holds the traced pass; the steps are two rows below (iteration, step).
    QCOMPARE(QString::fromStdString(t.names[main.rows[0][0].name]), QString("traced pass"));
    QCOMPARE(QString::fromStdString(t.names[main.rows[2][0].name]), QString("prefill"));
    QVERIFY(main.rows.size() >= 6);
    for (const TimelineTrack& track : t.tracks)
      for (const auto& row : track.rows)
        for (std::size_t i = 1; i < row.size(); ++i) QVERIFY(row[i - 1].end <= row[i].start);
    // Every range of a deeper row lies inside a range of the row above (time containment).
    for (std::size_t d = 1; d < main.rows.size(); ++d)
      for (const TimelineRange& r : main.rows[d]) {
        const auto [b, e] = visibleRanges(main, d - 1, r.start, r.end);
        bool inside = false;
        for (std::size_t i = b; i < e; ++i)
          inside |= main.rows[d - 1][i].start <= r.start && r.end <= main.rows[d - 1][i].end;
        QVERIFY2(inside, qPrintable(QString::fromStdString(t.names[r.name])));
      }
  }

  void visibleRangesMatchALinearScan() {
    sb::TraceData trace;
    trace.where = "synthetic";
    // 10^6 ranges on one thread: 1000 outer ranges of 1000 us, each with 999 children of 1 us.
    for (std::int64_t o = 0; o < 1000; ++o) {
      trace.ranges.push_back({sb::TraceRangeKind::cpu, "c", "outer", o * 1000000, 1000000, 1, 1});
      for (std::int64_t k = 0; k < 999; ++k)
        trace.ranges.push_back({sb::TraceRangeKind::cpu, "c", "inner", o * 1000000 + k * 1000, 900, 1, 1});
    }
    trace.first_ns = 0;
    trace.last_ns = 1000000000;
    const TimelineData t = buildTimeline(trace);
    QCOMPARE(t.rangeCount, std::size_t{1000000});
    QCOMPARE(t.tracks[0].rows.size(), std::size_t{2});
    QCOMPARE(t.tracks[0].rows[1].size(), std::size_t{999000});
    for (const auto& [t0, t1] : std::vector<std::pair<std::int64_t, std::int64_t>>{
             {0, 10}, {950, 1000}, {123456789, 123460000}, {999999000, 2000000000}, {-5, -1}}) {
      const auto& row = t.tracks[0].rows[1];
      const auto [b, e] = visibleRanges(t.tracks[0], 1, t0, t1);
      std::size_t expected = 0, first = row.size();
      for (std::size_t i = 0; i < row.size(); ++i)
        if (row[i].end >= t0 && row[i].start <= t1) {
          ++expected;
          first = std::min(first, i);
        }
      QCOMPARE(e - b, expected);
      if (expected > 0) QCOMPARE(b, first);
    }
  }
};

SB_GUI_REGISTER_TEST(TimelineDataTest);

#include "timeline_data_test.moc"

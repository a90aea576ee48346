// Frame time of the timeline on a trace of 10^6 ranges (issue 18: "pans a 10^6-event trace
// at interactive rates"). Builds the trace in memory, then renders frames while panning and
// zooming across it, fully zoomed out first, and prints the mean and worst frame.
//   QT_QPA_PLATFORM=offscreen build/release/tests/gui/gui_timeline_bench [FRAMES]
#include <algorithm>
#include <chrono>
#include <cstdio>

#include <QApplication>
#include <QImage>
#include <QPainter>

#include "stratbench/gui/timeline_data.hpp"
#include "timeline_view.hpp"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  const int frames = argc > 1 ? std::atoi(argv[1]) : 200;
  sb::TraceData trace;
  trace.where = "synthetic";
  // Two threads, four levels: 10^6 ranges, like a long decode trace with per-op ranges.
  for (std::int64_t tid = 1; tid <= 2; ++tid)
    for (std::int64_t step = 0; step < 1000; ++step) {
      const std::int64_t t = step * 1000000;
      trace.ranges.push_back({sb::TraceRangeKind::cpu, "llm", "decode step", t, 999000, 1, tid});
      for (std::int64_t layer = 0; layer < 24; ++layer) {
        const std::int64_t l = t + layer * 41000;
        trace.ranges.push_back({sb::TraceRangeKind::cpu, "llm", "layer", l, 40000, 1, tid});
        for (std::int64_t op = 0; op < 20; ++op)
          trace.ranges.push_back(
              {sb::TraceRangeKind::cpu, "llm", "op " + std::to_string(op), l + op * 2000, 1900, 1, tid});
      }
    }
  trace.first_ns = 0;
  trace.last_ns = 1000000000;
  const auto b0 = std::chrono::steady_clock::now();
  sb::gui::TimelineData data = sb::gui::buildTimeline(trace);
  const double buildMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - b0).count();

  sb::gui::TimelineView view;
  view.resize(1600, 900);
  view.setTimeline(std::move(data));
  QImage image(view.size(), QImage::Format_RGB32);
  double total = 0, worst = 0;
  std::size_t rects = 0;
  for (int f = 0; f < frames; ++f) {
    // A third of the frames fully zoomed out, then zoomed in steps while panning.
    if (f == frames / 3) view.zoom(0.05, 800);
    if (f > frames / 3) view.pan(37);
    if (f == 2 * frames / 3) view.zoom(0.02, 800);
    const auto t0 = std::chrono::steady_clock::now();
    QPainter p(&image);
    rects += view.render(p, image.size());
    p.end();
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    total += ms;
    worst = std::max(worst, ms);
  }
  std::printf(
      "timeline: %zu ranges, layout %.0f ms; %d frames of 1600x900: mean %.2f ms, worst %.2f ms, %.0f "
      "rectangles per frame\n",
      trace.ranges.size(), buildMs, frames, total / frames, worst, static_cast<double>(rects) / frames);
  return 0;
}

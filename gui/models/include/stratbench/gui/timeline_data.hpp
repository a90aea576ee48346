// A trace (reports/trace_read) laid out for the timeline: one track per CPU thread, GPU
// stream and async group, each range at its nesting depth, ranges of a depth sorted by
// start, so a view finds what is visible by binary search and draws at most a few ranges
// per pixel column whatever the trace's size (10^6 events pan at frame rate).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <QString>

#include "stratbench/reports/trace_read.hpp"

namespace sb::gui {

struct TimelineRange {
  std::int64_t start = 0, end = 0;  // ns, on the trace's clock
  std::uint32_t name = 0;           // index into TimelineData::names
  std::uint32_t source = 0;         // index into TraceData::ranges
};

struct TimelineTrack {
  QString name;  // "main", "worker 1", "GPU 0 stream 7", "async: cuda"
  std::int64_t pid = 0, tid = 0;
  // rows[d]: the ranges at depth d, sorted by start; they do not overlap within a row, so
  // they are sorted by end too.
  std::vector<std::vector<TimelineRange>> rows;
};

struct TimelineData {
  QString where;
  std::vector<std::string> names;  // range names, each once
  std::vector<TimelineTrack> tracks;
  std::int64_t first = 0, last = 0;  // ns
  std::size_t rangeCount = 0;
};

// Tracks in pid, tid order (CPU threads, then GPU streams, then async groups); depth by time
// containment on a thread (a range that starts before its enclosing one ends and ends after
// it is put on the next free row, never drawn over it).
TimelineData buildTimeline(const sb::TraceData& trace);

// The ranges of `row` that overlap [t0, t1], as an index range [begin, end) into it.
std::pair<std::size_t, std::size_t> visibleRanges(const TimelineTrack& track, std::size_t row, std::int64_t t0,
                                                  std::int64_t t1);

// "1.23 ms", "456 ns": a duration as people read it.
QString formatNs(double ns);

}  // namespace sb::gui

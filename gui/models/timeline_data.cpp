#include "stratbench/gui/timeline_data.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "stratbench/gui/qt_text.hpp"
#include "stratbench/reports/trace_summary.hpp"

namespace sb::gui {
namespace {

struct TrackKey {
  int group;  // 0 cpu, 1 gpu, 2 async
  std::int64_t pid, tid;
  std::string category;  // async tracks: one per category
  bool operator<(const TrackKey& o) const {
    return std::tie(group, pid, tid, category) < std::tie(o.group, o.pid, o.tid, o.category);
  }
};

QString trackName(const TrackKey& k, const std::map<std::pair<std::int64_t, std::int64_t>, std::string>& names) {
  if (k.group == 2) return QStringLiteral("async: ") + qstr(k.category);
  const auto it = names.find({k.pid, k.tid});
  if (it != names.end() && !it->second.empty()) return qstr(it->second);
  if (k.group == 1) return QStringLiteral("GPU %1 stream %2").arg(k.pid - sb::kTraceGpuPidBase).arg(k.tid);
  return QStringLiteral("thread %1").arg(k.tid);
}

// Puts ranges sorted by (start, longest first) on rows: a range goes one row below the
// innermost open range that contains it; one that only partly overlaps goes below every
// open range it overlaps.
void layOut(std::vector<TimelineRange> ranges, TimelineTrack& track) {
  std::sort(ranges.begin(), ranges.end(), [](const TimelineRange& a, const TimelineRange& b) {
    return a.start != b.start ? a.start < b.start : a.end > b.end;
  });
  std::vector<std::int64_t> openEnds;  // per row, the end of the range last put there
  for (const TimelineRange& r : ranges) {
    // Close what ended before this starts, from the deepest row up.
    while (!openEnds.empty() && openEnds.back() <= r.start) openEnds.pop_back();
    const std::size_t row = openEnds.size();
    if (track.rows.size() <= row) track.rows.emplace_back();
    track.rows[row].push_back(r);
    openEnds.push_back(r.end);
  }
}

}  // namespace

TimelineData buildTimeline(const sb::TraceData& trace) {
  TimelineData out;
  out.where = qstr(trace.where);
  out.first = trace.first_ns;
  out.last = trace.last_ns;
  std::map<std::pair<std::int64_t, std::int64_t>, std::string> trackNames;
  for (const auto& t : trace.tracks) trackNames[{t.pid, t.tid}] = t.name;
  std::unordered_map<std::string, std::uint32_t> nameIndex;
  std::map<TrackKey, std::vector<TimelineRange>> perTrack;
  for (std::size_t i = 0; i < trace.ranges.size(); ++i) {
    const sb::TraceRange& r = trace.ranges[i];
    auto [it, added] = nameIndex.try_emplace(r.name, static_cast<std::uint32_t>(out.names.size()));
    if (added) out.names.push_back(r.name);
    TrackKey key{0, r.pid, r.tid, {}};
    if (r.kind == sb::TraceRangeKind::gpu) key.group = 1;
    if (r.kind == sb::TraceRangeKind::async) key = {2, r.pid, 0, r.category};
    perTrack[key].push_back(
        {r.ts_ns, r.ts_ns + std::max<std::int64_t>(r.dur_ns, 0), it->second, static_cast<std::uint32_t>(i)});
  }
  for (auto& [key, ranges] : perTrack) {
    TimelineTrack track;
    track.name = trackName(key, trackNames);
    track.pid = key.pid;
    track.tid = key.tid;
    out.rangeCount += ranges.size();
    layOut(std::move(ranges), track);
    out.tracks.push_back(std::move(track));
  }
  return out;
}

std::pair<std::size_t, std::size_t> visibleRanges(const TimelineTrack& track, std::size_t row, std::int64_t t0,
                                                  std::int64_t t1) {
  const auto& r = track.rows[row];
  // Ranges of a row do not overlap, so their ends are sorted as their starts are.
  const auto lo =
      std::lower_bound(r.begin(), r.end(), t0, [](const TimelineRange& x, std::int64_t t) { return x.end < t; });
  const auto hi = std::upper_bound(lo, r.end(), t1, [](std::int64_t t, const TimelineRange& x) { return t < x.start; });
  return {static_cast<std::size_t>(lo - r.begin()), static_cast<std::size_t>(hi - r.begin())};
}

QString formatNs(double ns) { return qstr(sb::fmt_duration_ns(ns)); }

}  // namespace sb::gui

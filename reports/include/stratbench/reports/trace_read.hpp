// Reading a trace file (Chrome Trace Event JSON, as profilers/trace_file.cpp writes it) into
// plain structs for `stratbench trace summarize|diff`. Reading traces is reporting: this
// knows the file format only, never the profilers' internals, so a trace from another
// build, or one written by hand, reads the same.
//
// A trace file is untrusted input. Every field used is checked; a bad one is an
// sb::InputError naming the file and the JSON path ("t.json: traceEvents[12].dur: ...").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace sb {

// Part of the file format: pids from here up are GPUs (device d is pid 100 + d), their
// tids are streams; lower pids are the cell's CPU threads.
constexpr std::int64_t kTraceGpuPidBase = 100;

enum class TraceRangeKind {
  cpu,    // an "X" event on a CPU thread: nests by time containment with its thread's others
  gpu,    // an "X" event on a GPU stream: a kernel, memcpy or memset
  async,  // a "b"/"e" pair matched by category and id: may end on another thread, never nests
};

// One range, in integer nanoseconds: the file's microseconds with three decimals are
// rounded once here, so sums and differences are exact.
struct TraceRange {
  TraceRangeKind kind = TraceRangeKind::cpu;
  std::string category, name;
  std::int64_t ts_ns = 0, dur_ns = 0;
  std::int64_t pid = 0, tid = 0;  // async: those of the "b" event
};

struct TraceMark {  // an instant ("i", or the legacy "I")
  std::string category, name;
  std::int64_t ts_ns = 0;
};

struct TraceCounterSample {  // one series of a "C" event: args {"series": value}
  std::string name, series;
  double value = 0;
};

struct TraceTrackName {  // "M" thread_name and process_name (tid -1 for a process)
  std::int64_t pid = 0, tid = 0;
  std::string name;
};

struct TraceData {
  std::string where;  // the file, for messages
  // "otherData", by key; values that are not strings are kept as their JSON text.
  std::vector<std::pair<std::string, std::string>> metadata;
  // otherData.iterations: iterations in the traced pass; absent when the file lacks it.
  std::optional<std::int64_t> iterations;
  std::vector<TraceRange> ranges;  // "X" events in file order, then the paired "b"/"e"
  std::vector<TraceMark> marks;
  std::vector<TraceCounterSample> counters;
  std::vector<TraceTrackName> tracks;
  // The span of every timed event (ranges, marks, counters, flows); has_events is false
  // when there is none.
  bool has_events = false;
  std::int64_t first_ns = 0, last_ns = 0;
  std::size_t unpaired_async = 0;  // a "b" that never ended or an "e" that never began
  // Events of phases this reader does not summarize ("B"/"E", objects, samples, ...),
  // counted per phase so that a summary can say what it left out.
  std::vector<std::pair<std::string, std::size_t>> skipped_phases;
};

// The document must be a trace: an object with a "traceEvents" array (the JSON Object
// Format) or an array of events (the JSON Array Format). Anything else is refused, so a
// results file given by mistake is an error, not an empty summary.
TraceData trace_from_json(const nlohmann::json& doc, const std::string& where);
// Reads and parses a file (InputError naming the file when it is missing, not JSON or not
// a trace).
TraceData read_trace_file(const std::string& path);

}  // namespace sb

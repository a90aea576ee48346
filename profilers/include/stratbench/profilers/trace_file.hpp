// Writes a Trace as Chrome Trace Event JSON (the "JSON Object Format"): what Perfetto UI,
// chrome://tracing and speedscope open, and what `stratbench trace summarize|diff` read.
//
// The file: {"displayTimeUnit": "ns", "otherData": {metadata}, "traceEvents": [...]}
//   - "M" metadata events name processes and threads and order them (sort_index);
//   - ranges are complete events: {"ph":"X","name","cat","ts","dur","pid","tid","args"},
//     ts and dur in microseconds with three decimals (nanoseconds kept), relative to the
//     pass's base; nesting is by time containment on one thread;
//   - marks "i" (scope "t"), counters "C" (one series per name, the value in args),
//     start/end ranges "b"/"e" paired by "id", flows "s" -> "f" ("bp": "e") from a
//     launch to its kernel;
//   - events are ordered by process, thread, start time, longest first, so a parent comes
//     before its children.
#pragma once

#include <string>

#include "stratbench/profilers/trace.hpp"

namespace sb::prof {

std::string trace_to_json_text(const Trace& t);
// Written atomically (temp file + rename); the folder is created. Throws on failure.
void write_trace_file(const std::string& path, const Trace& t);

}  // namespace sb::prof

#include "stratbench/profilers/trace_file.hpp"

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "stratbench/result/result_json.hpp"

namespace sb::prof {

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

namespace {

// A JSON string literal (escaped; bytes that are not UTF-8 become U+FFFD).
std::string quoted(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Nanoseconds as microseconds with exactly three decimals: "12.345", "-0.002".
std::string micros(std::int64_t ns) {
  const bool neg = ns < 0;
  const std::uint64_t a = neg ? static_cast<std::uint64_t>(-(ns + 1)) + 1 : static_cast<std::uint64_t>(ns);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%" PRIu64 ".%03" PRIu64, neg ? "-" : "", a / 1000, a % 1000);
  return buf;
}

std::string number(double v) {
  if (!std::isfinite(v)) return "null";
  return nlohmann::json(v).dump();
}

const char* phase(EventKind k) {
  switch (k) {
    case EventKind::complete: return "X";
    case EventKind::instant: return "i";
    case EventKind::counter: return "C";
    case EventKind::async_begin: return "b";
    case EventKind::async_end: return "e";
    case EventKind::flow_start: return "s";
    case EventKind::flow_end: return "f";
  }
  return "X";
}

void append_args(std::string& out, const TraceEvent& e) {
  if (e.num_args.empty() && e.str_args.empty()) return;
  out += ",\"args\":{";
  bool first = true;
  for (const auto& [k, v] : e.num_args) {
    if (!first) out += ',';
    out += quoted(k);
    out += ':';
    out += number(v);
    first = false;
  }
  for (const auto& [k, v] : e.str_args) {
    if (!first) out += ',';
    out += quoted(k);
    out += ':';
    out += quoted(v);
    first = false;
  }
  out += "}";
}

void append_event(std::string& out, const TraceEvent& e) {
  out += "{\"ph\":\"";
  out += phase(e.kind);
  out += "\",\"name\":" + quoted(e.name);
  if (!e.category.empty()) out += ",\"cat\":" + quoted(e.category);
  out += ",\"ts\":" + micros(e.ts_ns);
  if (e.kind == EventKind::complete) out += ",\"dur\":" + micros(std::max<std::int64_t>(e.dur_ns, 0));
  out += ",\"pid\":" + std::to_string(e.pid) + ",\"tid\":" + std::to_string(e.tid);
  if (e.kind == EventKind::instant) out += ",\"s\":\"t\"";
  if (e.kind == EventKind::async_begin || e.kind == EventKind::async_end || e.kind == EventKind::flow_start ||
      e.kind == EventKind::flow_end)
    out += ",\"id\":" + std::to_string(e.id);
  if (e.kind == EventKind::flow_end) out += ",\"bp\":\"e\"";
  append_args(out, e);
  out += "}";
}

void append_meta(std::string& out, const char* name, int pid, std::int64_t tid, const std::string& key,
                 const std::string& value_json) {
  out += "{\"ph\":\"M\",\"name\":\"";
  out += name;
  out += "\",\"pid\":" + std::to_string(pid) + ",\"tid\":" + std::to_string(tid) + ",\"args\":{\"" + key +
         "\":" + value_json + "}},\n";
}

}  // namespace

std::string trace_to_json_text(const Trace& t) {
  std::string out = "{\"displayTimeUnit\":\"ns\",\n\"otherData\":{";
  for (std::size_t i = 0; i < t.metadata.size(); ++i) {
    if (i) out += ',';
    out += quoted(t.metadata[i].first);
    out += ':';
    out += quoted(t.metadata[i].second);
  }
  out += "},\n\"traceEvents\":[\n";
  for (const auto& [pid, name] : t.processes) {
    append_meta(out, "process_name", pid, 0, "name", quoted(name));
    append_meta(out, "process_sort_index", pid, 0, "sort_index", std::to_string(pid));
  }
  for (const auto& tr : t.tracks) {
    append_meta(out, "thread_name", tr.pid, tr.tid, "name", quoted(tr.name));
    append_meta(out, "thread_sort_index", tr.pid, tr.tid, "sort_index", std::to_string(tr.sort_index));
  }
  std::vector<const TraceEvent*> order;
  order.reserve(t.events.size());
  for (const auto& e : t.events) order.push_back(&e);
  // Parents before children: by track, then start, then the longer first.
  std::stable_sort(order.begin(), order.end(), [](const TraceEvent* a, const TraceEvent* b) {
    if (a->pid != b->pid) return a->pid < b->pid;
    if (a->tid != b->tid) return a->tid < b->tid;
    if (a->ts_ns != b->ts_ns) return a->ts_ns < b->ts_ns;
    return a->dur_ns > b->dur_ns;
  });
  for (std::size_t i = 0; i < order.size(); ++i) {
    append_event(out, *order[i]);
    out += i + 1 < order.size() ? ",\n" : "\n";
  }
  if (order.empty() && out.ends_with(",\n")) out.erase(out.size() - 2, 1);
  out += "]}\n";
  return out;
}

void write_trace_file(const std::string& path, const Trace& t) {
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir);
  write_text_file_atomic(path, trace_to_json_text(t));
}

}  // namespace sb::prof

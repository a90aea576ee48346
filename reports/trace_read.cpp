#include "stratbench/reports/trace_read.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "stratbench/result/errors.hpp"
#include "stratbench/result/json_fields.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb {
namespace {

using jf::Path;
using nlohmann::json;

// 1e12 µs is 11.6 days: no traced pass comes near it, and below it a double still holds
// every nanosecond (2^53 ns is 104 days), so rounding to integer nanoseconds is exact.
constexpr double kMaxMicros = 1e12;

std::int64_t micros_to_ns(const json& j, const Path& p) {
  const double us = jf::num(j, p);
  if (std::fabs(us) > kMaxMicros) p.fail(j.dump() + " µs is out of range (at most 1e12 µs, 11.6 days)");
  return std::llround(us * 1000.0);
}

std::int64_t duration_ns(const json& j, const Path& p) {
  const std::int64_t ns = micros_to_ns(j, p);
  // Checked on the value as written: -0.0001 rounds to 0 but is still a broken writer.
  if (j.get<double>() < 0) p.fail("negative duration " + j.dump() + " µs");
  return ns;
}

std::string text_or_empty(const json& ev, const char* key, const Path& p) {
  const json* v = jf::find(ev, key);
  return v ? jf::str(*v, p / key) : std::string();
}

std::int64_t int_or(const json& ev, const char* key, const Path& p, std::int64_t fallback) {
  const json* v = jf::find(ev, key);
  return v ? jf::i64(*v, p / key) : fallback;
}

// otherData.iterations: a decimal string, as the harness writes it (a number is accepted too).
std::int64_t iterations_value(const json& j, const Path& p) {
  constexpr std::int64_t kMax = 1'000'000'000'000;
  std::int64_t n = -1;
  if (j.is_number_integer() || j.is_number_unsigned()) {
    n = jf::int_in(j, p, 1, kMax);
  } else if (j.is_string()) {
    const std::string s = j.get<std::string>();
    const bool digits =
        !s.empty() && s.size() <= 13 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits) n = std::stoll(s);
  }
  if (n < 1 || n > kMax) p.fail("expected a count of iterations (\"1\" to \"1000000000000\"), found " + j.dump());
  return n;
}

// One end of a "b"/"e" pair, kept until every event is read: the file is ordered by
// thread, so an "e" on an earlier thread can precede its "b".
struct AsyncEnd {
  bool begin = false;
  std::string category, id, name;
  std::int64_t ts_ns = 0, pid = 0, tid = 0;
};

class Reader {
 public:
  explicit Reader(const std::string& where) { d_.where = where; }

  void other_data(const json& j, const Path& p) {
    for (const auto& [k, v] : jf::object(j, p).items()) {
      if (k == "iterations") d_.iterations = iterations_value(v, p / k);
      d_.metadata.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
    }
  }

  void event(const json& ev, const Path& p) {
    jf::object(ev, p);
    const std::string ph = jf::str(jf::need(ev, "ph", p), p / "ph");
    if (ph == "M") return metadata(ev, p);
    const std::int64_t ts = micros_to_ns(jf::need(ev, "ts", p), p / "ts");
    span(ts, ts);
    if (ph == "X") return complete(ev, p, ts);
    if (ph == "b" || ph == "e") return async_end(ev, p, ph == "b", ts);
    if (ph == "i" || ph == "I") {
      d_.marks.push_back({text_or_empty(ev, "cat", p), name(ev, p), ts});
      return;
    }
    if (ph == "C") return counter(ev, p);
    if (ph == "s" || ph == "t" || ph == "f") return;  // flows: arrows for a viewer, no time of their own
    ++skipped_[ph];
  }

  TraceData finish() {
    pair_async();
    for (const auto& [ph, n] : skipped_) d_.skipped_phases.emplace_back(ph, n);
    return std::move(d_);
  }

 private:
  TraceData d_;
  std::vector<AsyncEnd> async_;
  std::map<std::string, std::size_t> skipped_;

  static std::string name(const json& ev, const Path& p) { return jf::str(jf::need(ev, "name", p), p / "name"); }

  void span(std::int64_t begin, std::int64_t end) {
    d_.first_ns = d_.has_events ? std::min(d_.first_ns, begin) : begin;
    d_.last_ns = d_.has_events ? std::max(d_.last_ns, end) : end;
    d_.has_events = true;
  }

  void complete(const json& ev, const Path& p, std::int64_t ts) {
    TraceRange r;
    r.name = name(ev, p);
    r.category = text_or_empty(ev, "cat", p);
    r.ts_ns = ts;
    r.dur_ns = duration_ns(jf::need(ev, "dur", p), p / "dur");
    // Nesting is per thread: a range without its thread cannot be placed.
    r.pid = jf::i64(jf::need(ev, "pid", p), p / "pid");
    r.tid = jf::i64(jf::need(ev, "tid", p), p / "tid");
    r.kind = r.pid >= kTraceGpuPidBase ? TraceRangeKind::gpu : TraceRangeKind::cpu;
    span(ts, ts + r.dur_ns);
    d_.ranges.push_back(std::move(r));
  }

  void async_end(const json& ev, const Path& p, bool begin, std::int64_t ts) {
    AsyncEnd a;
    a.begin = begin;
    a.category = text_or_empty(ev, "cat", p);
    const json& id = jf::need(ev, "id", p);
    if (id.is_string())
      a.id = id.get<std::string>();
    else if (id.is_number_integer() || id.is_number_unsigned())
      a.id = id.dump();
    else
      (p / "id").fail(std::string("expected an integer or a string, found ") + id.type_name());
    // The "e" may leave out the name: the pair is the "b"'s.
    a.name = begin ? name(ev, p) : text_or_empty(ev, "name", p);
    a.ts_ns = ts;
    a.pid = int_or(ev, "pid", p, 0);
    a.tid = int_or(ev, "tid", p, 0);
    async_.push_back(std::move(a));
  }

  // Pairs in time order, per (category, id); ids may nest, so an "e" closes the innermost
  // open "b" of its name (or the innermost one when it has no name).
  void pair_async() {
    std::stable_sort(async_.begin(), async_.end(), [](const AsyncEnd& x, const AsyncEnd& y) {
      if (x.ts_ns != y.ts_ns) return x.ts_ns < y.ts_ns;
      return x.begin && !y.begin;  // a zero-length pair: its "b" first
    });
    std::map<std::pair<std::string, std::string>, std::vector<const AsyncEnd*>> open;
    for (const auto& a : async_) {
      auto& stack = open[{a.category, a.id}];
      if (a.begin) {
        stack.push_back(&a);
        continue;
      }
      auto it = std::find_if(stack.rbegin(), stack.rend(), [&](const AsyncEnd* b) { return b->name == a.name; });
      if (it == stack.rend() && a.name.empty() && !stack.empty()) it = stack.rbegin();
      if (it == stack.rend()) {
        ++d_.unpaired_async;
        continue;
      }
      const AsyncEnd& b = **it;
      d_.ranges.push_back({TraceRangeKind::async, b.category, b.name, b.ts_ns, a.ts_ns - b.ts_ns, b.pid, b.tid});
      stack.erase(std::next(it).base());
    }
    for (const auto& [key, stack] : open) d_.unpaired_async += stack.size();
  }

  void counter(const json& ev, const Path& p) {
    const std::string n = name(ev, p);
    const Path args_path = p / "args";
    for (const auto& [series, v] : jf::object(jf::need(ev, "args", p), args_path).items()) {
      if (v.is_null()) continue;  // the writer's spelling of a value that was not finite
      d_.counters.push_back({n, series, jf::num(v, args_path / series)});
    }
  }

  void metadata(const json& ev, const Path& p) {
    const std::string n = name(ev, p);
    if (n != "thread_name" && n != "process_name") return;  // sort indexes and labels: for viewers
    const Path args_path = p / "args";
    const json& args = jf::object(jf::need(ev, "args", p), args_path);
    TraceTrackName t;
    t.pid = jf::i64(jf::need(ev, "pid", p), p / "pid");
    t.tid = n == "process_name" ? -1 : jf::i64(jf::need(ev, "tid", p), p / "tid");
    t.name = jf::str(jf::need(args, "name", args_path), args_path / "name");
    d_.tracks.push_back(std::move(t));
  }
};

}  // namespace

TraceData trace_from_json(const json& doc, const std::string& where) {
  const Path root{where, ""};
  Reader r(where);
  const json* events = nullptr;
  if (doc.is_array()) {
    events = &doc;
  } else if (doc.is_object() && doc.contains("traceEvents")) {
    events = &jf::array(doc["traceEvents"], root / "traceEvents");
    if (const json* other = jf::find(doc, "otherData")) r.other_data(*other, root / "otherData");
  } else {
    root.fail(
        "not a trace file: expected Chrome Trace Event JSON, an object with a \"traceEvents\" array "
        "(what `stratbench run --trace` writes)");
  }
  const Path ev_path = doc.is_array() ? root : root / "traceEvents";
  for (std::size_t i = 0; i < events->size(); ++i) r.event((*events)[i], ev_path[i]);
  return r.finish();
}

TraceData read_trace_file(const std::string& path) {
  return trace_from_json(parse_json_text(read_text_file(path), path), path);
}

}  // namespace sb

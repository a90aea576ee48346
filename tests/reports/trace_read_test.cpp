// Reading trace files: what is read from a well-formed file, and hostile input (not JSON,
// wrong types, missing fields, negative or huge numbers, bytes that are not UTF-8), each
// refused with an InputError naming the file and the JSON path.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "stratbench/reports/trace_read.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/result_json.hpp"
#include "trace_fixture.hpp"

namespace sb {
namespace {

TraceData parse(const std::string& text) { return trace_from_json(parse_json_text(text, "t.json"), "t.json"); }

// A trace of one event, given as JSON text.
std::string one(const std::string& event) { return R"({"traceEvents":[)" + event + "]}"; }

void expect_refused(const std::string& text, const std::vector<std::string>& needles) {
  try {
    parse(text);
    ADD_FAILURE() << "accepted: " << text;
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("t.json: ", 0), 0u) << what;
    for (const auto& n : needles) EXPECT_NE(what.find(n), std::string::npos) << "want: " << n << "\ngot:  " << what;
  }
}

TEST(TraceRead, SampleFile) {
  const TraceData t = parse(test::kSampleTrace);
  EXPECT_EQ(t.where, "t.json");
  ASSERT_TRUE(t.iterations);
  EXPECT_EQ(*t.iterations, 2);
  ASSERT_EQ(t.metadata.size(), 8u);
  EXPECT_EQ(t.metadata[0], (std::pair<std::string, std::string>{"cell", "llm_prefill/naive/seq=128"}));
  // 17 "X" on CPU threads, 3 on the GPU, in file order; then the one "b"/"e" pair.
  ASSERT_EQ(t.ranges.size(), 21u);
  const TraceRange& tokenize = t.ranges[16];
  EXPECT_EQ(tokenize.name, "tokenize");
  EXPECT_EQ(tokenize.dur_ns, 250);  // 0.250 µs: nanoseconds kept
  EXPECT_EQ(tokenize.tid, 2);
  EXPECT_EQ(t.ranges[17].kind, TraceRangeKind::gpu);
  const TraceRange& request = t.ranges.back();  // paired after every event is read
  EXPECT_EQ(request.kind, TraceRangeKind::async);
  EXPECT_EQ(request.name, "request");
  EXPECT_EQ(request.ts_ns, 100'000);
  EXPECT_EQ(request.dur_ns, 300'000);
  EXPECT_EQ(request.tid, 2);  // the "b"'s thread
  EXPECT_EQ(t.marks.size(), 2u);
  ASSERT_EQ(t.counters.size(), 2u);
  EXPECT_EQ(t.counters[1].series, "rss_mib");
  EXPECT_EQ(t.counters[1].value, 180);
  EXPECT_EQ(t.tracks.size(), 5u);  // thread and process names; sort indexes are for viewers
  EXPECT_EQ(t.unpaired_async, 0u);
  EXPECT_TRUE(t.skipped_phases.empty());
  EXPECT_EQ(t.first_ns, 0);
  EXPECT_EQ(t.last_ns, 1'000'000);
}

TEST(TraceRead, ArrayFormatAndRounding) {
  const TraceData t = parse(R"([{"ph":"X","name":"a","ts":1.0005,"dur":12.3456,"pid":1,"tid":1}])");
  ASSERT_EQ(t.ranges.size(), 1u);
  EXPECT_EQ(t.ranges[0].ts_ns, 1001);  // round(1000.5)
  EXPECT_EQ(t.ranges[0].dur_ns, 12346);
  EXPECT_FALSE(t.iterations);
}

TEST(TraceRead, AsyncPairsNestAndUnpairedAreCounted) {
  const TraceData t = parse(R"({"traceEvents":[
    {"ph":"b","name":"outer","cat":"q","id":"0x1","ts":0,"pid":1,"tid":1},
    {"ph":"b","name":"inner","cat":"q","id":"0x1","ts":10,"pid":1,"tid":1},
    {"ph":"e","name":"inner","cat":"q","id":"0x1","ts":20,"pid":1,"tid":1},
    {"ph":"e","cat":"q","id":"0x1","ts":50,"pid":1,"tid":1},
    {"ph":"b","name":"lost","cat":"q","id":2,"ts":5,"pid":1,"tid":1},
    {"ph":"e","name":"stray","cat":"other","id":2,"ts":6,"pid":1,"tid":1},
    {"ph":"B","name":"legacy","ts":1,"pid":1,"tid":1},
    {"ph":"E","ts":2,"pid":1,"tid":1}]})");
  ASSERT_EQ(t.ranges.size(), 2u);
  EXPECT_EQ(t.ranges[0].name, "inner");
  EXPECT_EQ(t.ranges[0].dur_ns, 10'000);
  EXPECT_EQ(t.ranges[1].name, "outer");  // an "e" without a name closes the innermost open
  EXPECT_EQ(t.ranges[1].dur_ns, 50'000);
  EXPECT_EQ(t.unpaired_async, 2u);  // "lost" never ends; "stray" ends nothing of its category
  ASSERT_EQ(t.skipped_phases.size(), 2u);
  EXPECT_EQ(t.skipped_phases[0], (std::pair<std::string, std::size_t>{"B", 1}));
}

TEST(TraceRead, NotJsonOrNotATrace) {
  expect_refused("", {"invalid JSON", "empty"});
  expect_refused(R"({"traceEvents":[)", {"invalid JSON at byte"});
  expect_refused(R"({"schema":"stratbench/run/v1","cells":[]})", {"document", "not a trace file", "traceEvents"});
  expect_refused("42", {"not a trace file"});
  expect_refused(R"({"traceEvents":{}})", {"traceEvents: expected an array, found object"});
  expect_refused(R"({"traceEvents":[1]})", {"traceEvents[0]: expected an object, found number"});
  expect_refused(R"([{"ph":"i","name":"a","ts":0},"x"])", {"[1]: expected an object"});
  expect_refused(R"({"otherData":[],"traceEvents":[]})", {"otherData: expected an object"});
}

TEST(TraceRead, MissingAndMistypedFields) {
  expect_refused(one(R"({"name":"a","ts":0})"), {"traceEvents[0].ph: missing required field"});
  expect_refused(one(R"({"ph":7,"name":"a","ts":0})"), {"traceEvents[0].ph: expected a string, found number"});
  expect_refused(one(R"({"ph":"X","name":"a","dur":1,"pid":1,"tid":1})"), {"traceEvents[0].ts: missing"});
  expect_refused(one(R"({"ph":"i","name":"a","ts":"0"})"), {"traceEvents[0].ts: expected a number, found string"});
  expect_refused(one(R"({"ph":"X","name":"a","ts":0,"pid":1,"tid":1})"), {"traceEvents[0].dur: missing"});
  expect_refused(one(R"({"ph":"X","ts":0,"dur":1,"pid":1,"tid":1})"), {"traceEvents[0].name: missing"});
  expect_refused(one(R"({"ph":"X","name":["a"],"ts":0,"dur":1,"pid":1,"tid":1})"), {"[0].name: expected a string"});
  expect_refused(one(R"({"ph":"X","name":"a","cat":1,"ts":0,"dur":1,"pid":1,"tid":1})"), {"[0].cat: expected"});
  expect_refused(one(R"({"ph":"X","name":"a","ts":0,"dur":1,"tid":1})"), {"traceEvents[0].pid: missing"});
  expect_refused(one(R"({"ph":"X","name":"a","ts":0,"dur":1,"pid":1.5,"tid":1})"), {"[0].pid: expected an integer"});
  expect_refused(one(R"({"ph":"b","name":"a","ts":0})"), {"traceEvents[0].id: missing"});
  expect_refused(one(R"({"ph":"b","name":"a","ts":0,"id":{"local":1}})"), {"[0].id: expected an integer or a string"});
  expect_refused(one(R"({"ph":"C","name":"m","ts":0,"args":{"rss":"big"}})"),
                 {"traceEvents[0].args.rss: expected a number"});
  expect_refused(one(R"({"ph":"C","name":"m","ts":0})"), {"traceEvents[0].args: missing"});
  expect_refused(one(R"({"ph":"M","name":"thread_name","pid":1,"tid":1,"args":{"name":3}})"),
                 {"[0].args.name: expected"});
  // A counter value the writer could not write as a number is null: skipped, not refused.
  EXPECT_TRUE(parse(one(R"({"ph":"C","name":"m","ts":0,"args":{"rss":null}})")).counters.empty());
}

TEST(TraceRead, NegativeAndHugeNumbers) {
  expect_refused(one(R"({"ph":"X","name":"a","ts":0,"dur":-5,"pid":1,"tid":1})"), {"[0].dur: negative duration -5"});
  expect_refused(one(R"({"ph":"X","name":"a","ts":0,"dur":-0.0001,"pid":1,"tid":1})"), {"negative duration"});
  expect_refused(one(R"({"ph":"X","name":"a","ts":1e300,"dur":1,"pid":1,"tid":1})"),
                 {"[0].ts: 1e+300", "out of range"});
  expect_refused(one(R"({"ph":"X","name":"a","ts":0,"dur":2e12,"pid":1,"tid":1})"), {"[0].dur", "out of range"});
  expect_refused(one(R"({"ph":"X","name":"a","ts":0,"dur":1e400,"pid":1,"tid":1})"),
                 {"traceEvents[0].dur", "out of range"});
  expect_refused(one(R"({"ph":"X","name":"a","ts":0,"dur":1,"pid":1,"tid":99999999999999999999})"),
                 {"[0].tid: expected an integer"});
  // Negative times are fine: events before the pass's base (a CUPTI record stamped early).
  EXPECT_EQ(parse(one(R"({"ph":"X","name":"a","ts":-2.5,"dur":1,"pid":1,"tid":1})")).ranges[0].ts_ns, -2500);
}

TEST(TraceRead, IterationsMustBeACount) {
  auto with = [](const std::string& v) { return R"({"otherData":{"iterations":)" + v + R"(},"traceEvents":[]})"; };
  EXPECT_EQ(*parse(with(R"("12")")).iterations, 12);
  EXPECT_EQ(*parse(with("3")).iterations, 3);
  expect_refused(with(R"("abc")"), {"otherData.iterations: expected a count of iterations"});
  expect_refused(with(R"("0")"), {"otherData.iterations"});
  expect_refused(with(R"("-1")"), {"otherData.iterations"});
  expect_refused(with(R"("99999999999999999999")"), {"otherData.iterations"});
  expect_refused(with("2.5"), {"otherData.iterations"});
  // Other values that are not strings are kept as their JSON text.
  const TraceData t = parse(R"({"otherData":{"n":{"a":1}},"traceEvents":[]})");
  EXPECT_EQ(t.metadata[0].second, R"({"a":1})");
}

TEST(TraceRead, BytesThatAreNotUtf8) {
  expect_refused(one("{\"ph\":\"X\",\"name\":\"a\xff\xfe\",\"ts\":0,\"dur\":1,\"pid\":1,\"tid\":1}"),
                 {"invalid JSON at byte"});
}

TEST(TraceRead, MissingFileNamesIt) {
  try {
    read_trace_file("/nonexistent/trace.json");
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/trace.json"), std::string::npos);
  }
}

}  // namespace
}  // namespace sb

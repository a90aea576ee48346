// Records handed back by the stand-in libcupti, through the tracer's buffer callbacks, into
// trace events, flows and GPU totals.
#include <algorithm>

#include "cupti_test_util.hpp"

namespace sb::prof::cupti::test {
namespace {

constexpr std::uint64_t kT0 = 5'000'000'000;  // the stand-in's CUPTI clock at begin()

class CuptiRecords : public StandIn {
 protected:
  // Runs one session: begin, queue `emit`'s records (as the traced pass would produce them),
  // stop, and turn them into `out`.
  template <class F>
  void trace(F emit, int iterations = 1, std::size_t buffer_bytes = Tracer::kDefaultBufferBytes) {
    fake.set_timestamp(kT0);
    Tracer t(api, buffer_bytes);
    trace_.base_ns = now_ns();
    ASSERT_EQ(t.begin(), "");
    emit();
    ASSERT_EQ(t.stop(records_), "");
    offset_ = t.clock_offset_ns();
    out_.trace = &trace_;
    contribute(api, records_, offset_, iterations, out_);
  }
  std::int64_t at(std::uint64_t cupti_ts) const {
    return static_cast<std::int64_t>(cupti_ts) + offset_ - trace_.base_ns;
  }
  std::vector<const TraceEvent*> events(const std::string& category) const {
    std::vector<const TraceEvent*> v;
    for (const auto& e : trace_.events)
      if (e.category == category) v.push_back(&e);
    return v;
  }
  static double num(const TraceEvent& e, const std::string& key) {
    for (const auto& [k, v] : e.num_args)
      if (k == key) return v;
    ADD_FAILURE() << "no arg " << key;
    return -1;
  }
  static std::string str(const TraceEvent& e, const std::string& key) {
    for (const auto& [k, v] : e.str_args)
      if (k == key) return v;
    ADD_FAILURE() << "no arg " << key;
    return {};
  }

  Trace trace_;
  PassOutput out_;
  cupti::Records records_;
  std::int64_t offset_ = 0;
};

TEST_F(CuptiRecords, ClockOffsetMapsCuptiTimeOntoTheSteadyClock) {
  trace([] {});
  // CUPTI's kT0 was read during begin(), which ran after base_ns was taken.
  EXPECT_GE(offset_ + static_cast<std::int64_t>(kT0), trace_.base_ns);
  EXPECT_LE(offset_ + static_cast<std::int64_t>(kT0), now_ns());
}

TEST_F(CuptiRecords, KernelsBecomeRangesOnTheirStreamTrack) {
  trace(
      [&] {
        EXPECT_EQ(fake.emit_record(kernel(kT0 + 1000, kT0 + 3000, 11)), 1);
        EXPECT_EQ(fake.emit_record(kernel(kT0 + 4000, kT0 + 5000, 12, 9, 1, "_Z5emptyv")), 1);
      },
      2);
  ASSERT_EQ(records_.gpu.size(), 2u);
  const auto k = events("kernel");
  ASSERT_EQ(k.size(), 2u);
  EXPECT_EQ(k[0]->kind, EventKind::complete);
  EXPECT_EQ(k[0]->name, "gemm(float const*, float const*, float*, int)");  // demangled
  EXPECT_EQ(k[0]->ts_ns, at(kT0 + 1000));
  EXPECT_EQ(k[0]->dur_ns, 2000);
  EXPECT_EQ(k[0]->pid, kGpuPidBase);
  EXPECT_EQ(k[0]->tid, 7);
  EXPECT_EQ(str(*k[0], "grid"), "4x2x1");
  EXPECT_EQ(str(*k[0], "block"), "256x1x1");
  EXPECT_EQ(num(*k[0], "registers"), 32);
  EXPECT_EQ(num(*k[0], "static_shared_memory"), 1024);
  EXPECT_EQ(num(*k[0], "dynamic_shared_memory"), 4096);
  EXPECT_EQ(num(*k[0], "correlation_id"), 11);
  EXPECT_EQ(k[1]->name, "empty()");
  EXPECT_EQ(k[1]->pid, kGpuPidBase + 1);
  EXPECT_EQ(k[1]->tid, 9);

  const auto has_track = [&](int pid, std::int64_t tid, const std::string& name) {
    return std::any_of(trace_.tracks.begin(), trace_.tracks.end(),
                       [&](const TraceTrack& t) { return t.pid == pid && t.tid == tid && t.name == name; });
  };
  EXPECT_TRUE(has_track(kGpuPidBase, 7, "stream 7"));
  EXPECT_TRUE(has_track(kGpuPidBase + 1, 9, "stream 9"));
  const std::vector<std::pair<int, std::string>> gpus = {{kGpuPidBase, "GPU 0"}, {kGpuPidBase + 1, "GPU 1"}};
  EXPECT_EQ(trace_.processes, gpus);

  ASSERT_TRUE(out_.gpu.has_value());
  EXPECT_DOUBLE_EQ(out_.gpu->kernel_time_ms, 3000 / 1e6 / 2);  // per iteration
  EXPECT_EQ(out_.gpu->launches, 1u);
  EXPECT_EQ(out_.counters.at("cupti_dropped_records"), 0);
  EXPECT_TRUE(out_.notes.empty());
}

TEST_F(CuptiRecords, CopiesAndMemsetsCarryBytesAndKind) {
  trace(
      [&] {
        fake.emit_record(copy(kT0 + 100, kT0 + 600, 4096, CUPTI_ACTIVITY_MEMCPY_KIND_HTOD, 21));
        fake.emit_record(copy(kT0 + 700, kT0 + 900, 1024, CUPTI_ACTIVITY_MEMCPY_KIND_DTOH, 22, 3));
        fake.emit_record(fill(kT0 + 1000, kT0 + 1100, 512, 23));
      },
      4);
  const auto c = events("memcpy");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0]->name, "memcpy HtoD");
  EXPECT_EQ(str(*c[0], "copy_kind"), "HtoD");
  EXPECT_EQ(num(*c[0], "bytes"), 4096);
  EXPECT_EQ(c[0]->ts_ns, at(kT0 + 100));
  EXPECT_EQ(c[0]->dur_ns, 500);
  EXPECT_EQ(c[0]->tid, 7);
  EXPECT_EQ(str(*c[1], "copy_kind"), "DtoH");
  EXPECT_EQ(c[1]->tid, 3);
  const auto s = events("memset");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0]->name, "memset");
  EXPECT_EQ(num(*s[0], "bytes"), 512);
  EXPECT_EQ(s[0]->pid, kGpuPidBase);
  ASSERT_TRUE(out_.gpu.has_value());
  EXPECT_EQ(out_.gpu->memcpy_bytes, 5120u / 4);  // memsets are not copies
  EXPECT_EQ(out_.gpu->launches, 0u);
}

TEST_F(CuptiRecords, ApiCallsAreNamedAndOnTheCallingThread) {
  trace([&] {
    fake.emit_record(call(false, CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000, kT0 + 10, kT0 + 90, 4242, 31));
    fake.emit_record(call(true, CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel, kT0 + 20, kT0 + 80, 4242, 32));
    fake.emit_record(call(false, 9999, kT0 + 100, kT0 + 110, 4243, 33));
  });
  EXPECT_EQ(fake.thread_id_type(), CUPTI_ACTIVITY_THREAD_ID_TYPE_SYSTEM);  // gettid, as the NVTX tracks
  const auto rt = events("cuda_runtime");
  ASSERT_EQ(rt.size(), 2u);
  EXPECT_EQ(rt[0]->name, "cudaLaunchKernel");  // the _v7000 tag cut
  EXPECT_EQ(rt[0]->pid, kCpuPid);
  EXPECT_EQ(rt[0]->tid, 4242);
  EXPECT_EQ(rt[0]->ts_ns, at(kT0 + 10));
  EXPECT_EQ(rt[0]->dur_ns, 80);
  EXPECT_EQ(num(*rt[0], "correlation_id"), 31);
  EXPECT_EQ(rt[1]->name, "cbid 9999");  // a cbid the library cannot name
  const auto drv = events("cuda_driver");
  ASSERT_EQ(drv.size(), 1u);
  EXPECT_EQ(drv[0]->name, "cuLaunchKernel");
}

TEST_F(CuptiRecords, CorrelationIdsJoinLaunchesToTheirKernelsWithFlows) {
  trace([&] {
    fake.emit_record(call(false, CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000, kT0 + 100, kT0 + 300, 77, 42));
    fake.emit_record(call(true, CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel, kT0 + 150, kT0 + 250, 77, 42));
    fake.emit_record(kernel(kT0 + 400, kT0 + 900, 42));
    fake.emit_record(call(false, CUPTI_RUNTIME_TRACE_CBID_cudaMemcpyAsync_v3020, kT0 + 1000, kT0 + 1200, 78, 43));
    fake.emit_record(copy(kT0 + 1300, kT0 + 1500, 64, CUPTI_ACTIVITY_MEMCPY_KIND_HTOD, 43, 5));
    fake.emit_record(kernel(kT0 + 2000, kT0 + 2100, 99));  // its launch was not recorded
  });
  std::vector<const TraceEvent*> starts, ends;
  for (const auto& e : trace_.events) {
    if (e.kind == EventKind::flow_start) starts.push_back(&e);
    if (e.kind == EventKind::flow_end) ends.push_back(&e);
  }
  ASSERT_EQ(starts.size(), 2u);
  ASSERT_EQ(ends.size(), 2u);
  // Launch 42: from inside the runtime call (preferred over its driver call) to the kernel.
  EXPECT_EQ(starts[0]->id, 42u);
  EXPECT_EQ(starts[0]->pid, kCpuPid);
  EXPECT_EQ(starts[0]->tid, 77);
  EXPECT_GE(starts[0]->ts_ns, at(kT0 + 100));
  EXPECT_LE(starts[0]->ts_ns, at(kT0 + 300));
  EXPECT_EQ(ends[0]->id, 42u);
  EXPECT_EQ(ends[0]->pid, kGpuPidBase);
  EXPECT_EQ(ends[0]->tid, 7);
  EXPECT_EQ(ends[0]->ts_ns, at(kT0 + 400));
  EXPECT_EQ(starts[0]->category, ends[0]->category);
  EXPECT_EQ(starts[0]->name, ends[0]->name);
  // The copy's flow ends on its own stream.
  EXPECT_EQ(starts[1]->id, 43u);
  EXPECT_EQ(starts[1]->tid, 78);
  EXPECT_EQ(ends[1]->id, 43u);
  EXPECT_EQ(ends[1]->tid, 5);
}

TEST_F(CuptiRecords, SynchronizationsSitOnTheWaitingThread) {
  trace([&] {
    fake.emit_record(call(false, CUPTI_RUNTIME_TRACE_CBID_cudaStreamSynchronize_v3020, kT0, kT0 + 500, 55, 61));
    fake.emit_record(sync(kT0 + 10, kT0 + 490, 61, 7));
  });
  const auto s = events("cuda_sync");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0]->kind, EventKind::complete);
  EXPECT_EQ(s[0]->name, "stream synchronize");
  EXPECT_EQ(s[0]->pid, kCpuPid);
  EXPECT_EQ(s[0]->tid, 55);
  EXPECT_EQ(s[0]->dur_ns, 480);
  EXPECT_EQ(num(*s[0], "stream"), 7);
}

TEST_F(CuptiRecords, MarkersBecomeRangesAndInstants) {
  trace([&] {
    fake.emit_record(marker(CUPTI_ACTIVITY_FLAG_MARKER_START, 3, kT0 + 100, 12, "prepare"));
    fake.emit_record(marker(CUPTI_ACTIVITY_FLAG_MARKER_INSTANTANEOUS, 4, kT0 + 150, 12, "token"));
    fake.emit_record(marker(CUPTI_ACTIVITY_FLAG_MARKER_END, 3, kT0 + 700, 12, nullptr));
    fake.emit_record(marker(CUPTI_ACTIVITY_FLAG_MARKER_START, 5, kT0 + 800, 12, "unfinished"));
  });
  const auto m = events("nvtx_cupti");
  ASSERT_EQ(m.size(), 3u);
  const auto find = [&](const std::string& name) -> const TraceEvent& {
    const auto it = std::find_if(m.begin(), m.end(), [&](const TraceEvent* e) { return e->name == name; });
    EXPECT_NE(it, m.end()) << name;
    return **it;
  };
  const TraceEvent& range = find("prepare");
  EXPECT_EQ(range.kind, EventKind::complete);
  EXPECT_EQ(range.ts_ns, at(kT0 + 100));
  EXPECT_EQ(range.dur_ns, 600);
  EXPECT_EQ(range.tid, 12);
  EXPECT_EQ(str(range, "domain"), "stratbench");
  EXPECT_EQ(find("token").kind, EventKind::instant);
  EXPECT_EQ(find("unfinished").kind, EventKind::instant);
}

TEST_F(CuptiRecords, CuptisOwnOverheadIsShownAndCounted) {
  trace([&] { fake.emit_record(overhead(kT0 + 100, kT0 + 2100, 12)); }, 2);
  const auto o = events("cupti_overhead");
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0]->name, "CUPTI buffer flush");
  EXPECT_EQ(o[0]->pid, kCpuPid);
  EXPECT_EQ(o[0]->tid, 12);
  EXPECT_EQ(o[0]->dur_ns, 2000);
  EXPECT_DOUBLE_EQ(out_.counters.at("cupti_overhead_ms"), 2000 / 1e6 / 2);
}

TEST_F(CuptiRecords, ManySmallBuffersLoseNothing) {
  trace(
      [&] {
        for (std::uint32_t i = 0; i < 50; ++i) fake.emit_record(kernel(kT0 + i * 100, kT0 + i * 100 + 50, 1000 + i));
      },
      1, 1024);
  EXPECT_EQ(records_.gpu.size(), 50u);
  EXPECT_GT(records_.buffers, 1u);
  EXPECT_EQ(records_.buffers, static_cast<std::uint64_t>(fake.buffers_completed()));
  EXPECT_EQ(records_.dropped, 0u);
}

TEST_F(CuptiRecords, DroppedRecordsAreCountedAndNoted) {
  fake.set_buffer_limit(1);  // CUPTI gets one 1 KB buffer; what does not fit is dropped
  trace(
      [&] {
        for (std::uint32_t i = 0; i < 40; ++i) fake.emit_record(kernel(kT0 + i * 100, kT0 + i * 100 + 50, 1000 + i));
      },
      1, 1024);
  EXPECT_GT(records_.gpu.size(), 0u);
  EXPECT_GT(records_.dropped, 0u);
  EXPECT_EQ(records_.gpu.size() + records_.dropped, 40u);
  EXPECT_EQ(out_.counters.at("cupti_dropped_records"), static_cast<double>(records_.dropped));
  ASSERT_EQ(out_.notes.size(), 1u);
  EXPECT_EQ(out_.notes[0], "cupti: " + std::to_string(records_.dropped) + " activity records dropped (buffers full)");
}

TEST_F(CuptiRecords, StopUndoesEverything) {
  trace([&] { fake.emit_record(kernel(kT0, kT0 + 1, 1)); });
  EXPECT_EQ(fake.enabled_count(), 0);
  EXPECT_EQ(fake.subscribed(), 0);
}

TEST_F(CuptiRecords, EveryTracedKindIsEnabledDuringThePass) {
  Tracer t(api);
  ASSERT_EQ(t.begin(), "");
  EXPECT_EQ(fake.enabled_count(), static_cast<int>(traced_kinds().size()));
  EXPECT_EQ(fake.subscribed(), 1);
  cupti::Records r;
  EXPECT_EQ(t.stop(r), "");
  EXPECT_EQ(fake.emit_record(kernel(1, 2, 3)), 0);  // disabled again: CUPTI makes no records
}

}  // namespace
}  // namespace sb::prof::cupti::test

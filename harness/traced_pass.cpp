#include "stratbench/harness/traced_pass.hpp"

#include <algorithm>
#include <cstdio>

#include "stratbench/harness/host_info.hpp"
#include "stratbench/profilers/nvtx.hpp"
#include "stratbench/profilers/profiler.hpp"
#include "stratbench/profilers/trace_file.hpp"

namespace sb {
namespace {

struct Active {
  const prof::ProfilerInfo* info;
  std::unique_ptr<prof::Profiler> profiler;
};

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", s);
  return buf;
}

void add_metadata(const CellJob& job, const Cell& c, const ProfileInfo& info, prof::Trace& t) {
  std::string profilers;
  for (const auto& [name, state] : info.profilers) profilers += (profilers.empty() ? "" : "; ") + name + ": " + state;
  t.metadata = {{"cell", c.id},
                {"workload", c.workload},
                {"strategy", c.strategy},
                {"params", params_to_string(c.params)},
                {"device", c.device},
                {"iterations", std::to_string(job.profile.iterations)},
                {"seconds_per_iteration", seconds_text(info.seconds_per_iteration)},
                {"profilers", profilers},
                {"commit", collect_git_info().commit},
                {"host", collect_host_info().cpu},
                {"producer", "stratbench run --trace"}};
}

}  // namespace

void run_traced_pass(Instance& inst, const CellJob& job, double untraced_s, Cell& c) {
  ProfileInfo info;
  info.iterations = job.profile.iterations;
  prof::Trace trace;
  trace.processes = {{prof::kCpuPid, "stratbench cell " + c.id + " (" + c.workload + " " + c.strategy + ")"}};
  std::vector<Active> active;
  bool tracing = false;
  for (const auto& name : job.profile.profilers) {
    const prof::ProfilerInfo* p = prof::find_profiler(name);
    if (!p) continue;  // validated when the matrix was read
    const prof::Availability a = p->available();
    if (!a.available) {
      info.profilers[name] = "unavailable: " + a.reason;
      continue;
    }
    for (const auto& part : a.parts)
      if (!part.available) info.unavailable[part.name] = part.reason;
    auto prof = p->make();
    if (std::string why = prof->begin(); !why.empty()) {
      info.profilers[name] = "unavailable: " + why;
      continue;
    }
    info.profilers[name] = "ok";
    tracing = tracing || p->tracing;
    active.push_back({p, std::move(prof)});
  }
  prof::name_this_thread("main");
  trace.base_ns = prof::now_ns();
  const std::int64_t t0 = prof::now_ns();
  double device_s = 0;  // device-timed cells: their own clock, as their samples are
  {
    SB_RANGE(prof::Category::harness, "traced pass");
    for (int i = 0; i < job.profile.iterations; ++i) {
      {
        SB_RANGE_INDEXED(prof::Category::harness, "iteration", i);
        if (inst.timed_on_device())
          device_s += inst.run_once_device_seconds();
        else
          inst.run_once();
      }
      for (auto& a : active) a.profiler->iteration_done(i);
    }
  }
  const std::int64_t t1 = prof::now_ns();
  info.seconds_per_iteration =
      (inst.timed_on_device() ? device_s : static_cast<double>(t1 - t0) * 1e-9) / job.profile.iterations;
  if (untraced_s > 0) info.overhead = info.seconds_per_iteration / untraced_s - 1;

  prof::PassOutput out;
  out.trace = &trace;
  // Ended in reverse: the last begun (the lightest) stops first and sees least of the rest.
  std::reverse(active.begin(), active.end());
  for (auto& a : active) {
    a.profiler->end(job.profile.iterations, out);
    // A profiler that failed during the pass (a CUPTI error mid-run) says so under its own
    // name; what it recorded before is dropped by it, and its state here says why.
    if (auto it = out.unavailable.find(a.info->name); it != out.unavailable.end()) {
      info.profilers[a.info->name] = "failed during the pass: " + it->second;
      out.unavailable.erase(it);
    }
  }
  info.ranges = out.ranges;
  info.ns_per_range = out.ns_per_range;
  for (const auto& [k, v] : out.counters) c.metrics.counters[k] = v;
  for (const auto& [k, why] : out.unavailable) info.unavailable[k] = why;
  if (out.gpu) c.metrics.gpu = out.gpu;
  info.notes = out.notes;
  if (tracing && !job.trace_path.empty()) {
    add_metadata(job, c, info, trace);
    try {
      prof::write_trace_file(job.trace_path, trace);
      c.trace = job.trace_ref.empty() ? job.trace_path : job.trace_ref;
    } catch (const std::exception& e) {
      // The timed results stand; only the trace is lost, and the cell says why.
      c.profile = std::move(info);
      c.profile->notes.push_back(std::string("trace not written: ") + e.what());
      return;
    }
  }
  c.profile = std::move(info);
}

}  // namespace sb

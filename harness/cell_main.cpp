#include "stratbench/harness/cell_main.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <new>

#include "stratbench/harness/busy_work.hpp"
#include "stratbench/harness/load/serve_cell.hpp"
#include "stratbench/harness/measure.hpp"
#include "stratbench/harness/traced_pass.hpp"
#include "stratbench/profilers/memory.hpp"
#include "stratbench/profilers/nvtx.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/json_fields.hpp"
#include "stratbench/result/result_json.hpp"
#include "stratbench/result/stats.hpp"
#include "stratbench/workloads/workload.hpp"

namespace sb {

using nlohmann::json;

json to_json(const CellJob& job) {
  json j = {{"cell", to_json(job.cell)}, {"measure", to_json(job.measure)}};
  if (job.profile.any()) j["profile"] = to_json(job.profile);
  if (!job.trace_path.empty()) j["trace_path"] = job.trace_path;
  if (!job.trace_ref.empty()) j["trace_ref"] = job.trace_ref;
  return j;
}

CellJob cell_job_from_json(const json& j, const std::string& where) {
  jf::Path p{where, ""};
  jf::object(j, p);
  CellJob job;
  job.cell = cell_from_json(jf::need(j, "cell", p), where);
  job.measure = measure_options_from_json(jf::need(j, "measure", p), where);
  if (const json* pr = jf::find(j, "profile")) job.profile = profile_options_from_json(*pr, p / "profile");
  if (const json* t = jf::find(j, "trace_path")) job.trace_path = jf::str(*t, p / "trace_path");
  if (const json* t = jf::find(j, "trace_ref")) job.trace_ref = jf::str(*t, p / "trace_ref");
  return job;
}

// Returns the median seconds of one warm-up iteration (robust to the cold first ones and
// to a moment of interference, so an injected slowdown is sized on the typical iteration).
static double warm_up(Instance& inst, double seconds) {
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  std::vector<double> each;
  auto last = t0;
  do {
    inst.run_once();
    const auto now = clock::now();
    each.push_back(std::chrono::duration<double>(now - last).count());
    last = now;
  } while (std::chrono::duration<double>(last - t0).count() < seconds);
  return stats::quantile(each, 0.5);
}

Cell run_cell_in_process(const CellJob& job) {
  Cell c = job.cell;
  c.status = CellStatus::failed;
  c.reason.clear();
  const Workload* w = find_workload(c.workload);
  if (!w) {
    c.reason = "unknown workload '" + c.workload + "'";
    return c;
  }
  if (w->info().runs_as_processes) return load::run_serve_cell(job);
  const Strategy st = parse_strategy(c.strategy);
  prof::reset_peak_rss();
  const prof::AllocCounts a0 = prof::alloc_counts();

  std::unique_ptr<Instance> inst;
  {
    SB_RANGE(prof::Category::harness, "prepare");
    inst = w->prepare(st, c.params, c.device);
  }
  {
    SB_RANGE(prof::Category::harness, "check");
    CheckResult chk = inst->check();
    c.metrics.quality = chk.quality;
    if (!chk.ok) {
      c.reason = "wrong result: " + chk.detail;
      return c;
    }
  }
  // The peak RSS reported is that of warm-up and measurement: the strategy's own memory.
  // The check's reference (a float64 product, an fp32 model) is gone by now, and counting
  // it put an int4 model's peak at that of the fp32 one. Its freed memory goes back to the
  // system first: malloc keeps freed heap pages resident, and they would count instead.
  prof::release_free_memory();
  prof::reset_peak_rss();
  double warm_iteration_s = 0;
  {
    SB_RANGE(prof::Category::harness, "warmup");
    warm_iteration_s = warm_up(*inst, job.measure.warmup_s);
  }
  // Calibration: a known, real slowdown of every measured iteration (not a sleep, not an
  // edited number), sized from the warm-up's time per iteration.
  std::uint64_t busy_units = 0;
  if (job.measure.inject_slowdown > 0) {
    if (inst->timed_on_device()) {
      c.reason = "--inject-slowdown works on host-timed cells only (this cell is timed on the device)";
      return c;
    }
    busy_units = busy_units_for(job.measure.inject_slowdown * warm_iteration_s);
  }
  MeasureResult m;
  {
    SB_RANGE(prof::Category::harness, "measure");
    std::function<double()> device_seconds;
    if (inst->timed_on_device()) device_seconds = [&] { return inst->run_once_device_seconds(); };
    std::function<void()> iteration = [&] { inst->run_once(); };
    if (busy_units > 0)
      iteration = [&] {
        inst->run_once();
        busy_work(busy_units);
      };
    m = measure(c.workload + "/" + c.strategy, iteration, job.measure, device_seconds);
  }
  if (!m.error.empty()) {
    c.reason = "benchmark error: " + m.error;
    return c;
  }
  // Allocations of one iteration, counted outside the timed loop so the count is exact.
  const prof::AllocCounts before = prof::alloc_counts();
  inst->run_once();
  const prof::AllocCounts after = prof::alloc_counts();

  c.samples["time_s"] = m.seconds_per_iteration;
  std::vector<double> ms;
  for (double s : m.seconds_per_iteration) ms.push_back(s * 1e3);
  c.metrics.latency_ms = stats::summarize(ms);
  const double p50_s = c.metrics.latency_ms->p50 / 1e3;
  const auto& inf = w->info();
  if (p50_s > 0)
    c.metrics.throughput = Throughput{inst->work_per_iteration() / p50_s * inf.throughput_scale, inf.throughput_unit};
  c.metrics.counters = inst->counters();
  // A counter "X_per_iter" also gets its rate "X_per_s" at the median time (tokens/s
  // next to MB/s, say), so secondary throughputs use the same statistic as the primary.
  for (const auto& [name, v] : inst->counters()) {
    const std::string suffix = "_per_iter";
    if (p50_s > 0 && name.size() > suffix.size() && name.ends_with(suffix))
      c.metrics.counters[name.substr(0, name.size() - suffix.size()) + "_per_s"] = v / p50_s;
  }
  c.metrics.counters["allocs_per_iteration"] = static_cast<double>(after.count - before.count);
  c.metrics.counters["iterations"] = static_cast<double>(m.total_iterations);
  if (job.measure.inject_slowdown > 0) c.metrics.counters["injected_slowdown"] = job.measure.inject_slowdown;
  c.metrics.stopping = m.stopping;
  c.metrics.memory.peak_rss_bytes = prof::peak_rss_bytes();
  const prof::AllocCounts a1 = prof::alloc_counts();
  c.metrics.memory.alloc_count = a1.count - a0.count;
  c.metrics.memory.alloc_bytes = a1.bytes - a0.bytes;
  // After every timed figure above: the traced pass's profilers never touch them.
  if (job.profile.any()) {
    try {
      run_traced_pass(*inst, job, p50_s, c);
    } catch (const std::exception& e) {
      // A failing profiler must not cost the cell its timed results.
      c.profile = ProfileInfo{};
      c.profile->iterations = job.profile.iterations;
      c.profile->notes.push_back(std::string("traced pass failed: ") + e.what());
    }
  }
  c.status = CellStatus::ok;
  return c;
}

int code(CellExit e) { return static_cast<int>(e); }

const char* describe(CellExit e) {
  switch (e) {
    case CellExit::ok: return "the result was written";
    case CellExit::bad_job: return "the cell could not read its job";
    case CellExit::cannot_write_result: return "the cell could not write its result";
    case CellExit::orphaned: return "the runner was gone before the cell started";
    case CellExit::exec_failed: return "the cell's binary could not be executed";
  }
  return "";
}

namespace {

// "fd:N" names a descriptor inherited from the runner (a memfd); anything else is a path,
// which keeps `stratbench __cell spec.json out.json` usable by hand when debugging a cell.
int inherited_fd(const std::string& arg) {
  if (arg.rfind("fd:", 0) != 0) return -1;
  char* end = nullptr;
  const long n = std::strtol(arg.c_str() + 3, &end, 10);
  return end && *end == 0 && n >= 0 && n < 65536 ? static_cast<int>(n) : -1;
}

std::string read_input(const std::string& arg) {
  const int fd = inherited_fd(arg);
  if (fd < 0) return read_text_file(arg);
  std::string out;
  char buf[65536];
  for (off_t off = 0;;) {
    const ssize_t n = ::pread(fd, buf, sizeof buf, off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw InputError(arg + ": cannot read the cell's job: " + std::strerror(errno));
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    off += n;
  }
  return out;
}

void write_output(const std::string& arg, const std::string& text) {
  const int fd = inherited_fd(arg);
  if (fd < 0) return write_text_file_atomic(arg, text);
  for (std::size_t off = 0; off < text.size();) {
    const ssize_t n = ::pwrite(fd, text.data() + off, text.size() - off, static_cast<off_t>(off));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error(arg + ": " + std::strerror(errno));
    off += static_cast<std::size_t>(n);
  }
}

}  // namespace

int cell_main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: stratbench " << kCellSubcommand << " SPEC OUT (internal; each a file or fd:N)\n";
    return code(CellExit::bad_job);
  }
  const std::string spec_path = argv[0], out_path = argv[1];
  CellJob job;
  try {
    job = cell_job_from_json(parse_json_text(read_input(spec_path), spec_path), spec_path);
  } catch (const InputError& e) {
    std::cerr << e.what() << "\n";
    return code(CellExit::bad_job);
  }
  Cell c;
  try {
    c = run_cell_in_process(job);
  } catch (const std::bad_alloc&) {
    c = job.cell;
    c.status = CellStatus::failed;
    c.reason = "out of memory (std::bad_alloc)";
  } catch (const std::exception& e) {
    c = job.cell;
    c.status = CellStatus::failed;
    c.reason = std::string("exception: ") + e.what();
  }
  try {
    // Bytes that are not UTF-8 (a reason quoting a library's message) become U+FFFD.
    write_output(out_path, to_json(c).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  } catch (const std::exception& e) {
    std::cerr << "cannot write cell result: " << e.what() << "\n";
    return code(CellExit::cannot_write_result);
  }
  return code(CellExit::ok);
}

}  // namespace sb

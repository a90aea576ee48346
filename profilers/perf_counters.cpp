// The "perf" profiler: CPU counters of the traced pass through perf_event_open, one set
// per thread of the cell (the pool's workers exist before the pass begins; threads made
// during it are counted through `inherit`). A counter the kernel refuses is absent with
// its reason, never a zero; derived values need both inputs.
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "profiler_rows.hpp"

namespace sb::prof {
namespace {

struct CounterSpec {
  const char* name;  // the metric's name, per traced iteration
  std::uint32_t type;
  std::uint64_t config;
  double scale;  // task clock: ns -> ms
};

const std::vector<CounterSpec>& counter_specs() {
  static const std::vector<CounterSpec> t = {
      {"task_clock_ms", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, 1e-6},
      {"context_switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, 1},
      {"cpu_migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS, 1},
      {"page_faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, 1},
      {"cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, 1},
      {"instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, 1},
      {"cache_misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES, 1},
      {"branch_misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES, 1},
  };
  return t;
}

int paranoid_level() {
  std::ifstream f("/proc/sys/kernel/perf_event_paranoid");
  int v = 2;
  f >> v;
  return v;
}

// Opens one counter on one thread, disabled. User space only where the kernel's paranoia
// forbids more to an unprivileged user (what `perf stat` calls :u).
int open_counter(const CounterSpec& s, pid_t tid, int& err) {
  perf_event_attr a{};
  a.size = sizeof a;
  a.type = s.type;
  a.config = s.config;
  a.disabled = 1;
  a.inherit = 1;
  a.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
  a.exclude_hv = 1;
  for (int user_only = 0; user_only < 2; ++user_only) {
    a.exclude_kernel = static_cast<std::uint64_t>(user_only);
    const long fd = ::syscall(SYS_perf_event_open, &a, tid, -1, -1, PERF_FLAG_FD_CLOEXEC);
    if (fd >= 0) return static_cast<int>(fd);
    err = errno;
    if (err != EACCES && err != EPERM) break;
  }
  return -1;
}

std::string reason_for(int err) {
  switch (err) {
    case ENOENT:
      return "the kernel exposes no such event here (ENOENT: a VM without a virtual PMU has no hardware "
             "counters)";
    case EOPNOTSUPP: return "the CPU or kernel does not support this event (EOPNOTSUPP)";
    case EACCES:
    case EPERM:
      return "not permitted (perf_event_paranoid=" + std::to_string(paranoid_level()) +
             "; a container's seccomp profile may also forbid perf_event_open)";
    case ENOSYS: return "perf_event_open is not available in this kernel (ENOSYS)";
    case ENODEV: return "no such PMU on this machine (ENODEV)";
    default: return std::string("perf_event_open failed: ") + std::strerror(err);
  }
}

std::vector<pid_t> this_process_threads() {
  std::vector<pid_t> out;
  std::error_code ec;
  for (const auto& d : std::filesystem::directory_iterator("/proc/self/task", ec))
    out.push_back(static_cast<pid_t>(std::stol(d.path().filename().string())));
  if (out.empty()) out.push_back(static_cast<pid_t>(::syscall(SYS_gettid)));
  return out;
}

class PerfProfiler : public Profiler {
 public:
  std::string begin() override {
    const auto threads = this_process_threads();
    for (const auto& s : counter_specs()) {
      Counter c{&s, {}, 0};
      for (pid_t tid : threads) {
        int err = 0;
        const int fd = open_counter(s, tid, err);
        if (fd >= 0)
          c.fds.push_back(fd);
        else if (c.fds.empty() && c.err == 0)
          c.err = err;  // a thread that exited meanwhile (ESRCH) does not make it unavailable
      }
      if (!c.fds.empty()) c.err = 0;
      counters_.push_back(std::move(c));
    }
    for (auto& c : counters_)
      for (int fd : c.fds) ::ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
    return "";
  }
  void end(int iterations, PassOutput& out) override {
    for (auto& c : counters_)
      for (int fd : c.fds) ::ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
    std::map<std::string, double> per_iter;
    for (auto& c : counters_) {
      if (c.fds.empty()) {
        out.unavailable[c.spec->name] = reason_for(c.err);
        continue;
      }
      double total = 0;
      bool ran = false;
      for (int fd : c.fds) {
        std::uint64_t v[3] = {0, 0, 0};  // value, time enabled, time running
        if (::read(fd, v, sizeof v) == static_cast<ssize_t>(sizeof v) && v[2] > 0) {
          // Scaled when the kernel multiplexed the counter (more events than registers).
          total += static_cast<double>(v[0]) * static_cast<double>(v[1]) / static_cast<double>(v[2]);
          ran = true;
        } else if (v[1] == 0) {
          ran = true;  // the thread never ran while enabled: a true zero for that thread
        }
        ::close(fd);
      }
      c.fds.clear();
      if (!ran) {
        out.unavailable[c.spec->name] = "opened but never scheduled on the PMU (all counters busy)";
        continue;
      }
      per_iter[c.spec->name] = total * c.spec->scale / iterations;
    }
    for (const auto& [k, v] : per_iter) out.counters[k] = v;
    auto has = [&](const char* k) { return per_iter.count(k) != 0; };
    if (has("cycles") && has("instructions") && per_iter["cycles"] > 0)
      out.counters["ipc"] = per_iter["instructions"] / per_iter["cycles"];
    for (const char* miss : {"cache_misses", "branch_misses"})
      if (has(miss) && has("instructions") && per_iter["instructions"] > 0)
        out.counters[std::string(miss) + "_per_kinstr"] = per_iter[miss] * 1000 / per_iter["instructions"];
  }
  ~PerfProfiler() override {
    for (auto& c : counters_)
      for (int fd : c.fds) ::close(fd);
  }

 private:
  struct Counter {
    const CounterSpec* spec;
    std::vector<int> fds;
    int err;
  };
  std::vector<Counter> counters_;
};

}  // namespace

Availability perf_availability() {
  Availability a;
  const pid_t self = static_cast<pid_t>(::syscall(SYS_gettid));
  for (const auto& s : counter_specs()) {
    int err = 0;
    const int fd = open_counter(s, self, err);
    if (fd >= 0) ::close(fd);
    a.parts.push_back({s.name, fd >= 0, fd >= 0 ? "" : reason_for(err)});
    a.available = a.available || fd >= 0;
  }
  if (!a.available) a.reason = "no counter can be opened: " + a.parts.front().reason;
  return a;
}

std::unique_ptr<Profiler> make_perf_profiler() { return std::make_unique<PerfProfiler>(); }

}  // namespace sb::prof

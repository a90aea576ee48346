#include "stratbench/harness/host_info.hpp"

#include <sys/utsname.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "stratbench/profilers/gpu_info.hpp"
#include "stratbench/workloads/cpu_features.hpp"

#ifndef STRATBENCH_SOURCE_DIR
#define STRATBENCH_SOURCE_DIR ""
#endif
#ifndef STRATBENCH_GIT_COMMIT
#define STRATBENCH_GIT_COMMIT ""
#endif
#ifndef STRATBENCH_BUILD_TYPE
#define STRATBENCH_BUILD_TYPE ""
#endif

namespace sb {

static std::string first_match(const char* path, const std::string& key, char sep) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) != 0) continue;
    auto pos = line.find(sep);
    if (pos == std::string::npos) continue;
    std::string v = line.substr(pos + 1);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t' || v.front() == '"')) v.erase(v.begin());
    while (!v.empty() && (v.back() == '"' || v.back() == ' ')) v.pop_back();
    return v;
  }
  return {};
}

HostInfo collect_host_info() {
  HostInfo h;
  h.cpu = first_match("/proc/cpuinfo", "model name", ':');
  h.cores = static_cast<int>(std::thread::hardware_concurrency());
  h.flags = cpu_flags();
  std::string mem = first_match("/proc/meminfo", "MemTotal", ':');
  if (!mem.empty()) h.memory_bytes = std::stoull(mem) * 1024ull;
  h.os = first_match("/etc/os-release", "PRETTY_NAME", '=');
  utsname u{};
  if (::uname(&u) == 0) h.kernel = std::string(u.sysname) + " " + u.release + " " + u.machine;
#if defined(__clang__)
  h.compiler = "clang " __clang_version__;
#elif defined(__GNUC__)
  h.compiler = "gcc " __VERSION__;
#endif
  h.build_type = STRATBENCH_BUILD_TYPE;
  h.gpus = prof::gpu_inventory();
  return h;
}

static std::string run_capture(const std::string& cmd) {
  std::unique_ptr<FILE, int (*)(FILE*)> p(::popen(cmd.c_str(), "r"), ::pclose);
  if (!p) return {};
  std::string out;
  std::array<char, 256> buf{};
  while (std::fgets(buf.data(), buf.size(), p.get())) out += buf.data();
  return out;
}

GitInfo collect_git_info() {
  GitInfo g;
  const std::string dir = STRATBENCH_SOURCE_DIR;
  if (!dir.empty()) {
    const std::string git = "git -C '" + dir + "' ";
    std::string commit = run_capture(git + "rev-parse HEAD 2>/dev/null");
    while (!commit.empty() && (commit.back() == '\n' || commit.back() == ' ')) commit.pop_back();
    if (commit.size() == 40) {
      g.commit = commit;
      g.dirty = !run_capture(git + "status --porcelain --untracked-files=no 2>/dev/null").empty();
      return g;
    }
  }
  g.commit = STRATBENCH_GIT_COMMIT;
  return g;
}

std::string utc_timestamp() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace sb

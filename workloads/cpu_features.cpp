#include "stratbench/workloads/cpu_features.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include <fstream>
#include <sstream>

namespace sb {

namespace {

bool has_avx2_fma() {
#if defined(__x86_64__) || defined(__i386__)
  // libgcc's detection also checks XCR0, so a CPU whose OS does not save ymm/zmm state
  // reports the feature as absent, as it must.
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

bool has_avx512f() {
#if defined(__x86_64__) || defined(__i386__)
  return __builtin_cpu_supports("avx512f");
#else
  return false;
#endif
}

std::vector<std::string> flags_from_proc_cpuinfo() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    // x86 says "flags", arm64 says "Features"; the first processor's line is enough.
    if (line.rfind("flags", 0) != 0 && line.rfind("Features", 0) != 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::istringstream words(line.substr(colon + 1));
    std::vector<std::string> flags;
    for (std::string w; words >> w;) flags.push_back(w);
    return flags;
  }
  return {};
}

std::vector<std::string> flags_from_cpuid() {
  std::vector<std::string> flags;
#if defined(__x86_64__) || defined(__i386__)
  // __builtin_cpu_supports takes only string literals, hence the spelled-out table.
  const struct {
    const char* name;
    bool present;
  } table[] = {
      {"sse2", __builtin_cpu_supports("sse2") != 0},
      {"ssse3", __builtin_cpu_supports("ssse3") != 0},
      {"sse4_1", __builtin_cpu_supports("sse4.1") != 0},
      {"sse4_2", __builtin_cpu_supports("sse4.2") != 0},
      {"popcnt", __builtin_cpu_supports("popcnt") != 0},
      {"avx", __builtin_cpu_supports("avx") != 0},
      {"avx2", __builtin_cpu_supports("avx2") != 0},
      {"fma", __builtin_cpu_supports("fma") != 0},
      {"bmi2", __builtin_cpu_supports("bmi2") != 0},
      {"avx512f", __builtin_cpu_supports("avx512f") != 0},
      {"avx512bw", __builtin_cpu_supports("avx512bw") != 0},
      {"avx512vl", __builtin_cpu_supports("avx512vl") != 0},
      {"avx512vnni", __builtin_cpu_supports("avx512vnni") != 0},
      {"avx512bf16", __builtin_cpu_supports("avx512bf16") != 0},
  };
  for (const auto& f : table) {
    if (f.present) flags.emplace_back(f.name);
  }
#endif
  return flags;
}

}  // namespace

SimdLevel best_simd_level() {
  if (has_avx512f()) return SimdLevel::avx512;
  if (has_avx2_fma()) return SimdLevel::avx2;
  return SimdLevel::scalar;
}

bool cpu_has_f16c() {
#if defined(__x86_64__) || defined(__i386__)
  unsigned a = 0, b = 0, c = 0, d = 0;
  return __get_cpuid(1, &a, &b, &c, &d) != 0 && (c & bit_F16C) != 0;
#else
  return false;
#endif
}

SimdLevel simd_level(SimdKnob knob, SimdLevel best) {
  switch (knob) {
    case SimdKnob::off: return SimdLevel::scalar;
    case SimdKnob::avx2: return SimdLevel::avx2;
    case SimdKnob::avx512: return SimdLevel::avx512;
    case SimdKnob::automatic: return best;
  }
  return SimdLevel::scalar;
}

bool simd_level_supported(SimdLevel level) {
  switch (level) {
    case SimdLevel::scalar: return true;
    case SimdLevel::avx2: return has_avx2_fma();
    case SimdLevel::avx512: return has_avx512f();
  }
  return false;
}

const char* to_string(SimdLevel level) {
  switch (level) {
    case SimdLevel::scalar: return "scalar";
    case SimdLevel::avx2: return "avx2";
    case SimdLevel::avx512: return "avx512";
  }
  return "unknown";
}

std::vector<std::string> cpu_flags() {
  auto flags = flags_from_proc_cpuinfo();
  return flags.empty() ? flags_from_cpuid() : flags;
}

}  // namespace sb

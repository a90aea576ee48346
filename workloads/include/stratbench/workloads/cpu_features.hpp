#pragma once

#include <string>
#include <vector>

#include "stratbench/workloads/strategy.hpp"

namespace sb {

// Instruction-set levels that kernels are specialized for, in increasing order.
enum class SimdLevel { scalar, avx2, avx512 };

// The widest level this CPU and OS can run (AVX2 counts only together with FMA, because
// every AVX2 kernel here uses FMA). Detected at run time: the project is built without
// -march=native, so one binary serves every host.
SimdLevel best_simd_level();

// The `simd` knob as a level: off is scalar, a named ISA is itself, auto is `best` (each
// workload passes the best level its own kernels can use here).
SimdLevel simd_level(SimdKnob knob, SimdLevel best);

// F16C (half <-> float conversions), read from CPUID directly: not every compiler's
// __builtin_cpu_supports knows the name. The ymm forms also need the OS's AVX state,
// which simd_level_supported(SimdLevel::avx2) checks.
bool cpu_has_f16c();

// Whether `level` can run on this CPU; scalar always can.
bool simd_level_supported(SimdLevel level);

// "scalar", "avx2" or "avx512": the spelling used in results and error messages.
const char* to_string(SimdLevel level);

// The CPU's instruction-set flags in the kernel's /proc/cpuinfo spelling ("avx2", "fma",
// "avx512f", ...), for the host record of a run. Falls back to a fixed list probed with
// CPUID where /proc/cpuinfo is unreadable.
std::vector<std::string> cpu_flags();

}  // namespace sb

// When timings taken on two hosts may be compared: the one rule, used by `compare` and
// `gate` (which refuse incomparable runs unless --force, naming each difference) and by
// the history (whose series are per host fingerprint, the rule hashed).
//
// The rule. Two hosts are comparable when all of these match:
//   - the CPU model, the core count, and the set of CPU flags (their order is not a
//     difference: the same machine can list them in another order);
//   - the memory rounded to the nearest GiB: MemTotal moves by a few kB between boots
//     and kernel versions (the kernel's own reservations), which changes no timing;
//   - the OS and the kernel;
//   - the compiler and the build type of the stratbench binary: codegen and assertions
//     change timings as much as a code change does (gate --interleave of two builds from
//     different compilers therefore needs --force, and says why);
//   - the set of GPU models. Not the GPU count (a cell uses one device), nor the driver
//     or CUDA version: the fingerprint never held them, and adding them would split every
//     existing history series (a driver update shows up there as a change point instead).
#pragma once

#include <string>
#include <vector>

#include "stratbench/result/result.hpp"

namespace sb {

// Each difference, named with both values, base first: "host cpu differs: 'A' vs 'B'".
// Empty when comparable.
std::vector<std::string> host_differences(const HostInfo& base, const HostInfo& next);
bool comparable(const HostInfo& a, const HostInfo& b);

// 16 hex digits, stable across runs and builds: the rule's normalized fields, hashed.
// Equal fingerprints are comparable hosts (up to a hash collision). Stored in history
// databases: what it hashes must not change, or existing series would split.
std::string host_fingerprint(const HostInfo& h);

}  // namespace sb

namespace sb {

// The host a cell ran on: a merged run's cells name theirs (Cell::host), others ran on the
// run header's host.
const HostInfo& host_of(const RunFile& run, const Cell& cell);

}  // namespace sb

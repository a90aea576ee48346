// The host fingerprint recorded in every run header.
#pragma once

#include "stratbench/result/result.hpp"

namespace sb {

// CPU model, SIMD-relevant flags, cores, memory, OS, kernel, compiler, build type, GPUs.
HostInfo collect_host_info();
// The source tree's commit and whether it had uncommitted changes; falls back to the
// commit recorded at configure time when git or the tree is not there.
GitInfo collect_git_info();
// "2026-11-22T10:00:00Z"
std::string utc_timestamp();

}  // namespace sb

// The `stratbench` command line. main() calls use_best_openblas_kernels() then
// stratbench_main(); test builds call both too, registering their own fault-injecting
// workloads in between.
#pragma once

namespace sb {
// Exit codes: 0 success, 1 a command's negative answer (e.g. failed cells), 2 input error.
int stratbench_main(int argc, char** argv);

// When OpenBLAS runs a generic fallback core on this CPU (workloads/blas_core.hpp), runs
// this program again (execv, same argv) with OPENBLAS_CORETYPE set to the kernels the CPU
// has; the cells it starts inherit the variable. Returns when there is nothing to do or
// the exec failed. A process's main calls it first: never in-process callers of
// stratbench_main (the fuzz targets), which are not this program.
void use_best_openblas_kernels(char** argv);
}  // namespace sb

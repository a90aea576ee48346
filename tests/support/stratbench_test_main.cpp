// The CLI with the test-only fault workload registered: what the black-box tests drive.
#include "fault_workloads.hpp"
#include "stratbench/cli/cli.hpp"

int main(int argc, char** argv) {
  sb::use_best_openblas_kernels(argv);
  sb::test::register_fault_workloads();
  return sb::stratbench_main(argc, argv);
}

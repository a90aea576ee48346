#include "stratbench/cli/cli.hpp"

int main(int argc, char** argv) {
  sb::use_best_openblas_kernels(argv);
  return sb::stratbench_main(argc, argv);
}

#include "stratbench/cli/cli.hpp"

int main(int argc, char** argv) { return sb::stratbench_main(argc, argv); }

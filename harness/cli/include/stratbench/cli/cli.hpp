// The `stratbench` command line. main() only calls stratbench_main(); test builds call it
// too, after registering their own fault-injecting workloads.
#pragma once

namespace sb {
// Exit codes: 0 success, 1 a command's negative answer (e.g. failed cells), 2 input error.
int stratbench_main(int argc, char** argv);
}  // namespace sb

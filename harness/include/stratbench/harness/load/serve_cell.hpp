// A matrix cell of workload `serve` (workloads/serve/serve_workload.hpp), run in the cell's
// process: it starts `stratbench serve` under the cell's strategy on a free loopback port,
// waits for it to listen, sends the cell's load (one open-loop level at `rate`), scrapes
// the server's /metrics, and stops it with SIGTERM. So `stratbench run -w serve -s
// sched=fcfs,sched=continuous -p rate=1-8*2` measures each strategy at each rate like any
// other matrix, with resume, isolation and timeouts.
#pragma once

#include "stratbench/harness/cell_main.hpp"

namespace sb::load {

// The cell with its measurements, or failed with the reason (the server's own words when
// it would not start or did not exit cleanly).
Cell run_serve_cell(const CellJob& job);

}  // namespace sb::load

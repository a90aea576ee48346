// The traced pass: after a cell's timed samples (never during them), a few more iterations
// with the chosen profilers begun around them. It records the profilers' state, counters
// and the pass's cost against the untraced median in the cell, and writes the trace file.
#pragma once

#include "stratbench/harness/cell_main.hpp"
#include "stratbench/workloads/workload.hpp"

namespace sb {

// `untraced_s`: the timed samples' median seconds per iteration (0 when unknown).
void run_traced_pass(Instance& inst, const CellJob& job, double untraced_s, Cell& c);

}  // namespace sb

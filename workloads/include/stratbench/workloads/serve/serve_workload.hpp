// `serve`: the question-answering server under a strategy, measured by an open-loop load
// at `rate` requests/s. WorkloadInfo only (parameters, knobs, help, validation): the
// harness runs each cell as a `stratbench serve` process and a load against it
// (harness/load/serve_cell.hpp), since the measurement is a whole load run, not a loop of
// iterations.
#pragma once

#include <memory>

#include "stratbench/workloads/workload.hpp"

namespace sb {

std::unique_ptr<Workload> make_serve_workload();

}  // namespace sb

// The sample run shipped for the GUI tests, and small runs built in code for edge cases.
#pragma once

#include <string>
#include <utility>

#include <QString>

#include "stratbench/result/result.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb::gui::test {

inline QString samplePath() { return QStringLiteral(STRATBENCH_GUI_SAMPLE); }
inline sb::RunFile loadSample() { return sb::read_run_file(STRATBENCH_GUI_SAMPLE); }

// An ok cell with a throughput and nothing else measured.
inline sb::Cell okCell(std::string workload, std::string strategy, sb::Params params, double throughput,
                       std::string unit = "GFLOP/s", std::string device = "cpu") {
  sb::Cell c;
  c.workload = std::move(workload);
  c.strategy = std::move(strategy);
  c.params = std::move(params);
  c.device = std::move(device);
  c.status = sb::CellStatus::ok;
  c.metrics.throughput = sb::Throughput{throughput, std::move(unit)};
  return c;
}

}  // namespace sb::gui::test

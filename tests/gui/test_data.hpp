// The sample run shipped for the GUI tests, and small runs built in code for edge cases.
#pragma once

#include <fstream>
#include <string>
#include <utility>

#include <QString>
#include <QVariant>

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

// The sample with the time samples of one strategy's cells scaled by `factor` (1.2: 20%
// slower): the "new" run of a comparison whose answer is known.
inline sb::RunFile slowedSample(const std::string& strategy, double factor) {
  sb::RunFile run = loadSample();
  for (sb::Cell& c : run.cells) {
    if (c.strategy != strategy) continue;
    for (double& t : c.samples["time_s"]) t *= factor;
  }
  return run;
}

// Writes run as a results file; false when it cannot.
inline bool writeRun(const sb::RunFile& run, const std::string& path) {
  std::ofstream out(path);
  out << sb::to_json(run).dump(1);
  return static_cast<bool>(out);
}

// The text of a tooltip made by plainToolTip (qt_text.hpp): unwrapped and unescaped, or
// the string itself when it is not one.
inline QString tooltipText(const QVariant& tip) {
  QString s = tip.toString();
  const QString head = QStringLiteral("<p style='white-space:pre'>"), tail = QStringLiteral("</p>");
  if (!s.startsWith(head) || !s.endsWith(tail)) return s;
  s = s.mid(head.size(), s.size() - head.size() - tail.size());
  s.replace(QStringLiteral("&lt;"), QStringLiteral("<")).replace(QStringLiteral("&gt;"), QStringLiteral(">"));
  s.replace(QStringLiteral("&quot;"), QStringLiteral("\"")).replace(QStringLiteral("&#39;"), QStringLiteral("'"));
  return s.replace(QStringLiteral("&amp;"), QStringLiteral("&"));
}

}  // namespace sb::gui::test

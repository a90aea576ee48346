// One writer per output format, each a small class with the same hooks, registered in one
// name -> factory table (writer.cpp). Hooks are called begin once, record once per cell in
// file order, end once; writers hold no state beyond what their format needs.
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "stratbench/result/metrics_table.hpp"
#include "stratbench/result/result.hpp"

namespace sb {

class Writer {
 public:
  virtual ~Writer() = default;
  virtual void begin(const RunFile& run) = 0;  // the whole file, for formats needing context
  virtual void record(const Cell& c) = 0;
  virtual void end() = 0;
};

using WriterFactory = std::function<std::unique_ptr<Writer>(std::ostream&)>;

struct WriterEntry {
  std::string name;
  std::string help;
  WriterFactory make;
};

const std::vector<WriterEntry>& writer_table();
// nullptr when unknown.
std::unique_ptr<Writer> make_writer(const std::string& name, std::ostream& out);
std::string writer_names();
// begin, record every cell, end.
void write_report(Writer& w, const RunFile& run);

// The table printed at the end of `stratbench run` and by `report --format table`.
std::string format_run_table(const RunFile& run);

// Helpers shared by the writers.
std::string cell_label_params(const Cell& c);
// A metric as the text reports show it: the displayed value with the row's significant
// digits (MiB with one decimal), then the cell's own unit where the unit is the cell's
// ("61 GFLOP/s"); "—" when the cell lacks it. Not for a family row.
std::string metric_text(const MetricField& f, const Cell& c);
// A column heading of the text reports: the label and the displayed unit ("p50 ms", "cv %").
std::string metric_heading(const MetricField& f);
// The metric columns of the terminal and HTML tables, between status and quality.
const std::vector<const MetricField*>& table_metrics();
std::string throughput_text(const Cell& c);
// The output quality against the workload's reference, what the cell has of it (every
// quality row of the metrics table, labelled): "err 0.045, top-1 93.8%, KL 0.00015" (an
// LLM cell), "err 2.9e-07" (GEMM), "—" (none).
std::string quality_text(const Cell& c);

}  // namespace sb

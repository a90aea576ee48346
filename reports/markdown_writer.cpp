#include "stratbench/reports/escape.hpp"
#include "stratbench/reports/text_table.hpp"
#include "writers.hpp"

namespace sb {
namespace {

// Every string from the results file goes through markdown_text (or, for the command line,
// markdown_code_span): see escape.hpp for what each neutralises.
constexpr auto md = markdown_text;

// The terminal table's metrics with the p90 after the p50: a page has room for the tail
// latency that the terminal's width leaves out.
const std::vector<const MetricField*>& metrics() {
  static const std::vector<const MetricField*> m = [] {
    std::vector<const MetricField*> v = table_metrics();
    v.insert(v.begin() + 1, &metric_field("latency_ms.p90"));
    return v;
  }();
  return m;
}

class MarkdownWriter final : public Writer {
 public:
  explicit MarkdownWriter(std::ostream& out) : out_(out) {}
  void begin(const RunFile& run) override {
    const auto& h = run.run;
    out_ << "# stratbench run " << md(h.id) << "\n\n";
    out_ << "- started " << md(h.started) << ", finished " << md(h.finished) << "\n";
    out_ << "- host: " << md(h.host.cpu) << ", " << h.host.cores << " cores, " << md(h.host.os) << "\n";
    out_ << "- commit " << md(h.git.commit.empty() ? "unknown" : h.git.commit) << (h.git.dirty ? " (dirty)" : "")
         << ", build " << md(h.host.build_type) << "\n";
    out_ << "- command: " << markdown_code_span(h.command) << "\n\n";
    out_ << "| workload | strategy | params | device | status |";
    for (const auto* f : metrics()) out_ << " " << metric_heading(*f) << " |";
    out_ << " quality | reason |\n|---|---|---|---|---|";
    for (std::size_t i = 0; i < metrics().size(); ++i) out_ << "---:|";
    out_ << "---|---|\n";
  }
  void record(const Cell& c) override {
    out_ << "| " << md(c.workload) << " | " << md(c.strategy) << " | " << md(cell_label_params(c)) << " | "
         << md(c.device) << " | " << to_string(c.status) << " | ";
    for (const auto* f : metrics()) out_ << md(metric_text(*f, c)) << " | ";
    out_ << md(quality_text(c)) << " | " << md(c.reason) << " |\n";
  }
  void end() override { out_ << "\n"; }

 private:
  std::ostream& out_;
};

}  // namespace

std::unique_ptr<Writer> make_markdown_writer(std::ostream& out) { return std::make_unique<MarkdownWriter>(out); }

}  // namespace sb

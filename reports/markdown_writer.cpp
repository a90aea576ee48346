#include "stratbench/reports/escape.hpp"
#include "stratbench/reports/text_table.hpp"
#include "writers.hpp"

namespace sb {
namespace {

// Every string from the results file goes through markdown_text (or, for the command line,
// markdown_code_span): see escape.hpp for what each neutralises.
constexpr auto md = markdown_text;

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
    out_ << "| workload | strategy | params | device | status | p50 ms | p90 ms | cv % | throughput | peak RSS MiB | "
            "quality | reason |\n";
    out_ << "|---|---|---|---|---|---:|---:|---:|---:|---:|---|---|\n";
  }
  void record(const Cell& c) override {
    const auto& m = c.metrics;
    out_ << "| " << md(c.workload) << " | " << md(c.strategy) << " | " << md(cell_label_params(c))
         << " | " << md(c.device) << " | " << to_string(c.status) << " | "
         << (m.latency_ms ? fmt_num(m.latency_ms->p50) : "—") << " | "
         << (m.latency_ms ? fmt_num(m.latency_ms->p90) : "—") << " | "
         << (m.latency_ms ? fmt_num(m.latency_ms->cv * 100, 2) : "—") << " | " << md(throughput_text(c)) << " | "
         << (m.memory.peak_rss_bytes ? fmt_mib(static_cast<double>(*m.memory.peak_rss_bytes)) : "—") << " | "
         << md(quality_text(c)) << " | " << md(c.reason) << " |\n";
  }
  void end() override { out_ << "\n"; }

 private:
  std::ostream& out_;
};

}  // namespace

std::unique_ptr<Writer> make_markdown_writer(std::ostream& out) { return std::make_unique<MarkdownWriter>(out); }

}  // namespace sb

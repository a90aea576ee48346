#include "stratbench/reports/text_table.hpp"
#include "writers.hpp"

namespace sb {
namespace {

// Markdown tables break on '|' and newlines inside cells; escape them.
std::string md_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

class MarkdownWriter final : public Writer {
 public:
  explicit MarkdownWriter(std::ostream& out) : out_(out) {}
  void begin(const RunFile& run) override {
    const auto& h = run.run;
    out_ << "# stratbench run " << md_escape(h.id) << "\n\n";
    out_ << "- started " << md_escape(h.started) << ", finished " << md_escape(h.finished) << "\n";
    out_ << "- host: " << md_escape(h.host.cpu) << ", " << h.host.cores << " cores, " << md_escape(h.host.os) << "\n";
    out_ << "- commit " << md_escape(h.git.commit.empty() ? "unknown" : h.git.commit) << (h.git.dirty ? " (dirty)" : "")
         << ", build " << md_escape(h.host.build_type) << "\n";
    out_ << "- command: `" << md_escape(h.command) << "`\n\n";
    out_ << "| workload | strategy | params | device | status | p50 ms | p90 ms | cv % | throughput | peak RSS MiB | "
            "quality | reason |\n";
    out_ << "|---|---|---|---|---|---:|---:|---:|---:|---:|---|---|\n";
  }
  void record(const Cell& c) override {
    const auto& m = c.metrics;
    out_ << "| " << md_escape(c.workload) << " | " << md_escape(c.strategy) << " | " << md_escape(cell_label_params(c))
         << " | " << md_escape(c.device) << " | " << to_string(c.status) << " | "
         << (m.latency_ms ? fmt_num(m.latency_ms->p50) : "—") << " | "
         << (m.latency_ms ? fmt_num(m.latency_ms->p90) : "—") << " | "
         << (m.latency_ms ? fmt_num(m.latency_ms->cv * 100, 2) : "—") << " | " << md_escape(throughput_text(c)) << " | "
         << (m.memory.peak_rss_bytes ? fmt_mib(static_cast<double>(*m.memory.peak_rss_bytes)) : "—") << " | "
         << md_escape(quality_text(c)) << " | " << md_escape(c.reason) << " |\n";
  }
  void end() override { out_ << "\n"; }

 private:
  std::ostream& out_;
};

}  // namespace

std::unique_ptr<Writer> make_markdown_writer(std::ostream& out) { return std::make_unique<MarkdownWriter>(out); }

}  // namespace sb

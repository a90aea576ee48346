#include "stratbench/reports/writer.hpp"

#include "stratbench/reports/text_table.hpp"
#include "writers.hpp"

namespace sb {

const std::vector<WriterEntry>& writer_table() {
  static const std::vector<WriterEntry> t = {
      {"table", "aligned text for the terminal", make_table_writer},
      {"md", "a Markdown table (for pull requests and wikis)", make_markdown_writer},
      {"csv", "one row per cell, RFC 4180 quoting", make_csv_writer},
      {"json", "the results file itself (schema stratbench/run/v1)", make_json_writer},
      {"html", "one self-contained page: the table and a chart of each metric per strategy", make_html_writer},
      {"gbench", "Google Benchmark JSON (for compare.py, github-action-benchmark)", make_gbench_writer},
  };
  return t;
}

std::unique_ptr<Writer> make_writer(const std::string& name, std::ostream& out) {
  for (const auto& e : writer_table())
    if (e.name == name) return e.make(out);
  return nullptr;
}

std::string writer_names() {
  std::string s;
  for (const auto& e : writer_table()) s += (s.empty() ? "" : ", ") + e.name;
  return s;
}

void write_report(Writer& w, const RunFile& run) {
  w.begin(run);
  for (const auto& c : run.cells) w.record(c);
  w.end();
}

std::string cell_label_params(const Cell& c) { return params_to_string(c.params); }

std::string throughput_text(const Cell& c) {
  if (!c.metrics.throughput) return "—";
  return fmt_num(c.metrics.throughput->value) + " " + c.metrics.throughput->unit;
}

std::string quality_text(const Cell& c) {
  const auto& q = c.metrics.quality;
  std::string s;
  auto add = [&](const std::string& part) { s += (s.empty() ? "" : ", ") + part; };
  // Two significant digits are enough to read against the floors (1e-5 for fp32 to 1.2 for
  // int4); top-1 is a fraction of a few dozen tokens, so three.
  if (q.rel_error) add("err " + fmt_num(*q.rel_error, 2));
  if (q.top1_agreement) add("top-1 " + fmt_num(*q.top1_agreement * 100, 3) + "%");
  if (q.kl) add("KL " + fmt_num(*q.kl, 2));
  return s.empty() ? "—" : s;
}

std::string format_run_table(const RunFile& run) {
  TextTable t({"workload", "strategy", "params", "device", "status", "p50 ms", "cv %", "throughput", "peak RSS MiB",
               "quality", "note"},
              {false, false, false, false, false, true, true, true, true, false, false});
  for (const auto& c : run.cells) {
    const auto& m = c.metrics;
    std::string note = c.reason;
    if (c.status == CellStatus::ok && m.stopping && !m.stopping->target_reached)
      note = "rse " + fmt_num(m.stopping->achieved_rse * 100, 3) + "% > target " +
             fmt_num(m.stopping->target_rse * 100, 2) + "%";
    if (note.size() > 70) {
      std::size_t cut = 67;  // at a character boundary: half a UTF-8 sequence would show as escapes
      while (cut > 0 && (static_cast<unsigned char>(note[cut]) & 0xC0) == 0x80) --cut;
      note = note.substr(0, cut) + "...";
    }
    for (auto& ch : note)
      if (ch == '\n') ch = ' ';
    t.add_row({c.workload, c.strategy, cell_label_params(c), c.device, to_string(c.status),
               m.latency_ms ? fmt_num(m.latency_ms->p50) : "—", m.latency_ms ? fmt_num(m.latency_ms->cv * 100, 2) : "—",
               throughput_text(c), m.memory.peak_rss_bytes ? fmt_mib(static_cast<double>(*m.memory.peak_rss_bytes)) : "—",
               quality_text(c), note});
  }
  return t.render();
}

}  // namespace sb

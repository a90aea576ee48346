#include "stratbench/reports/writer.hpp"
#include "stratbench/result/text.hpp"

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
  return join(writer_table(), ", ", [](const auto& e) { return e.name; });
}

void write_report(Writer& w, const RunFile& run) {
  w.begin(run);
  for (const auto& c : run.cells) w.record(c);
  w.end();
}

std::string cell_label_params(const Cell& c) { return params_to_string(c.params); }

// The displayed value with the row's digits; MiB with one decimal (fmt_mib).
static std::string value_text(const MetricField& f, double stored) {
  if (f.display == Display::mebibytes) return fmt_mib(stored);
  return fmt_num(display_value(f, stored), f.digits);
}

std::string metric_text(const MetricField& f, const Cell& c) {
  const auto v = f.get(c);
  if (!v) return "—";
  std::string s = value_text(f, *v);
  if (f.cell_unit) s += ' ' + f.cell_unit(c);  // appended: GCC 12 warns falsely (-Wrestrict) on " " + std::string&&
  return s;
}

std::string metric_heading(const MetricField& f) {
  const std::string unit = display_unit(f);
  return f.label + (unit.empty() ? "" : " " + unit);
}

const std::vector<const MetricField*>& table_metrics() {
  static const std::vector<const MetricField*> t = {&metric_field("latency_ms.p50"), &metric_field("latency_ms.cv"),
                                                    &metric_field("throughput.value"),
                                                    &metric_field("memory.peak_rss_bytes")};
  return t;
}

std::string throughput_text(const Cell& c) { return metric_text(metric_field("throughput.value"), c); }

std::string quality_text(const Cell& c) {
  std::vector<std::string> parts;
  for (const auto& f : metric_fields()) {
    if (f.kind != MetricKind::quality) continue;
    // In a list of labelled values a percentage carries its sign (a column has it in its heading).
    if (const auto v = f.get(c))
      parts.push_back(f.label + " " + value_text(f, *v) + (f.display == Display::percent ? "%" : ""));
  }
  return parts.empty() ? "—" : join(parts, ", ");
}

std::string format_run_table(const RunFile& run) {
  std::vector<std::string> header = {"workload", "strategy", "params", "device", "status"};
  for (const auto* f : table_metrics()) header.push_back(metric_heading(*f));
  header.insert(header.end(), {"quality", "note"});
  std::vector<bool> right(5, false);
  right.resize(5 + table_metrics().size(), true);
  TextTable t(header, right);  // it pads `right` with false: quality and note are left-aligned
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
    std::vector<std::string> row = {c.workload, c.strategy, cell_label_params(c), c.device, to_string(c.status)};
    for (const auto* f : table_metrics()) row.push_back(metric_text(*f, c));
    row.insert(row.end(), {quality_text(c), note});
    t.add_row(row);
  }
  return t.render();
}

}  // namespace sb

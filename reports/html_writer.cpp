// A self-contained HTML report: inline CSS and SVG, no script, nothing fetched at view
// time. Every string from the results file is escaped: a results file is untrusted input.
#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "stratbench/reports/escape.hpp"
#include "stratbench/reports/html_report.hpp"
#include "stratbench/reports/text_table.hpp"
#include "writers.hpp"

namespace sb {
namespace {

// Every string from the results file reaches the page through this (escape.hpp).
std::string esc(const std::string& s) { return html_escape(s); }

struct Bar {
  std::string label;
  double value;
};

// Horizontal bars, one per strategy, labelled with their values.
std::string svg_bars(const std::string& title, const std::string& unit, const std::vector<Bar>& bars) {
  const int row = 22, left = 230, width = 420, top = 28;
  const int height = top + row * static_cast<int>(bars.size()) + 10;
  double max = 0;
  for (const auto& b : bars) max = std::max(max, b.value);
  std::ostringstream o;
  o << "<svg class=\"chart\" role=\"img\" width=\"" << left + width + 110 << "\" height=\"" << height
    << "\" xmlns=\"http://www.w3.org/2000/svg\"><title>" << esc(title) << "</title>";
  o << "<text x=\"0\" y=\"16\" class=\"ct\">" << esc(title) << " (" << esc(unit) << ")</text>";
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const int y = top + static_cast<int>(i) * row;
    const double w = max > 0 ? bars[i].value / max * width : 0;
    o << "<text x=\"" << left - 6 << "\" y=\"" << y + 15 << "\" text-anchor=\"end\">" << esc(bars[i].label) << "</text>";
    o << "<rect x=\"" << left << "\" y=\"" << y + 3 << "\" width=\"" << fmt_num(w, 6) << "\" height=\"" << row - 6
      << "\" class=\"b" << i % 6 << "\"/>";
    o << "<text x=\"" << left + w + 6 << "\" y=\"" << y + 15 << "\">" << esc(fmt_num(bars[i].value)) << "</text>";
  }
  o << "</svg>";
  return o.str();
}

class HtmlPage {
 public:
  HtmlPage(std::ostream& out, const RunFile& run) : out_(out), header_(run.run), cells_(run.cells) {}

  void write(const std::string& extra_sections) {
    const auto& h = header_;
    out_ << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            "<title>stratbench run "
         << esc(h.id) << "</title><style>"
         << "body{font:14px system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:12px 0}"
            "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}td.n{text-align:right}"
            ".failed,.timeout{color:#b00}.skipped{color:#888}.ct{font-weight:600}svg text{font-size:12px}"
            ".b0{fill:#4e79a7}.b1{fill:#f28e2b}.b2{fill:#59a14f}.b3{fill:#e15759}.b4{fill:#76b7b2}.b5{fill:#b07aa1}"
            "section{margin:24px 0}</style></head><body>\n";
    out_ << "<h1>stratbench run " << esc(h.id) << "</h1>\n<p>" << esc(h.host.cpu) << ", " << h.host.cores
         << " cores, " << esc(h.host.os) << " · commit " << esc(h.git.commit.empty() ? "unknown" : h.git.commit)
         << (h.git.dirty ? " (dirty)" : "") << " · build " << esc(h.host.build_type) << " · started "
         << esc(h.started) << "</p>\n<p><code>" << esc(h.command) << "</code></p>\n";
    write_table();
    write_groups();
    out_ << extra_sections << "</body></html>\n";
  }

 private:
  void write_table() {
    out_ << "<table><thead><tr><th>workload</th><th>strategy</th><th>params</th><th>device</th><th>status</th>"
            "<th>p50 ms</th><th>cv %</th><th>throughput</th><th>peak RSS MiB</th><th>quality</th><th>reason</th></tr>"
            "</thead><tbody>\n";
    for (const auto& c : cells_) {
      const auto& m = c.metrics;
      out_ << "<tr class=\"" << to_string(c.status) << "\"><td>" << esc(c.workload) << "</td><td>" << esc(c.strategy)
           << "</td><td>" << esc(params_to_string(c.params)) << "</td><td>" << esc(c.device) << "</td><td>"
           << to_string(c.status) << "</td><td class=\"n\">" << (m.latency_ms ? fmt_num(m.latency_ms->p50) : "—")
           << "</td><td class=\"n\">" << (m.latency_ms ? fmt_num(m.latency_ms->cv * 100, 2) : "—")
           << "</td><td class=\"n\">" << esc(throughput_text(c)) << "</td><td class=\"n\">"
           << (m.memory.peak_rss_bytes ? fmt_mib(static_cast<double>(*m.memory.peak_rss_bytes)) : "—") << "</td><td>"
           << esc(quality_text(c)) << "</td><td>" << esc(c.reason) << "</td></tr>\n";
    }
    out_ << "</tbody></table>\n";
  }

  // One section per workload and parameter set: each metric per strategy, and the speedup
  // over the group's baseline (the strategy named "baseline", else "naive", else the first).
  void write_groups() {
    std::map<std::string, std::vector<const Cell*>> groups;
    std::vector<std::string> order;
    for (const auto& c : cells_) {
      if (c.status != CellStatus::ok || !c.metrics.latency_ms) continue;
      const std::string key = c.workload + " · " + params_to_string(c.params) + " · " + c.device;
      if (!groups.count(key)) order.push_back(key);
      groups[key].push_back(&c);
    }
    for (const auto& key : order) {
      const auto& g = groups[key];
      out_ << "<section><h2>" << esc(key) << "</h2>\n";
      std::vector<Bar> thr, lat, rss, speed;
      const Cell* base = g.front();
      for (const Cell* c : g)
        if (c->strategy == "baseline" || (c->strategy == "naive" && base->strategy != "baseline")) base = c;
      for (const Cell* c : g) {
        if (c->metrics.throughput) thr.push_back({c->strategy, c->metrics.throughput->value});
        lat.push_back({c->strategy, c->metrics.latency_ms->p50});
        if (c->metrics.memory.peak_rss_bytes)
          rss.push_back({c->strategy, static_cast<double>(*c->metrics.memory.peak_rss_bytes) / (1024.0 * 1024.0)});
        if (c->metrics.latency_ms->p50 > 0) speed.push_back({c->strategy, base->metrics.latency_ms->p50 / c->metrics.latency_ms->p50});
      }
      if (!thr.empty()) out_ << svg_bars("throughput", g.front()->metrics.throughput->unit, thr) << "\n";
      out_ << svg_bars("speedup over " + base->strategy, "×, higher is better", speed) << "\n";
      out_ << svg_bars("median latency", "ms", lat) << "\n";
      if (!rss.empty()) out_ << svg_bars("peak RSS", "MiB", rss) << "\n";
      out_ << "</section>\n";
    }
  }

  std::ostream& out_;
  RunHeader header_;
  std::vector<Cell> cells_;
};

class HtmlWriter final : public Writer {
 public:
  explicit HtmlWriter(std::ostream& out) : out_(out) {}
  void begin(const RunFile& run) override {
    run_ = run;
    run_.cells.clear();
  }
  void record(const Cell& c) override { run_.cells.push_back(c); }
  void end() override { out_ << render_html_report(run_); }

 private:
  std::ostream& out_;
  RunFile run_;
};

}  // namespace

std::string render_html_report(const RunFile& run, const std::string& extra_sections) {
  std::ostringstream o;
  HtmlPage(o, run).write(extra_sections);
  return o.str();
}

std::unique_ptr<Writer> make_html_writer(std::ostream& out) { return std::make_unique<HtmlWriter>(out); }

}  // namespace sb

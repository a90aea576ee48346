// A self-contained HTML report: inline CSS and SVG, no script, nothing fetched at view
// time. Every string from the results file is escaped: a results file is untrusted input.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>

#include "stratbench/reports/escape.hpp"
#include "stratbench/reports/html_report.hpp"
#include "stratbench/reports/pareto.hpp"
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
// Labels longer than this many characters are cut in the middle; the bar's <title> (the
// hover text) holds the whole label.
constexpr std::size_t kMaxBarLabelChars = 44;

std::string bar_label(const std::string& s) {
  if (s.size() <= kMaxBarLabelChars) return s;
  // Cut at UTF-8 character boundaries (never inside a multi-byte character).
  auto boundary = [&](std::size_t i) {
    while (i > 0 && i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
    return i;
  };
  const std::size_t half = (kMaxBarLabelChars - 1) / 2;
  return s.substr(0, boundary(half)) + "\u2026" + s.substr(boundary(s.size() - half));
}

std::string svg_bars(const std::string& title, const std::string& unit, const std::vector<Bar>& bars) {
  // The label column fits the longest label (7 px a character at the chart's 12 px font), so
  // a composed strategy ("simd+blocked+threads=2+pool+fused") is never clipped at the left.
  std::size_t longest = 8;
  for (const auto& b : bars) longest = std::max(longest, std::min(b.label.size(), kMaxBarLabelChars));
  const int row = 22, left = static_cast<int>(longest) * 7 + 12, width = 520, top = 28;
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
    o << "<text x=\"" << left - 6 << "\" y=\"" << y + 15 << "\" text-anchor=\"end\"><title>" << esc(bars[i].label)
      << "</title>" << esc(bar_label(bars[i].label)) << "</text>";
    o << "<rect x=\"" << left << "\" y=\"" << y + 3 << "\" width=\"" << fmt_num(w, 6) << "\" height=\"" << row - 6
      << "\" class=\"b" << i % 6 << "\"/>";
    o << "<text x=\"" << left + w + 6 << "\" y=\"" << y + 15 << "\">" << esc(fmt_num(bars[i].value)) << "</text>";
  }
  o << "</svg>";
  return o.str();
}

// Speed against quality for one group: throughput (linear, from 0) against the quality
// metric (log: the strategies span decades, 1e-6 for fp32 to 1 for int4), the Pareto
// front drawn and its members named. Zero quality (the reference itself) sits at the axis'
// left end, a decade below the smallest nonzero value, and the tick there reads "0".
std::string svg_pareto(const std::vector<ParetoPoint>& pts, const MetricField& speed, const std::string& speed_unit,
                       const MetricField& quality) {
  const int left = 70, top = 44, width = 460, height = 240;
  double qmin = std::numeric_limits<double>::infinity(), qmax = 0, smax = 0;
  for (const auto& p : pts) {
    if (p.quality > 0) qmin = std::min(qmin, p.quality);
    qmax = std::max(qmax, p.quality);
    smax = std::max(smax, p.speed);
  }
  const double lo = std::floor(std::log10(qmin)) - (qmin == qmax ? 1 : 0);
  const bool zeros = std::any_of(pts.begin(), pts.end(), [](const ParetoPoint& p) { return p.quality <= 0; });
  const double x0 = zeros ? lo - 1 : lo, x1 = std::max(std::ceil(std::log10(qmax)), x0 + 1);
  const auto x = [&](double q) {
    const double l = q > 0 ? std::log10(q) : x0;
    return left + (l - x0) / (x1 - x0) * width;
  };
  const auto y = [&](double v) { return top + height - (smax > 0 ? v / smax * height : 0); };
  std::ostringstream o;
  const std::string title = "speed against quality: " + speed.label + " vs " + quality.title;
  o << "<svg class=\"chart\" role=\"img\" width=\"" << left + width + 200 << "\" height=\"" << top + height + 50
    << "\" xmlns=\"http://www.w3.org/2000/svg\"><title>" << esc(title) << "</title>";
  o << "<text x=\"0\" y=\"16\" class=\"ct\">" << esc(title) << " (" << esc(speed_unit) << "; "
    << esc(quality.better == Better::lower ? "lower" : "higher") << " " << esc(quality.title)
    << " is better; the line joins the Pareto front)</text>";
  o << "<line x1=\"" << left << "\" y1=\"" << top + height << "\" x2=\"" << left + width << "\" y2=\"" << top + height
    << "\" stroke=\"#888\"/><line x1=\"" << left << "\" y1=\"" << top << "\" x2=\"" << left << "\" y2=\""
    << top + height << "\" stroke=\"#888\"/>";
  const double step = std::max(1.0, std::ceil((x1 - x0) / 6));  // at most ~7 decade labels
  for (double d = x0; d <= x1 + 1e-9; d += step) {
    const std::string tick = zeros && d == x0 ? std::string("0") : std::string("1e") + fmt_num(d);
    o << "<text x=\"" << fmt_num(left + (d - x0) / (x1 - x0) * width, 6) << "\" y=\"" << top + height + 16
      << "\" text-anchor=\"middle\">" << tick << "</text>";
  }
  o << "<text x=\"" << left + width / 2 << "\" y=\"" << top + height + 36 << "\" text-anchor=\"middle\">"
    << esc(quality.title) << " (log)</text>";
  for (int i = 0; i <= 4; ++i)
    o << "<text x=\"" << left - 6 << "\" y=\"" << fmt_num(y(smax * i / 4) + 4, 6) << "\" text-anchor=\"end\">"
      << fmt_num(smax * i / 4, 3) << "</text>";
  std::vector<const ParetoPoint*> front;
  for (const auto& p : pts)
    if (p.on_front) front.push_back(&p);
  std::sort(front.begin(), front.end(), [](const ParetoPoint* a, const ParetoPoint* b) { return a->speed > b->speed; });
  o << "<polyline fill=\"none\" stroke=\"#e15759\" points=\"";
  for (const auto* p : front) o << fmt_num(x(p->quality), 6) << "," << fmt_num(y(p->speed), 6) << " ";
  o << "\"/>";
  for (const auto& p : pts) {
    o << "<circle cx=\"" << fmt_num(x(p.quality), 6) << "\" cy=\"" << fmt_num(y(p.speed), 6) << "\" r=\"4\" class=\""
      << (p.on_front ? "b3" : "b0") << "\"><title>" << esc(p.cell->strategy) << ": " << fmt_num(p.speed) << ", "
      << esc(quality.title) << " " << fmt_num(p.quality) << "</title></circle>";
    // Named beside the point, to its left in the right third so that the name stays inside.
    const bool right = x(p.quality) > left + width * 2 / 3.0;
    if (p.on_front)
      o << "<text x=\"" << fmt_num(x(p.quality) + (right ? -7 : 7), 6) << "\" y=\"" << fmt_num(y(p.speed) - 6, 6)
        << "\"" << (right ? " text-anchor=\"end\"" : "") << ">" << esc(p.cell->strategy) << "</text>";
  }
  o << "</svg>";
  return o.str();
}

// The quality metric a group's speed-against-quality chart uses: KL where the cells have
// it (the LLM workloads), else the relative error; none when fewer than two cells have it
// or the values lie within one decade (GEMM's fp32 strategies: nothing to trade).
const MetricField* chart_quality(const std::vector<const Cell*>& g) {
  for (const char* path : {"quality.kl", "quality.rel_error"}) {
    const MetricField& f = metric_field(path);
    double lo = std::numeric_limits<double>::infinity(), hi = 0;
    int n = 0;
    for (const Cell* c : g)
      if (const auto v = f.get(*c); v && c->metrics.throughput) {
        ++n;
        lo = std::min(lo, *v);
        hi = std::max(hi, *v);
      }
    if (n >= 2) return hi > 10 * lo ? &f : nullptr;
  }
  return nullptr;
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
    out_ << "<h1>stratbench run " << esc(h.id) << "</h1>\n<p>" << esc(h.host.cpu) << ", " << h.host.cores << " cores, "
         << esc(h.host.os) << " · commit " << esc(h.git.commit.empty() ? "unknown" : h.git.commit)
         << (h.git.dirty ? " (dirty)" : "") << " · build " << esc(h.host.build_type) << " · started " << esc(h.started)
         << "</p>\n<p><code>" << esc(h.command) << "</code></p>\n";
    write_table();
    write_groups();
    out_ << extra_sections << "</body></html>\n";
  }

 private:
  void write_table() {
    out_ << "<table><thead><tr><th>workload</th><th>strategy</th><th>params</th><th>device</th><th>status</th>";
    for (const auto* f : table_metrics()) out_ << "<th>" << esc(metric_heading(*f)) << "</th>";
    out_ << "<th>quality</th><th>reason</th></tr></thead><tbody>\n";
    for (const auto& c : cells_) {
      out_ << "<tr class=\"" << to_string(c.status) << "\"><td>" << esc(c.workload) << "</td><td>" << esc(c.strategy)
           << "</td><td>" << esc(params_to_string(c.params)) << "</td><td>" << esc(c.device) << "</td><td>"
           << to_string(c.status) << "</td>";
      for (const auto* f : table_metrics()) out_ << "<td class=\"n\">" << esc(metric_text(*f, c)) << "</td>";
      out_ << "<td>" << esc(quality_text(c)) << "</td><td>" << esc(c.reason) << "</td></tr>\n";
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
    const MetricField& throughput = metric_field("throughput.value");
    const MetricField& latency = metric_field("latency_ms.p50");
    const MetricField& rss = metric_field("memory.peak_rss_bytes");
    for (const auto& key : order) {
      const auto& g = groups[key];
      out_ << "<section><h2>" << esc(key) << "</h2>\n";
      const Cell* base = g.front();
      for (const Cell* c : g)
        if (c->strategy == "baseline" || (c->strategy == "naive" && base->strategy != "baseline")) base = c;
      std::vector<Bar> speed;
      const double base_p50 = *latency.get(*base);  // every cell of a group has its latency
      for (const Cell* c : g)
        if (const double p50 = *latency.get(*c); p50 > 0) speed.push_back({c->strategy, base_p50 / p50});
      if (const auto thr = bars(g, throughput); !thr.empty()) {
        // The unit is the workload's, one per group; the first cell need not have a throughput.
        const auto with_unit = std::find_if(g.begin(), g.end(), [](const Cell* c) { return c->metrics.throughput; });
        out_ << svg_bars(throughput.label, throughput.cell_unit(**with_unit), thr) << "\n";
      }
      out_ << svg_bars("speedup over " + base->strategy, "×, higher is better", speed) << "\n";
      // The p50 under the name a chart's reader knows it by.
      out_ << svg_bars("median latency", display_unit(latency), bars(g, latency)) << "\n";
      if (const auto mem = bars(g, rss); !mem.empty()) out_ << svg_bars(rss.label, display_unit(rss), mem) << "\n";
      if (const MetricField* q = chart_quality(g)) {
        const auto with_unit = std::find_if(g.begin(), g.end(), [](const Cell* c) { return c->metrics.throughput; });
        out_ << svg_pareto(pareto_front(g, throughput, *q), throughput, throughput.cell_unit(**with_unit), *q) << "\n";
      }
      out_ << "</section>\n";
    }
  }

  // One bar per cell of the group that has the metric, in the unit people read.
  static std::vector<Bar> bars(const std::vector<const Cell*>& group, const MetricField& f) {
    std::vector<Bar> out;
    for (const Cell* c : group)
      if (const auto v = f.get(*c)) out.push_back({c->strategy, display_value(f, *v)});
    return out;
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

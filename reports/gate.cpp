#include "stratbench/reports/gate.hpp"

#include <algorithm>
#include <map>
#include <sstream>

#include "stratbench/reports/compare.hpp"
#include "stratbench/reports/escape.hpp"
#include "stratbench/reports/inference.hpp"
#include "stratbench/reports/text_table.hpp"

namespace sb {

bool GateCell::regression() const {
  for (const auto& c : checks)
    if (c.failed) return true;
  return false;
}
bool GateResult::regression() const { return regressions() > 0; }
int GateResult::regressions() const {
  int n = 0;
  for (const auto& c : cells) n += c.regression();
  return n;
}
int GateResult::inconclusive() const {
  int n = 0;
  for (const auto& c : cells)
    n += std::any_of(c.checks.begin(), c.checks.end(), [](const GateCheck& k) { return k.inconclusive; });
  return n;
}

static std::string label(const Cell& c) {
  return c.workload + " " + c.strategy + " " + params_to_string(c.params) + " " + c.device;
}

// At least two positive samples, or the cell's timing is not judged (see compare.cpp).
static const std::vector<double>* times(const Cell& c) {
  if (c.status != CellStatus::ok) return nullptr;
  auto it = c.samples.find("time_s");
  if (it == c.samples.end() || it->second.size() < 2) return nullptr;
  for (double v : it->second)
    if (!(v > 0)) return nullptr;
  return &it->second;
}

static void check_limit(const MetricLimit& lim, const Cell& b, const Cell& n, GateCell& out) {
  const auto vb = metric_value(b, lim.metric), vn = metric_value(n, lim.metric);
  if (!vb && !vn) return;  // measured by neither: nothing to hold it to
  if (!vn) {
    out.checks.push_back({lim.metric, true, "measured in base, absent in new"});
    return;
  }
  auto add = [&](const std::string& rule, bool failed, const std::string& detail) {
    out.checks.push_back({lim.metric + " " + rule, failed, detail});
  };
  const std::string got = "new " + fmt_num(*vn, 6) + (vb ? ", base " + fmt_num(*vb, 6) : "");
  if (lim.max) add("max " + fmt_num(*lim.max), *vn > *lim.max, got);
  if (lim.min) add("min " + fmt_num(*lim.min), *vn < *lim.min, got);
  if (vb && lim.max_increase) add("max_increase " + fmt_num(*lim.max_increase), *vn - *vb > *lim.max_increase, got);
  if (vb && lim.max_ratio) {
    const bool bad = *vb == 0 ? *vn > 0 : *vn / *vb > *lim.max_ratio;
    add("max_ratio " + fmt_num(*lim.max_ratio), bad, got + (*vb != 0 ? ", ratio " + fmt_num(*vn / *vb) : ""));
  }
}

GateResult gate_runs(const RunFile& base, const RunFile& next, const GatePolicy& policy) {
  GateResult res;
  res.mismatches = run_mismatches(base, next);
  std::map<std::string, const Cell*> in_new;
  for (const auto& c : next.cells) in_new[c.id] = &c;
  struct Timed {
    std::size_t cell;
    double p, ratio;
  };
  std::vector<Timed> timed;
  for (const auto& b : base.cells) {
    GateCell g;
    g.id = b.id;
    g.label = label(b);
    auto it = in_new.find(b.id);
    if (it == in_new.end()) {
      if (b.status == CellStatus::ok)
        g.checks.push_back({"missing", policy.fail_on_missing, "cell absent from the new run"});
      else
        g.compared = false;
      res.cells.push_back(g);
      continue;
    }
    const Cell& n = *it->second;
    if (b.status == CellStatus::ok && n.status != CellStatus::ok) {
      g.checks.push_back(
          {"status", policy.fail_on_missing,
           std::string("ok in base, ") + to_string(n.status) + " in new" + (n.reason.empty() ? "" : ": " + n.reason)});
      res.cells.push_back(g);
      continue;
    }
    if (b.status != CellStatus::ok) {
      g.compared = n.status == CellStatus::ok;  // a fixed cell is news, not a regression
      res.cells.push_back(g);
      continue;
    }
    for (const auto& lim : policy.limits) check_limit(lim, b, n, g);
    const auto* tb = times(b);
    const auto* tn = times(n);
    if (tb && tn) {
      timed.push_back({res.cells.size(), inference::mann_whitney_u(*tb, *tn, inference::Alternative::greater).p,
                       inference::median_ratio(*tb, *tn)});
    }
    res.cells.push_back(g);
  }
  res.timing_rule = "one-sided Mann-Whitney U, Holm-adjusted p < " + fmt_num(policy.alpha) + " and median ratio > " +
                    fmt_num(policy.min_ratio);
  std::vector<double> ps;
  ps.reserve(timed.size());
  for (const auto& t : timed) ps.push_back(t.p);
  const auto holm = inference::holm_adjust(ps);
  for (std::size_t k = 0; k < timed.size(); ++k) {
    const bool slower = holm[k] < policy.alpha && timed[k].ratio > policy.min_ratio;
    std::ostringstream d;
    d << "median ratio " << fmt_num(timed[k].ratio) << ", one-sided Mann-Whitney p " << fmt_num(timed[k].p, 3)
      << " (Holm " << fmt_num(holm[k], 3) << "); regression needs p < " << fmt_num(policy.alpha) << " and ratio > "
      << fmt_num(policy.min_ratio);
    res.cells[timed[k].cell].checks.insert(res.cells[timed[k].cell].checks.begin(), {"timing", slower, d.str()});
  }
  return res;
}

// Cell labels, details and mismatches come from results files, which are untrusted: each
// goes through markdown_text or xml_escape (escape.hpp); the rest is our own words.
constexpr auto md_text = markdown_text;

static std::string result_word(const GateCheck& c) {
  if (c.inconclusive) return c.failed ? "fail (inconclusive)" : "inconclusive";
  return c.failed ? "fail" : "pass";
}

std::string gate_markdown(const GateResult& r) {
  std::ostringstream o;
  const int bad = r.regressions();
  const int unsure = r.inconclusive();
  int compared = 0;
  for (const auto& c : r.cells) compared += c.compared;
  o << "## stratbench gate: " << (bad ? "❌ " + std::to_string(bad) + " regression" + (bad == 1 ? "" : "s") : "✅ pass");
  if (unsure) o << " (" << unsure << " inconclusive: the noise hid the policy's minimum slowdown)";
  o << "\n\n";
  o << compared << " cells compared; timing rule: " << md_text(r.timing_rule) << ".\n\n";
  for (const auto& n : r.notes) o << "- " << md_text(n) << "\n";
  if (!r.notes.empty()) o << "\n";
  if (!r.mismatches.empty()) {
    o << "**Runs differ** (compared with --force):\n";
    for (const auto& m : r.mismatches) o << "- " << md_text(m) << "\n";
    o << "\n";
  }
  if (bad) {
    o << "| cell | rule | detail |\n|---|---|---|\n";
    for (const auto& c : r.cells)
      for (const auto& ch : c.checks)
        if (ch.failed)
          o << "| " << md_text(c.label) << " | " << md_text(ch.rule) << " | " << md_text(ch.detail) << " |\n";
    o << "\n";
  }
  o << "<details><summary>All checks</summary>\n\n| cell | rule | result | detail |\n|---|---|---|---|\n";
  for (const auto& c : r.cells)
    for (const auto& ch : c.checks)
      o << "| " << md_text(c.label) << " | " << md_text(ch.rule) << " | " << result_word(ch) << " | "
        << md_text(ch.detail) << " |\n";
  o << "\n</details>\n";
  return o.str();
}

std::string gate_junit(const GateResult& r) {
  std::ostringstream o;
  int skipped = 0;
  for (const auto& c : r.cells)
    skipped += !c.compared || (!c.regression() && std::any_of(c.checks.begin(), c.checks.end(),
                                                              [](const GateCheck& k) { return k.inconclusive; }));
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  o << "<testsuites name=\"stratbench gate\" tests=\"" << r.cells.size() << "\" failures=\"" << r.regressions()
    << "\">\n";
  o << "  <testsuite name=\"stratbench gate\" tests=\"" << r.cells.size() << "\" failures=\"" << r.regressions()
    << "\" skipped=\"" << skipped << "\" errors=\"0\">\n";
  for (const auto& c : r.cells) {
    o << "    <testcase classname=\"stratbench\" name=\"" << xml_escape(c.label) << "\">\n";
    if (!c.compared) o << "      <skipped message=\"not ok in base\"/>\n";
    // Inconclusive under warn or pass: skipped with the reason, so CI shows it.
    if (!c.regression())
      for (const auto& ch : c.checks)
        if (ch.inconclusive) {
          o << "      <skipped message=\"inconclusive: " << xml_escape(ch.detail) << "\"/>\n";
          break;
        }
    for (const auto& ch : c.checks)
      if (ch.failed)
        o << "      <failure type=\"" << xml_escape(ch.rule) << "\" message=\"" << xml_escape(ch.detail) << "\"/>\n";
    std::string out;
    for (const auto& ch : c.checks) out += ch.rule + ": " + result_word(ch) + " — " + ch.detail + "\n";
    if (!out.empty()) o << "      <system-out>" << xml_escape(out) << "</system-out>\n";
    o << "    </testcase>\n";
  }
  o << "  </testsuite>\n</testsuites>\n";
  return o.str();
}

}  // namespace sb

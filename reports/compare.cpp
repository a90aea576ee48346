#include "stratbench/reports/compare.hpp"

#include <cmath>
#include <map>

#include "stratbench/reports/inference.hpp"
#include "stratbench/reports/text_table.hpp"
#include "stratbench/result/host_comparability.hpp"
#include "stratbench/result/stats.hpp"

namespace sb {

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::faster: return "faster";
    case Verdict::slower: return "slower";
    case Verdict::same: return "same";
    case Verdict::inconclusive: return "inconclusive";
    case Verdict::not_compared: return "not compared";
  }
  return "?";
}

std::vector<std::string> run_mismatches(const RunFile& a, const RunFile& b) {
  // The rule applies cell by cell: a merged run's cells ran on their shards' hosts. Each
  // distinct pair of hosts among the matched cells is checked once.
  std::map<std::pair<const HostInfo*, const HostInfo*>, std::size_t> pairs;
  std::map<std::string, const Cell*> in_b;
  for (const auto& c : b.cells) in_b[c.id] = &c;
  for (const auto& c : a.cells)
    if (auto it = in_b.find(c.id); it != in_b.end()) ++pairs[{&host_of(a, c), &host_of(b, *it->second)}];
  if (pairs.empty()) pairs[{&a.run.host, &b.run.host}] = 0;
  const bool per_cell = !a.run.hosts.empty() || !b.run.hosts.empty();
  std::vector<std::string> out;
  for (const auto& [hosts, cells] : pairs)
    for (const auto& d : host_differences(*hosts.first, *hosts.second))
      out.push_back(per_cell ? std::to_string(cells) + " cells: " + d : d);
  if (a.run.config_hash != b.run.config_hash)
    out.push_back("config hash (cells or measurement options) differs: " + a.run.config_hash + " vs " +
                  b.run.config_hash);
  return out;
}

// Samples a ratio can be taken of: a zero or negative time (only a hand-edited file has
// one) leaves the cell uncompared rather than dividing by it.
static const std::vector<double>* times(const Cell& c) {
  if (c.status != CellStatus::ok) return nullptr;
  auto it = c.samples.find("time_s");
  if (it == c.samples.end()) return nullptr;
  for (double v : it->second)
    if (!(v > 0)) return nullptr;
  return &it->second;
}

CompareResult compare_runs(const RunFile& base, const RunFile& next, const CompareOptions& opt) {
  CompareResult res;
  res.mismatches = run_mismatches(base, next);
  std::map<std::string, const Cell*> in_new;
  for (const auto& c : next.cells) in_new[c.id] = &c;
  std::map<std::string, bool> matched;
  std::vector<std::size_t> tested;  // rows with a p-value, for the corrections
  auto row_for = [](const Cell& c) {
    CellComparison r;
    r.id = c.id;
    r.workload = c.workload;
    r.strategy = c.strategy;
    r.params = params_to_string(c.params);
    r.device = c.device;
    return r;
  };
  for (const auto& b : base.cells) {
    if (opt.cancel && opt.cancel->load(std::memory_order_relaxed)) {
      res.cancelled = true;
      return res;
    }
    CellComparison r = row_for(b);
    auto it = in_new.find(b.id);
    if (it == in_new.end()) {
      r.note = "only in base";
      res.rows.push_back(r);
      continue;
    }
    matched[b.id] = true;
    const Cell& n = *it->second;
    const auto* tb = times(b);
    const auto* tn = times(n);
    if (tb) r.n_base = tb->size();
    if (tn) r.n_new = tn->size();
    if (tb && !tb->empty()) r.base_median_ms = stats::median(*tb) * 1e3;
    if (tn && !tn->empty()) r.new_median_ms = stats::median(*tn) * 1e3;
    if (!tb || !tn) {
      if (b.status != CellStatus::ok) r.note = std::string(to_string(b.status)) + " in base";
      if (n.status != CellStatus::ok)
        r.note += (r.note.empty() ? "" : ", ") + std::string(to_string(n.status)) + " in new";
      res.rows.push_back(r);
      continue;
    }
    if (tb->size() < 2 || tn->size() < 2) {
      r.note = "fewer than 2 samples";
      res.rows.push_back(r);
      continue;
    }
    r.ratio = inference::median_ratio(*tb, *tn);
    const auto ci = inference::bootstrap_median_ratio_ci(*tb, *tn, opt.confidence, opt.resamples, opt.seed);
    r.ratio_lo = ci.lo;
    r.ratio_hi = ci.hi;
    r.p = inference::mann_whitney_u(*tb, *tn, inference::Alternative::two_sided).p;
    r.hl_shift_ms = inference::hodges_lehmann_shift(*tb, *tn) * 1e3;
    tested.push_back(res.rows.size());
    res.rows.push_back(r);
  }
  for (const auto& n : next.cells) {
    if (matched.count(n.id)) continue;
    CellComparison r = row_for(n);
    if (const auto* tn = times(n); tn && !tn->empty()) r.new_median_ms = stats::median(*tn) * 1e3;
    r.note = "only in new";
    res.rows.push_back(r);
  }
  std::vector<double> ps;
  ps.reserve(tested.size());
  for (auto i : tested) ps.push_back(*res.rows[i].p);
  const auto holm = inference::holm_adjust(ps);
  const auto bh = inference::benjamini_hochberg_adjust(ps);
  const double up = 1 + opt.min_effect, down = 1 / up;
  for (std::size_t k = 0; k < tested.size(); ++k) {
    CellComparison& r = res.rows[tested[k]];
    r.p_holm = holm[k];
    r.q_bh = bh[k];
    const bool significant = *r.p_holm < opt.alpha;
    if (significant && *r.ratio_lo > up)
      r.verdict = Verdict::slower;
    else if (significant && *r.ratio_hi < down)
      r.verdict = Verdict::faster;
    else if (*r.ratio_lo >= down && *r.ratio_hi <= up)
      r.verdict = Verdict::same;
    else
      r.verdict = Verdict::inconclusive;
    if (r.verdict == Verdict::inconclusive) {
      // What these samples could tell apart: a change the interval's half-width would
      // resolve with 80% power at its 95% level ((z.975 + z.8) / z.975 of the half-width,
      // on the log scale). Beside min_effect, it says whether more samples would help.
      const double half = (std::log(*r.ratio_hi) - std::log(*r.ratio_lo)) / 2;
      const double seen = std::expm1((1.959964 + 0.841621) / 1.959964 * half) * 100;
      r.note = "could only tell ≥ " + fmt_num(seen, 3) + "%";
      if (*r.q_bh < opt.alpha) r.note += "; suspect (BH q < alpha)";
    }
  }
  return res;
}

// Built by appending: GCC 12 warns falsely (-Wrestrict) on "[" + std::string&&.
static std::string interval_text(double lo, double hi) {
  std::string s = "[";
  s += fmt_num(lo, 4);
  s += ", ";
  s += fmt_num(hi, 4);
  s += "]";
  return s;
}

std::string format_compare_table(const CompareResult& r) {
  TextTable t({"workload", "strategy", "params", "device", "base p50 ms", "new p50 ms", "new/base", "95% CI",
               "p (Holm)", "verdict", "note"},
              {false, false, false, false, true, true, true, true, true, false, false});
  auto opt = [](const std::optional<double>& v, int sig = 4) { return v ? fmt_num(*v, sig) : std::string("—"); };
  for (const auto& x : r.rows)
    t.add_row({x.workload, x.strategy, x.params, x.device, opt(x.base_median_ms), opt(x.new_median_ms),
               x.ratio ? fmt_num(*x.ratio, 4) + "×" : "—", x.ratio_lo ? interval_text(*x.ratio_lo, *x.ratio_hi) : "—",
               opt(x.p_holm, 2), to_string(x.verdict), x.note});
  return t.render();
}

}  // namespace sb

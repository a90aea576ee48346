#include "stratbench/reports/compare.hpp"

#include <map>

#include "stratbench/reports/text_table.hpp"

namespace sb {

static std::optional<double> p50(const Cell& c) {
  if (c.status != CellStatus::ok || !c.metrics.latency_ms) return std::nullopt;
  return c.metrics.latency_ms->p50;
}

static CompareRow row_for(const Cell& c) {
  return {c.id, c.workload, c.strategy, params_to_string(c.params), c.device, std::nullopt, std::nullopt, std::nullopt, ""};
}

std::vector<CompareRow> compare_runs(const RunFile& base, const RunFile& next) {
  std::map<std::string, const Cell*> in_new;
  for (const auto& c : next.cells) in_new[c.id] = &c;
  std::vector<CompareRow> rows;
  std::map<std::string, bool> matched;
  for (const auto& b : base.cells) {
    CompareRow r = row_for(b);
    r.base_p50_ms = p50(b);
    auto it = in_new.find(b.id);
    if (it == in_new.end()) {
      r.note = "only in base";
    } else {
      matched[b.id] = true;
      const Cell& n = *it->second;
      r.new_p50_ms = p50(n);
      if (r.base_p50_ms && r.new_p50_ms && *r.base_p50_ms > 0) r.ratio = *r.new_p50_ms / *r.base_p50_ms;
      if (b.status != CellStatus::ok) r.note = std::string(to_string(b.status)) + " in base";
      if (n.status != CellStatus::ok)
        r.note += (r.note.empty() ? "" : ", ") + std::string(to_string(n.status)) + " in new";
    }
    rows.push_back(r);
  }
  for (const auto& n : next.cells) {
    if (matched.count(n.id)) continue;
    CompareRow r = row_for(n);
    r.new_p50_ms = p50(n);
    r.note = "only in new";
    rows.push_back(r);
  }
  return rows;
}

std::string format_compare_table(const std::vector<CompareRow>& rows) {
  TextTable t({"workload", "strategy", "params", "device", "base p50 ms", "new p50 ms", "new/base", "note"},
              {false, false, false, false, true, true, true, false});
  auto opt = [](const std::optional<double>& v) { return v ? fmt_num(*v) : std::string("—"); };
  for (const auto& r : rows)
    t.add_row({r.workload, r.strategy, r.params, r.device, opt(r.base_p50_ms), opt(r.new_p50_ms),
               r.ratio ? fmt_num(*r.ratio, 3) + "×" : "—", r.note});
  return t.render();
}

}  // namespace sb

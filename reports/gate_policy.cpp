#include "stratbench/reports/gate.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/json_fields.hpp"
#include "stratbench/result/metrics_table.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb {

using nlohmann::json;

GatePolicy policy_from_json(const json& j, const std::string& where) {
  jf::Path root{where, ""};
  jf::object(j, root);
  for (const auto& [k, v] : j.items())
    if (k != "schema" && k != "timing" && k != "limits" && k != "missing_cells" && k != "inconclusive" &&
        k != "comment")
      (root / k).fail("unknown field (fields: schema, timing, limits, missing_cells, inconclusive)");
  const std::string schema = jf::str(jf::need(j, "schema", root), root / "schema");
  if (schema != kPolicySchemaV1)
    (root / "schema").fail("unsupported policy schema '" + schema + "' (this reader knows " + kPolicySchemaV1 + ")");
  GatePolicy p;
  if (const json* t = jf::find(j, "timing")) {
    jf::Path tp = root / "timing";
    jf::object(*t, tp);
    for (const auto& [k, v] : t->items())
      if (k != "alpha" && k != "min_ratio" && k != "confirm_alpha" && k != "power" && k != "max_pairs" &&
          k != "max_seconds")
        (tp / k).fail("unknown field (alpha, min_ratio, confirm_alpha, power, max_pairs, max_seconds)");
    if (const json* a = jf::find(*t, "alpha")) p.alpha = jf::num(*a, tp / "alpha");
    if (const json* r = jf::find(*t, "min_ratio")) p.min_ratio = jf::num(*r, tp / "min_ratio");
    if (const json* c = jf::find(*t, "confirm_alpha")) p.confirm_alpha = jf::num(*c, tp / "confirm_alpha");
    if (const json* w = jf::find(*t, "power")) p.power = jf::num(*w, tp / "power");
    if (const json* m = jf::find(*t, "max_pairs"))
      p.max_pairs = static_cast<int>(jf::int_in(*m, tp / "max_pairs", 5, 10000));
    if (const json* m = jf::find(*t, "max_seconds")) {
      p.max_seconds = jf::num(*m, tp / "max_seconds");
      if (!(p.max_seconds > 0 && p.max_seconds <= 7 * 24 * 3600))
        (tp / "max_seconds").fail("must be in (0, 604800] seconds");
      if (p.max_pairs == 0) p.max_pairs = 10000;
    }
    if (!(p.power >= 0.5 && p.power < 1)) (tp / "power").fail("must be in [0.5, 1)");
    if (!(p.confirm_alpha > 0 && p.confirm_alpha < 0.5)) (tp / "confirm_alpha").fail("must be in (0, 0.5)");
    if (!(p.alpha > 0 && p.alpha < 0.5)) (tp / "alpha").fail("must be in (0, 0.5)");
    if (!(p.min_ratio >= 1)) (tp / "min_ratio").fail("must be at least 1 (a ratio of medians, new/base)");
  }
  if (const json* l = jf::find(j, "limits")) {
    jf::Path lp = root / "limits";
    jf::object(*l, lp);
    for (const auto& [metric, rule] : l->items()) {
      jf::Path mp = lp / metric;
      if (!find_metric(metric)) mp.fail("unknown metric (known: " + metric_paths_text() + ")");
      jf::object(rule, mp);
      MetricLimit lim;
      lim.metric = metric;
      for (const auto& [k, v] : rule.items()) {
        const double x = jf::num(v, mp / k);
        if (k == "max_ratio")
          lim.max_ratio = x;
        else if (k == "max_increase")
          lim.max_increase = x;
        else if (k == "max")
          lim.max = x;
        else if (k == "min")
          lim.min = x;
        else
          (mp / k).fail("unknown limit (max_ratio, max_increase, max, min)");
      }
      if (!lim.max_ratio && !lim.max_increase && !lim.max && !lim.min) mp.fail("no limit given");
      // Two identical runs must pass: a ratio below 1 or a negative increase never could.
      if (lim.max_ratio && !(*lim.max_ratio >= 1)) (mp / "max_ratio").fail("must be at least 1 (new/base)");
      if (lim.max_increase && !(*lim.max_increase >= 0)) (mp / "max_increase").fail("must not be negative");
      if (lim.max && lim.min && *lim.min > *lim.max) (mp / "min").fail("is above max");
      p.limits.push_back(lim);
    }
  }
  if (const json* in = jf::find(j, "inconclusive")) {
    const std::string v = jf::str(*in, root / "inconclusive");
    if (v == "fail")
      p.inconclusive = GatePolicy::Inconclusive::fail;
    else if (v == "warn")
      p.inconclusive = GatePolicy::Inconclusive::warn;
    else if (v == "pass")
      p.inconclusive = GatePolicy::Inconclusive::pass;
    else
      (root / "inconclusive").fail("expected \"fail\", \"warn\" or \"pass\"");
  }
  if (const json* m = jf::find(j, "missing_cells")) {
    const std::string v = jf::str(*m, root / "missing_cells");
    if (v == "fail")
      p.fail_on_missing = true;
    else if (v == "ignore")
      p.fail_on_missing = false;
    else
      (root / "missing_cells").fail("expected \"fail\" or \"ignore\"");
  }
  return p;
}

GatePolicy read_policy_file(const std::string& path) {
  return policy_from_json(parse_json_text(read_text_file(path), path), path);
}

}  // namespace sb

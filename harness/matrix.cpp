#include "stratbench/harness/matrix.hpp"

#include <charconv>
#include <cstdio>
#include <regex>
#include <set>

#include "stratbench/result/errors.hpp"
#include "stratbench/result/json_fields.hpp"
#include "stratbench/result/result_json.hpp"
#include "stratbench/result/text.hpp"
#include "stratbench/workloads/strategy.hpp"
#include "stratbench/workloads/workload.hpp"

namespace sb {

using nlohmann::json;

namespace {

// A runaway range ("1-99999999") is a typo, not a matrix anyone wants.
constexpr std::size_t kMaxRangeValues = 4096;
constexpr std::size_t kMaxCells = 100000;

std::int64_t to_i64(const std::string& name, const std::string& s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size())
    throw InputError("parameter " + name + ": '" + s + "' is out of range");
  return v;
}

template <class F>
void product(const std::vector<std::pair<std::string, std::vector<ParamValue>>>& axes, std::size_t i, Params& cur,
             F&& f) {
  if (i == axes.size()) {
    f(cur);
    return;
  }
  for (const auto& v : axes[i].second) {
    cur[axes[i].first] = v;
    product(axes, i + 1, cur, f);
  }
}

}  // namespace

std::vector<std::string> split_list(const std::string& what, const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    std::size_t end = text.find(',', start);
    std::string item = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (item.empty()) throw InputError(what + ": empty item in '" + text + "'");
    out.push_back(item);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

std::vector<std::string> expand_value_list(const std::string& name, const std::string& text) {
  static const std::regex range(R"(^(\d+)-(\d+)(?:([*+])(\d+))?$)");
  std::vector<std::string> out;
  for (const auto& item : split_list("parameter " + name, text)) {
    std::smatch m;
    if (!std::regex_match(item, m, range)) {
      out.push_back(item);
      continue;
    }
    const std::int64_t lo = to_i64(name, m[1]), hi = to_i64(name, m[2]);
    const char op = m[3].matched ? m[3].str()[0] : '+';
    const std::int64_t step = m[4].matched ? to_i64(name, m[4]) : 1;
    if (hi < lo) throw InputError("parameter " + name + ": range '" + item + "' ends before it starts");
    if ((op == '+' && step < 1) || (op == '*' && step < 2))
      throw InputError("parameter " + name + ": range '" + item + "' has a step that never advances");
    if (op == '*' && lo < 1) throw InputError("parameter " + name + ": a ×-range must start at 1 or more");
    for (std::int64_t v = lo; v <= hi;) {
      out.push_back(std::to_string(v));
      if (out.size() > kMaxRangeValues)
        throw InputError("parameter " + name + ": range '" + item + "' has more than " +
                         std::to_string(kMaxRangeValues) + " values");
      if (op == '+') {
        if (v > hi - step) break;
        v += step;
      } else {
        if (v > hi / step) break;
        v *= step;
      }
    }
  }
  return out;
}

std::string cell_id(const std::string& workload, const std::string& canonical_strategy, const Params& params,
                    const std::string& device) {
  return stable_hash_hex(workload + '\x1f' + canonical_strategy + '\x1f' + params_to_string(params) + '\x1f' + device);
}

std::vector<CellPlan> expand(const MatrixSpec& spec) {
  validate(spec.measure);
  if (spec.groups.empty()) throw InputError("the matrix is empty: no workload was given");
  std::vector<CellPlan> out;
  std::set<std::string> seen;
  for (const auto& g : spec.groups) {
    if (g.workloads.empty()) throw InputError("a matrix group names no workload");
    if (g.strategies.empty()) throw InputError("a matrix group names no strategy");
    if (g.devices.empty()) throw InputError("a matrix group names no device");
    std::vector<const Workload*> ws;
    for (const auto& name : g.workloads) {
      const Workload* w = find_workload(name);
      if (!w) {
        const std::string known = join(workloads(), ", ", [](const auto& x) { return x->info().name; });
        throw InputError("unknown workload '" + name + "' (known: " + known + ")");
      }
      ws.push_back(w);
    }
    std::vector<Strategy> strategies;
    for (const auto& s : g.strategies) strategies.push_back(parse_strategy(s));
    for (const auto& d : g.devices)
      if (d != "cpu" && d != "cuda") throw InputError("unknown device '" + d + "' (cpu, cuda)");
    // Every parameter must belong to at least one of the group's workloads.
    for (const auto& [name, values] : g.params) {
      bool known = false;
      for (const Workload* w : ws)
        for (const auto& ps : w->info().params) known = known || ps.name == name;
      if (!known) {
        std::vector<std::string> list;
        for (const Workload* w : ws)
          for (const auto& ps : w->info().params) list.push_back(ps.name);
        throw InputError("unknown parameter '" + name + "' (parameters: " + join(list, ", ") + ")");
      }
      if (values.empty()) throw InputError("parameter " + name + " has no values");
    }
    for (const Workload* w : ws) {
      std::vector<std::pair<std::string, std::vector<ParamValue>>> axes;
      for (const auto& ps : w->info().params) {
        auto it = g.params.find(ps.name);
        std::vector<ParamValue> vals;
        if (it == g.params.end())
          vals.push_back(parse_param_value(ps, ps.default_value));
        else
          for (const auto& text : it->second) vals.push_back(parse_param_value(ps, text));
        axes.emplace_back(ps.name, std::move(vals));
      }
      Params cur;
      product(axes, 0, cur, [&](const Params& p) {
        for (const auto& st : strategies)
          for (const auto& dev : g.devices) {
            CellPlan plan;
            plan.cell.workload = w->info().name;
            plan.cell.strategy = st.spelled;
            plan.cell.device = dev;
            plan.cell.params = p;
            plan.cell.id = cell_id(plan.cell.workload, st.canonical(), p, dev);
            if (!seen.insert(plan.cell.id).second) continue;
            plan.cell.reason = w->unsupported(st, p, dev);
            plan.runnable = plan.cell.reason.empty();
            plan.cell.status = CellStatus::skipped;
            out.push_back(std::move(plan));
            if (out.size() > kMaxCells)
              throw InputError("the matrix has more than " + std::to_string(kMaxCells) + " cells");
          }
      });
    }
  }
  if (!spec.only_cells.empty()) {
    std::set<std::string> want(spec.only_cells.begin(), spec.only_cells.end());
    std::vector<CellPlan> kept;
    for (auto& p : out)
      if (want.erase(p.cell.id)) kept.push_back(std::move(p));
    if (!want.empty()) throw InputError("--only-cells: no cell of the matrix has id '" + *want.begin() + "'");
    out = std::move(kept);
  }
  return out;
}

// ---------- matrix files ----------

static std::vector<std::string> string_list(const json& j, const jf::Path& p) {
  std::vector<std::string> out;
  if (j.is_string()) {
    try {
      return split_list(p.path, j.get<std::string>());  // its message starts with the field
    } catch (const InputError& e) {
      throw InputError(p.where + ": " + e.what());  // and this names the file too
    }
  }
  jf::array(j, p);
  for (std::size_t i = 0; i < j.size(); ++i) out.push_back(jf::str(j[i], p[i]));
  return out;
}

// `top`: the whole file is one group, so the run-wide fields may sit beside it. Inside
// matrices[] they would be silently ignored, so there they are errors.
static MatrixGroup group_from_json(const json& j, const jf::Path& p, bool top) {
  jf::object(j, p);
  static const std::set<std::string> group_fields = {"workloads", "strategies", "params", "devices", "comment"};
  static const std::set<std::string> run_fields = {"measure", "runner", "only_cells", "profile"};
  for (const auto& [k, v] : j.items()) {
    if (group_fields.count(k) || (top && run_fields.count(k))) continue;
    if (run_fields.count(k) || k == "matrices")
      (p / k).fail(
          "belongs at the top of the file, not inside matrices[] (a group has workloads, strategies, "
          "params, devices)");
    (p / k).fail(
        top ? "unknown field (fields: workloads, strategies, params, devices, measure, runner, only_cells, profile)"
            : "unknown field (a group has workloads, strategies, params, devices)");
  }
  MatrixGroup g;
  g.workloads = string_list(jf::need(j, "workloads", p), p / "workloads");
  if (const json* s = jf::find(j, "strategies")) g.strategies = string_list(*s, p / "strategies");
  if (const json* d = jf::find(j, "devices")) g.devices = string_list(*d, p / "devices");
  if (const json* ps = jf::find(j, "params")) {
    jf::Path pp = p / "params";
    jf::object(*ps, pp);
    for (const auto& [key, v] : ps->items()) {
      const std::string& name = key;  // captured below, which clang 14 (clang-tidy) cannot do with a structured binding
      jf::Path vp = pp / name;
      std::vector<std::string> texts;
      auto add = [&](const json& x, const jf::Path& xp) {
        if (x.is_number_integer() || x.is_number_unsigned())
          texts.push_back(std::to_string(jf::i64(x, xp)));
        else if (x.is_string()) {
          std::vector<std::string> list;
          try {
            list = expand_value_list(name, x.get<std::string>());
          } catch (const InputError& e) {
            xp.fail(e.what());  // the same message, under the file and field it came from
          }
          texts.insert(texts.end(), list.begin(), list.end());
        } else
          xp.fail("expected an integer or a string");
      };
      if (v.is_array()) {
        if (v.empty()) vp.fail("empty list of values");
        for (std::size_t i = 0; i < v.size(); ++i) add(v[i], vp[i]);
      } else {
        add(v, vp);
      }
      g.params[name] = texts;
    }
  }
  return g;
}

MatrixSpec matrix_from_json(const json& j, const std::string& where) {
  jf::Path root{where, ""};
  jf::object(j, root);
  MatrixSpec spec;
  if (const json* ms = jf::find(j, "matrices")) {
    jf::array(*ms, root / "matrices");
    if (ms->empty()) (root / "matrices").fail("empty list");
    for (std::size_t i = 0; i < ms->size(); ++i)
      spec.groups.push_back(group_from_json((*ms)[i], (root / "matrices")[i], false));
    for (const auto& [k, v] : j.items())
      if (k != "matrices" && k != "measure" && k != "runner" && k != "comment" && k != "only_cells" && k != "profile")
        (root / k).fail("unknown field next to 'matrices' (allowed: measure, runner, only_cells, profile, comment)");
  } else {
    spec.groups.push_back(group_from_json(j, root, true));
  }
  if (const json* m = jf::find(j, "measure")) spec.measure = measure_options_from_json(*m, where);
  if (const json* r = jf::find(j, "runner")) spec.runner = runner_options_from_json(*r, where);
  if (const json* o = jf::find(j, "only_cells")) spec.only_cells = string_list(*o, root / "only_cells");
  if (const json* pr = jf::find(j, "profile")) spec.profile = profile_options_from_json(*pr, root / "profile");
  return spec;
}

MatrixSpec read_matrix_file(const std::string& path) {
  return matrix_from_json(parse_json_text(read_text_file(path), path), path);
}

json to_json(const MatrixSpec& spec) {
  json groups = json::array();
  for (const auto& g : spec.groups)
    groups.push_back(
        {{"workloads", g.workloads}, {"strategies", g.strategies}, {"params", g.params}, {"devices", g.devices}});
  json j = {{"matrices", groups}, {"measure", to_json(spec.measure)}, {"runner", to_json(spec.runner)}};
  if (!spec.only_cells.empty()) j["only_cells"] = spec.only_cells;
  if (spec.profile.any()) j["profile"] = to_json(spec.profile);
  return j;
}

}  // namespace sb

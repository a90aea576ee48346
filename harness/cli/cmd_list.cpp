#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "stratbench/profilers/profiler.hpp"
#include "stratbench/reports/text_table.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/text.hpp"
#include "stratbench/workloads/strategy.hpp"
#include "stratbench/workloads/workload.hpp"

namespace sb::cli {

static void list_workloads() {
  for (const auto& w : workloads()) {
    const auto& inf = w->info();
    std::cout << inf.name << " — " << inf.description << "\n";
    TextTable t({"  parameter", "default", "range", "meaning"});
    for (const auto& p : inf.params) {
      std::string range;
      if (p.free_text)
        range = "text";
      else if (p.choices.empty())
        range = std::to_string(p.min) + ".." + std::to_string(p.max);
      else
        range = join(p.choices, "|");
      t.add_row({"  " + p.name, p.default_value, range, p.help});
    }
    std::cout << t.render();
    std::cout << "  knobs honoured: " << join(inf.knobs, ", ") << "\n  devices: " << join(inf.devices, ", ")
              << "\n  throughput in " << inf.throughput_unit << "\n\n";
  }
}

static void list_strategies() {
  std::cout << "Presets (compose with +, applied left to right: blocked+simd+threads=2):\n";
  TextTable p({"  preset", "sets", "meaning"});
  for (const auto& pr : preset_table()) {
    const std::string sets = join(pr.sets, ",", [](const auto& kv) { return kv.first + "=" + kv.second; });
    p.add_row({"  " + pr.name, sets.empty() ? "(defaults)" : sets, pr.help});
  }
  std::cout << p.render() << "\nKnobs (set directly as knob=value):\n";
  TextTable k({"  knob", "default", "values", "meaning"});
  for (const auto& kn : knob_table()) {
    const std::string vals = join(kn.values, "|");
    k.add_row({"  " + kn.name, kn.default_value, vals.empty() ? "1..1024" : vals, kn.help});
  }
  std::cout << k.render()
            << "\nA cell whose strategy sets a knob its workload does not honour is listed as skipped, with why.\n";
}

// Each profiler on this machine: available or not and why, and each part (perf counter)
// with its own state, so a user sees "cycles: unavailable: ENOENT ..." before asking.
static void list_profilers() {
  TextTable t({"profiler", "traces", "here", "what"});
  TextTable parts({"profiler", "part", "here"});
  bool any_part = false;
  for (const auto& p : prof::profiler_table()) {
    const prof::Availability a = p.available();
    t.add_row(
        {p.name, p.tracing ? "yes" : "no", a.available ? "available" : "unavailable: " + a.reason, p.description});
    for (const auto& part : a.parts) {
      any_part = true;
      parts.add_row({p.name, part.name, part.available ? "available" : "unavailable: " + part.reason});
    }
  }
  std::cout << t.render();
  if (any_part) std::cout << "\n" << parts.render();
  std::cout << "\n`run --trace` runs the tracing profilers, `run --profile LIST` the ones named, in a traced pass\n"
               "after each cell's timed samples (which stay untraced).\n";
}

// `list --json`: the workloads (WorkloadInfo), presets and knobs as one document, for
// tools that build a matrix (the GUI's launcher) without parsing the tables above.
static void list_json() {
  nlohmann::json doc = {{"schema", "stratbench/catalog/v1"}};
  nlohmann::json& ws = doc["workloads"] = nlohmann::json::array();
  for (const auto& w : workloads()) {
    const auto& inf = w->info();
    nlohmann::json params = nlohmann::json::array();
    for (const auto& p : inf.params) {
      nlohmann::json j = {{"name", p.name}, {"default", p.default_value}, {"help", p.help}};
      if (p.free_text)
        j["kind"] = "text";
      else if (!p.choices.empty())
        j.update({{"kind", "choice"}, {"choices", p.choices}});
      else
        j.update({{"kind", "integer"}, {"min", p.min}, {"max", p.max}});
      params.push_back(j);
    }
    ws.push_back({{"name", inf.name},
                  {"description", inf.description},
                  {"params", params},
                  {"knobs", inf.knobs},
                  {"devices", inf.devices},
                  {"throughput_unit", inf.throughput_unit}});
  }
  nlohmann::json& presets = doc["presets"] = nlohmann::json::array();
  for (const auto& pr : preset_table()) {
    nlohmann::json sets = nlohmann::json::object();
    for (const auto& [k, v] : pr.sets) sets[k] = v;
    presets.push_back({{"name", pr.name}, {"sets", sets}, {"help", pr.help}});
  }
  nlohmann::json& knobs = doc["knobs"] = nlohmann::json::array();
  for (const auto& kn : knob_table())
    knobs.push_back({{"name", kn.name}, {"default", kn.default_value}, {"values", kn.values}, {"help", kn.help}});
  std::cout << doc.dump(1) << "\n";
}

int cmd_list(const Args& args) {
  if (wants_help(args) || args.empty()) {
    std::cout << "usage: stratbench list workloads|strategies|profilers\n"
                 "       stratbench list --json   (workloads, presets and knobs as JSON: stratbench/catalog/v1)\n";
    return args.empty() ? 2 : 0;
  }
  if (args.size() == 1 && args[0] == "--json") {
    list_json();
    return 0;
  }
  if (args.size() != 1) throw InputError("list takes one argument: workloads, strategies or profilers");
  if (args[0] == "workloads")
    list_workloads();
  else if (args[0] == "strategies")
    list_strategies();
  else if (args[0] == "profilers")
    list_profilers();
  else
    throw InputError("list: unknown topic '" + args[0] + "' (workloads, strategies, profilers)");
  return 0;
}

}  // namespace sb::cli

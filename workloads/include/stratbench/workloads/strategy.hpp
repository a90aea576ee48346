// Strategies: named combinations of knobs. A spelling such as "blocked+simd+threads=2" is a
// '+'-separated list of presets and knob=value settings applied left to right.
// One table of knobs and one table of presets feed parsing, `stratbench list strategies`
// and the canonical form used in cell ids. Only knobs that some workload really honours
// are listed here; the others of DESIGN.md arrive with the workloads that implement them.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace sb {

struct KnobSpec {
  std::string name;
  std::string help;
  std::string default_value;
  std::vector<std::string> values;  // allowed values; empty means a positive integer
};

struct PresetSpec {
  std::string name;
  std::string help;
  std::vector<std::pair<std::string, std::string>> sets;  // knob -> value
};

const std::vector<KnobSpec>& knob_table();
const std::vector<PresetSpec>& preset_table();

struct Strategy {
  std::string spelled;                       // as written: "blocked+simd+threads=2"
  std::map<std::string, std::string> knobs;  // every knob, defaults filled in
  std::set<std::string> set_knobs;           // knobs the spelling set (even to the default)

  const std::string& knob(const std::string& name) const;
  int threads() const;
  // Knob settings that differ from the defaults, sorted: "layout=blocked,simd=auto,threads=2".
  // Two spellings of the same strategy give the same canonical form (and cell id).
  std::string canonical() const;
};

// Throws sb::InputError naming the unknown preset, knob or value.
Strategy parse_strategy(const std::string& spelled);

}  // namespace sb

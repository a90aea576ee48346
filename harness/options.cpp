#include "stratbench/harness/options.hpp"

#include <limits>

#include "stratbench/harness/option_table.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/json_fields.hpp"
#include "stratbench/result/text.hpp"

namespace sb {

using nlohmann::json;

// Both JSON directions and the checks iterate the option table (option_table.cpp).
static json section_to_json(const OptionValues& v, const char* section) {
  json j = json::object();
  for (const auto& o : option_table())
    if (std::string(o.section()) == section) j[o.key] = option_to_json(o, v);
  return j;
}

json to_json(const MeasureOptions& o) { return section_to_json({o, {}}, "measure"); }
json to_json(const RunnerOptions& o) { return section_to_json({{}, o}, "runner"); }

// Reads the fields of one section; unknown fields are errors (a typo would otherwise be
// a silently ignored setting). Range checks follow, naming the file.
static void section_from_json(const json& j, const std::string& where, const char* section, OptionValues& v) {
  const jf::Path p{where, section};
  jf::object(j, p);
  for (const auto& [key, value] : j.items()) {
    const OptionSpec* o = find_option(key);
    if (!o || std::string(o->section()) != section) {
      std::vector<std::string> known;
      for (const auto& r : option_table())
        if (std::string(r.section()) == section) known.emplace_back(r.key);
      (p / key).fail("unknown field (" + join(known, ", ") + ")");
    }
    if (value.is_null()) continue;
    const jf::Path vp = p / key;
    double x = 0;
    if (std::holds_alternative<int MeasureOptions::*>(o->field))
      x = static_cast<double>(jf::int_in(value, vp, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
    else if (auto* bytes = std::get_if<std::uint64_t RunnerOptions::*>(&o->field)) {
      v.runner.** bytes = jf::u64(value, vp);  // set directly: a double cannot hold every uint64
      continue;
    } else
      x = jf::num(value, vp);
    set_option(*o, x, v);
    check_option(*o, v, where);
  }
}

MeasureOptions measure_options_from_json(const json& j, const std::string& where) {
  OptionValues v;
  section_from_json(j, where, "measure", v);
  validate(v.measure, where);
  return v.measure;
}

RunnerOptions runner_options_from_json(const json& j, const std::string& where) {
  OptionValues v;
  section_from_json(j, where, "runner", v);
  return v.runner;
}

void validate(const MeasureOptions& o, const std::string& where) {
  const OptionValues v{o, {}};
  for (const auto& row : option_table())
    if (std::string(row.section()) == "measure") check_option(row, v, where);
  if (o.max_samples < o.min_samples)
    throw InputError((where.empty() ? "" : where + ": ") +
                     "measure.max_samples (--max-samples) must be at least min_samples (" +
                     std::to_string(o.min_samples) + "), got " + std::to_string(o.max_samples));
}

}  // namespace sb

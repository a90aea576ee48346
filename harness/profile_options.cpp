#include "stratbench/harness/profile_options.hpp"

#include <algorithm>

#include "stratbench/harness/matrix.hpp"
#include "stratbench/profilers/profiler.hpp"
#include "stratbench/result/errors.hpp"

namespace sb {

static std::string known_profilers() {
  std::string s;
  for (const auto& p : prof::profiler_table()) s += (s.empty() ? "" : ", ") + std::string(p.name);
  return s;
}

void add_profilers(ProfileOptions& o, const std::vector<std::string>& names) {
  std::vector<std::string> all = o.profilers;
  all.insert(all.end(), names.begin(), names.end());
  o.profilers.clear();
  for (const auto& p : prof::profiler_table())
    if (std::find(all.begin(), all.end(), p.name) != all.end()) o.profilers.emplace_back(p.name);
}

std::vector<std::string> parse_profiler_list(const std::string& what, const std::string& list) {
  std::vector<std::string> names;
  for (const auto& n : split_list(what, list)) {
    if (n == "all") {
      for (const auto& p : prof::profiler_table()) names.emplace_back(p.name);
      continue;
    }
    if (!prof::find_profiler(n))
      throw InputError(what + ": unknown profiler '" + n + "' (profilers: " + known_profilers() +
                       ", all; see `stratbench list profilers`)");
    names.push_back(n);
  }
  ProfileOptions o;
  add_profilers(o, names);
  return o.profilers;
}

nlohmann::json to_json(const ProfileOptions& o) { return {{"profilers", o.profilers}, {"iterations", o.iterations}}; }

ProfileOptions profile_options_from_json(const nlohmann::json& j, const jf::Path& p) {
  jf::object(j, p);
  for (const auto& [k, v] : j.items())
    if (k != "profilers" && k != "iterations") (p / k).fail("unknown field (profile has profilers, iterations)");
  ProfileOptions o;
  if (const auto* it = jf::find(j, "iterations"))
    o.iterations = static_cast<int>(jf::int_in(*it, p / "iterations", 1, kMaxTraceIterations));
  if (const auto* ps = jf::find(j, "profilers")) {
    const jf::Path pp = p / "profilers";
    jf::array(*ps, pp);
    std::vector<std::string> names;
    for (std::size_t i = 0; i < ps->size(); ++i) {
      std::string n = jf::str((*ps)[i], pp[i]);
      if (!prof::find_profiler(n)) pp[i].fail("unknown profiler '" + n + "' (profilers: " + known_profilers() + ")");
      names.push_back(std::move(n));
    }
    add_profilers(o, names);
  }
  return o;
}

}  // namespace sb

// The cell's "profile" object (schema v1 addition): the traced pass and its profilers.
#include "stratbench/result/profile_json.hpp"

#include <cmath>

#include "stratbench/result/json_fields.hpp"

namespace sb {

using jf::Path;
using nlohmann::json;

json to_json(const ProfileInfo& p) {
  json j = {{"iterations", p.iterations}, {"seconds_per_iteration", p.seconds_per_iteration}, {"ranges", p.ranges}};
  if (p.overhead) j["overhead"] = *p.overhead;
  if (p.ns_per_range) j["ns_per_range"] = *p.ns_per_range;
  j["profilers"] = p.profilers;
  if (!p.unavailable.empty()) j["unavailable"] = p.unavailable;
  if (!p.notes.empty()) j["notes"] = p.notes;
  return j;
}

static std::map<std::string, std::string> string_map(const json& j, const Path& p) {
  jf::object(j, p);
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : j.items()) out[k] = jf::str(v, p / k);
  return out;
}

ProfileInfo profile_from_json(const json& j, const Path& p) {
  jf::object(j, p);
  ProfileInfo info;
  info.iterations = static_cast<int>(jf::int_in(jf::need(j, "iterations", p), p / "iterations", 1, 1000000));
  info.seconds_per_iteration = jf::num(jf::need(j, "seconds_per_iteration", p), p / "seconds_per_iteration");
  if (!(info.seconds_per_iteration >= 0) || !std::isfinite(info.seconds_per_iteration))
    (p / "seconds_per_iteration").fail("must be a finite time, not negative");
  if (const json* r = jf::find(j, "ranges")) info.ranges = jf::u64(*r, p / "ranges");
  if (const json* o = jf::find(j, "overhead")) info.overhead = jf::num(*o, p / "overhead");
  if (const json* n = jf::find(j, "ns_per_range")) info.ns_per_range = jf::num(*n, p / "ns_per_range");
  info.profilers = string_map(jf::need(j, "profilers", p), p / "profilers");
  if (const json* u = jf::find(j, "unavailable")) info.unavailable = string_map(*u, p / "unavailable");
  if (const json* n = jf::find(j, "notes")) {
    jf::array(*n, p / "notes");
    for (std::size_t i = 0; i < n->size(); ++i) info.notes.push_back(jf::str((*n)[i], (p / "notes")[i]));
  }
  return info;
}

}  // namespace sb

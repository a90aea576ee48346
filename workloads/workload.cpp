#include "stratbench/workloads/workload.hpp"
#include "stratbench/result/text.hpp"

#include <algorithm>
#include <charconv>

#include "stratbench/result/errors.hpp"

namespace sb {

ParamValue parse_param_value(const ParamSpec& spec, const std::string& text) {
  if (!spec.choices.empty() || spec.free_text) {
    ParamValue v = text;
    validate_param_value(spec, v);
    return v;
  }
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec == std::errc::result_out_of_range)
    throw InputError("parameter " + spec.name + "='" + text + "' is out of range (" + std::to_string(spec.min) + ".." +
                     std::to_string(spec.max) + ")");
  if (ec != std::errc() || p != text.data() + text.size() || text.empty())
    throw InputError("parameter " + spec.name + "='" + text + "' is not an integer");
  ParamValue v = n;
  validate_param_value(spec, v);
  return v;
}

void validate_param_value(const ParamSpec& spec, const ParamValue& v) {
  if (spec.free_text) {
    const auto* s = std::get_if<std::string>(&v);
    if (!s || s->empty()) throw InputError("parameter " + spec.name + " must be a non-empty string");
    return;
  }
  if (!spec.choices.empty()) {
    const auto* s = std::get_if<std::string>(&v);
    if (!s || std::find(spec.choices.begin(), spec.choices.end(), *s) == spec.choices.end()) {
      throw InputError("parameter " + spec.name + "='" + to_string(v) + "' is not one of " + join(spec.choices, ", "));
    }
    return;
  }
  const auto* n = std::get_if<std::int64_t>(&v);
  if (!n) throw InputError("parameter " + spec.name + "='" + to_string(v) + "' is not an integer");
  if (*n < spec.min || *n > spec.max)
    throw InputError("parameter " + spec.name + "=" + std::to_string(*n) + " is out of range (" +
                     std::to_string(spec.min) + ".." + std::to_string(spec.max) + ")");
}

std::string Workload::unsupported(const Strategy& s, const Params&, const std::string& device) const {
  const auto& inf = info();
#if !defined(STRATBENCH_HAVE_CUDA)
  if (device == "cuda") return "this build has no CUDA support (configured without the CUDA toolkit)";
#endif
  if (std::find(inf.devices.begin(), inf.devices.end(), device) == inf.devices.end())
    return inf.name + " has no " + device + " implementation";
  for (const auto& k : knob_table()) {
    if (s.knob(k.name) == k.default_value) continue;
    if (std::find(inf.knobs.begin(), inf.knobs.end(), k.name) == inf.knobs.end())
      return inf.name + " does not honour the knob " + k.name + "=" + s.knob(k.name);
  }
  return {};
}

double Instance::run_once_device_seconds() {
  SB_CHECK(!"run_once_device_seconds called on an instance that is not timed on the device");
  return 0;
}

std::int64_t int_param(const Params& p, const std::string& name) {
  auto it = p.find(name);
  SB_CHECK(it != p.end());
  const auto* n = std::get_if<std::int64_t>(&it->second);
  SB_CHECK(n != nullptr);
  return *n;
}

std::string str_param(const Params& p, const std::string& name) {
  auto it = p.find(name);
  SB_CHECK(it != p.end());
  const auto* s = std::get_if<std::string>(&it->second);
  SB_CHECK(s != nullptr);
  return *s;
}

}  // namespace sb

#include "stratbench/harness/options.hpp"

#include "stratbench/result/errors.hpp"
#include "stratbench/result/json_fields.hpp"

namespace sb {

using nlohmann::json;

json to_json(const MeasureOptions& o) {
  return {{"target_rse", o.target_rse},   {"min_samples", o.min_samples},     {"max_samples", o.max_samples},
          {"budget_s", o.budget_s},       {"sample_time_s", o.sample_time_s}, {"warmup_s", o.warmup_s},
          {"inject_slowdown", o.inject_slowdown}};
}

json to_json(const RunnerOptions& o) {
  return {{"timeout_s", o.timeout_s}, {"kill_grace_s", o.kill_grace_s}, {"memory_limit_bytes", o.memory_limit_bytes}};
}

template <class T, class F>
static void field(const json& j, const char* key, const jf::Path& p, T& out, F f) {
  if (const json* v = jf::find(j, key)) out = static_cast<T>(f(*v, p / key));
}

MeasureOptions measure_options_from_json(const json& j, const std::string& where) {
  jf::Path p{where, "measure"};
  jf::object(j, p);
  MeasureOptions o;
  field(j, "target_rse", p, o.target_rse, jf::num);
  auto samples = [](const json& v, const jf::Path& vp) { return jf::int_in(v, vp, 1, kMaxSamplesLimit); };
  field(j, "min_samples", p, o.min_samples, samples);
  field(j, "max_samples", p, o.max_samples, samples);
  field(j, "budget_s", p, o.budget_s, jf::num);
  field(j, "sample_time_s", p, o.sample_time_s, jf::num);
  field(j, "warmup_s", p, o.warmup_s, jf::num);
  field(j, "inject_slowdown", p, o.inject_slowdown, jf::num);
  validate(o, where);
  return o;
}

RunnerOptions runner_options_from_json(const json& j, const std::string& where) {
  jf::Path p{where, "runner"};
  jf::object(j, p);
  RunnerOptions o;
  field(j, "timeout_s", p, o.timeout_s, jf::num);
  field(j, "kill_grace_s", p, o.kill_grace_s, jf::num);
  field(j, "memory_limit_bytes", p, o.memory_limit_bytes, jf::u64);
  if (o.timeout_s <= 0) (p / "timeout_s").fail("must be positive");
  if (o.kill_grace_s < 0) (p / "kill_grace_s").fail("must not be negative");
  return o;
}

void validate(const MeasureOptions& o, const std::string& where) {
  // Each message names the field of a matrix file and the flag that set it: the same
  // options come from either, and the user must find which one is wrong.
  auto fail = [&](const char* field, const char* flag, const std::string& what) {
    throw InputError((where.empty() ? "" : where + ": ") + "measure." + field + " (" + flag + ") " + what);
  };
  if (!(o.target_rse > 0 && o.target_rse < 1)) fail("target_rse", "--target-rse", "must be in (0, 1), e.g. 0.01");
  if (o.min_samples < 3) fail("min_samples", "--min-samples", "must be at least 3");
  if (o.max_samples < o.min_samples) fail("max_samples", "--max-samples", "must be at least min_samples");
  if (o.max_samples > kMaxSamplesLimit)
    fail("max_samples", "--max-samples", "must be at most " + std::to_string(kMaxSamplesLimit));
  if (o.budget_s < 0) fail("budget_s", "--budget", "must not be negative");
  if (!(o.sample_time_s > 0)) fail("sample_time_s", "--sample-time", "must be positive");
  if (o.warmup_s < 0) fail("warmup_s", "--warmup", "must not be negative");
  if (!(o.inject_slowdown >= 0 && o.inject_slowdown <= 10))
    fail("inject_slowdown", "--inject-slowdown", "must be a fraction in 0..10 (0.05 = 5% slower)");
}

}  // namespace sb

#include "stratbench/harness/option_table.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <type_traits>

#include "stratbench/result/errors.hpp"

namespace sb {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kMaxBytes = 18446744073709551615.0;

}  // namespace

const std::vector<OptionSpec>& option_table() {
  static const std::vector<OptionSpec> t = {
      {"target_rse", "--target-rse", "X", "stop sampling when the median's relative standard error is below X",
       &MeasureOptions::target_rse, 0, 1, true, true},
      {"min_samples", "--min-samples", "N", "samples always taken (at least 3)", &MeasureOptions::min_samples, 3,
       kMaxSamplesLimit, false},
      {"max_samples", "--max-samples", "N", "samples at most", &MeasureOptions::max_samples, 3, kMaxSamplesLimit,
       false},
      {"budget_s", "--budget", "SECONDS", "time for samples beyond the minimum, per cell", &MeasureOptions::budget_s, 0,
       kInf, false},
      {"sample_time_s", "--sample-time", "SECONDS", "length of one sample; iterations are batched to last this long",
       &MeasureOptions::sample_time_s, 0, kInf, true},
      {"warmup_s", "--warmup", "SECONDS", "warm-up before sampling, at least one iteration", &MeasureOptions::warmup_s,
       0, kInf, false},
      {"inject_slowdown", "--inject-slowdown", "F",
       "calibration: make every measured iteration F slower (0.05 = 5%) with busy work, to test a gate",
       &MeasureOptions::inject_slowdown, 0, 10, false},
      {"timeout_s", "--timeout", "SECONDS", "per-cell time limit, then SIGTERM and SIGKILL", &RunnerOptions::timeout_s,
       0, kInf, true},
      {"kill_grace_s", nullptr, "SECONDS", "between SIGTERM and SIGKILL", &RunnerOptions::kill_grace_s, 0, kInf, false},
      {"memory_limit_bytes", "--memory-limit", "SIZE",
       "resident-memory limit of each cell process, e.g. 4G: a cell past it is killed and failed",
       &RunnerOptions::memory_limit_bytes, 0, kMaxBytes, false},
  };
  return t;
}

const char* OptionSpec::section() const {
  const bool measure =
      std::holds_alternative<double MeasureOptions::*>(field) || std::holds_alternative<int MeasureOptions::*>(field);
  return measure ? "measure" : "runner";
}

const OptionSpec* find_option(const std::string& key) {
  for (const auto& o : option_table())
    if (key == o.key) return &o;
  return nullptr;
}

namespace {

// The row's field as a double (sizes and counts are exact below 2^53, far past any use).
double value_of(const OptionSpec& o, const OptionValues& v) {
  return std::visit(
      [&](auto member) -> double {
        using M = decltype(member);
        if constexpr (std::is_same_v<M, double MeasureOptions::*> || std::is_same_v<M, int MeasureOptions::*>)
          return static_cast<double>(v.measure.*member);
        else
          return static_cast<double>(v.runner.*member);
      },
      o.field);
}

std::string g(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

std::string range_text(const OptionSpec& o) {
  if ((o.max == kInf || o.max == kMaxBytes) && o.min == 0)
    return o.min_open ? "must be positive" : "must not be negative";
  return std::string("must be in ") + (o.min_open ? "(" : "[") + g(o.min) + ", " + g(o.max) + (o.max_open ? ")" : "]");
}

}  // namespace

std::string option_text(const OptionSpec& o, const OptionValues& v) {
  if (std::holds_alternative<std::uint64_t RunnerOptions::*>(o.field)) {
    const std::uint64_t b = v.runner.*std::get<std::uint64_t RunnerOptions::*>(o.field);
    if (b == 0) return "none";
    for (auto [unit, shift] : {std::pair{"G", 30}, {"M", 20}, {"K", 10}})
      if (b % (1ull << shift) == 0) return std::to_string(b >> shift) + unit;
    return std::to_string(b);
  }
  return g(value_of(o, v));
}

double option_value(const OptionSpec& o, const OptionValues& v) { return value_of(o, v); }

void set_option(const OptionSpec& o, double x, OptionValues& v) {
  std::visit(
      [&](auto member) {
        using M = decltype(member);
        if constexpr (std::is_same_v<M, double MeasureOptions::*>)
          v.measure.*member = x;
        else if constexpr (std::is_same_v<M, int MeasureOptions::*>)
          v.measure.*member = static_cast<int>(x);
        else if constexpr (std::is_same_v<M, double RunnerOptions::*>)
          v.runner.*member = x;
        else
          v.runner.*member = static_cast<std::uint64_t>(x);
      },
      o.field);
}

nlohmann::json option_to_json(const OptionSpec& o, const OptionValues& v) {
  return std::visit(
      [&](auto member) -> nlohmann::json {
        using M = decltype(member);
        if constexpr (std::is_same_v<M, double MeasureOptions::*> || std::is_same_v<M, int MeasureOptions::*>)
          return v.measure.*member;
        else
          return v.runner.*member;
      },
      o.field);
}

void copy_option(const OptionSpec& o, const OptionValues& from, OptionValues& to) {
  std::visit(
      [&](auto member) {
        using M = decltype(member);
        if constexpr (std::is_same_v<M, double MeasureOptions::*> || std::is_same_v<M, int MeasureOptions::*>)
          to.measure.*member = from.measure.*member;
        else
          to.runner.*member = from.runner.*member;
      },
      o.field);
}

void check_option(const OptionSpec& o, const OptionValues& v, const std::string& where) {
  const double x = value_of(o, v);
  const bool ok = std::isfinite(x) && (o.min_open ? x > o.min : x >= o.min) && (o.max_open ? x < o.max : x <= o.max);
  if (ok) return;
  std::string msg = (where.empty() ? "" : where + ": ") + o.section() + "." + o.key;
  if (o.flag) msg += std::string(" (") + o.flag + ")";
  throw InputError(msg + " " + range_text(o) + ", got " + option_text(o, v));
}

}  // namespace sb

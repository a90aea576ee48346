#include "stratbench/result/host_comparability.hpp"

#include <algorithm>
#include <cstdint>

#include "stratbench/result/text.hpp"

namespace sb {
namespace {

// A set as text: sorted, duplicates dropped, comma-separated.
std::string set_text(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return join(v, ",");
}

std::string gib(const HostInfo& h) { return std::to_string((h.memory_bytes + (1ull << 29)) >> 30); }

std::string gpu_models(const HostInfo& h) {
  std::vector<std::string> names;
  for (const auto& g : h.gpus) names.push_back(g.name);
  return set_text(names);
}

std::string quoted(const std::string& a, const std::string& b) { return "'" + a + "' vs '" + b + "'"; }

// What one side has and the other lacks, so a list of 100 flags does not hide the one
// that differs: "avx512f only in base; amx_tile only in new".
std::string set_difference_text(std::vector<std::string> a, std::vector<std::string> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::vector<std::string> only_a, only_b;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(only_a));
  std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(only_b));
  only_a.erase(std::unique(only_a.begin(), only_a.end()), only_a.end());
  only_b.erase(std::unique(only_b.begin(), only_b.end()), only_b.end());
  std::string out;
  if (!only_a.empty()) out += join(only_a, ",") + " only in base";
  if (!only_b.empty()) out += (out.empty() ? "" : "; ") + join(only_b, ",") + " only in new";
  return out;
}

// One aspect of the rule: its normalized form (equal forms match; the fingerprint hashes
// them in this order) and the difference in words.
struct Aspect {
  const char* name;
  std::string (*normalized)(const HostInfo&);
  std::string (*shown)(const HostInfo& base, const HostInfo& next);
};

// The order is the fingerprint's since history schema 1: never reorder, only append (and
// appending changes every fingerprint: see host_fingerprint).
const Aspect kAspects[] = {
    {"host cpu", [](const HostInfo& h) { return h.cpu; },
     [](const HostInfo& a, const HostInfo& b) { return quoted(a.cpu, b.cpu); }},
    {"host cores", [](const HostInfo& h) { return std::to_string(h.cores); },
     [](const HostInfo& a, const HostInfo& b) { return std::to_string(a.cores) + " vs " + std::to_string(b.cores); }},
    {"host cpu flags", [](const HostInfo& h) { return set_text(h.flags); },
     [](const HostInfo& a, const HostInfo& b) { return set_difference_text(a.flags, b.flags); }},
    {"host memory", gib, [](const HostInfo& a, const HostInfo& b) { return gib(a) + " GiB vs " + gib(b) + " GiB"; }},
    {"host os", [](const HostInfo& h) { return h.os; },
     [](const HostInfo& a, const HostInfo& b) { return quoted(a.os, b.os); }},
    {"host kernel", [](const HostInfo& h) { return h.kernel; },
     [](const HostInfo& a, const HostInfo& b) { return quoted(a.kernel, b.kernel); }},
    {"host compiler", [](const HostInfo& h) { return h.compiler; },
     [](const HostInfo& a, const HostInfo& b) { return quoted(a.compiler, b.compiler); }},
    {"build type", [](const HostInfo& h) { return h.build_type; },
     [](const HostInfo& a, const HostInfo& b) { return quoted(a.build_type, b.build_type); }},
    {"host gpus", gpu_models,
     [](const HostInfo& a, const HostInfo& b) { return quoted(gpu_models(a), gpu_models(b)); }},
};

}  // namespace

std::vector<std::string> host_differences(const HostInfo& base, const HostInfo& next) {
  std::vector<std::string> out;
  for (const auto& a : kAspects)
    if (a.normalized(base) != a.normalized(next))
      out.push_back(std::string(a.name) + " differs: " + a.shown(base, next));
  return out;
}

bool comparable(const HostInfo& a, const HostInfo& b) { return host_differences(a, b).empty(); }

std::string host_fingerprint(const HostInfo& h) {
  // Fields joined by the unit separator, which real host fields never contain.
  return stable_hash_hex(join(kAspects, "\x1f", [&](const Aspect& a) { return a.normalized(h); }));
}

}  // namespace sb

namespace sb {

const HostInfo& host_of(const RunFile& run, const Cell& cell) {
  if (cell.host)
    if (auto it = run.run.hosts.find(*cell.host); it != run.run.hosts.end()) return it->second;
  return run.run.host;
}

}  // namespace sb

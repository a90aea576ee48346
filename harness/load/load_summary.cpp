#include "stratbench/harness/load/load_summary.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "stratbench/harness/matrix.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/stats.hpp"

namespace sb::load {
namespace {

// Nearest rank, as LoadGen and vLLM's benchmark report them.
double rank(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const auto k = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, k == 0 ? 0 : k - 1)];
}

Percentiles percentiles(std::vector<double> x) {
  std::sort(x.begin(), x.end());
  return {rank(x, 0.5), rank(x, 0.9), rank(x, 0.99), rank(x, 0.999), x.size()};
}

double tpot(const RequestRecord& r) {
  return r.token_s.size() < 2 ? 0 : (r.token_s.back() - r.token_s.front()) / static_cast<double>(r.token_s.size() - 1);
}

bool in_window(const RequestRecord& r, double from, double to) { return r.scheduled_s >= from && r.scheduled_s <= to; }

}  // namespace

Slo parse_slo(const std::string& s) {
  Slo slo;
  auto bad = [&](const std::string& why) -> InputError {
    return InputError("--slo '" + s + "': " + why + " (e.g. ttft=500ms,tpot=80ms)");
  };
  std::size_t at = 0;
  while (at <= s.size()) {
    std::size_t end = s.find(',', at);
    if (end == std::string::npos) end = s.size();
    const std::string part = s.substr(at, end - at);
    const auto eq = part.find('=');
    if (eq == std::string::npos) throw bad("'" + part + "' is not KEY=VALUE");
    const std::string key = part.substr(0, eq), v = part.substr(eq + 1);
    const bool ms = v.size() > 2 && v.substr(v.size() - 2) == "ms";
    const bool sec = !ms && v.size() > 1 && v.back() == 's';
    if (!ms && !sec) throw bad(key + ": give a unit, ms or s");
    const std::string num = v.substr(0, v.size() - (ms ? 2 : 1));
    double x = 0;
    auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), x);
    if (ec != std::errc() || p != num.data() + num.size() || !(x > 0)) throw bad(key + ": not a positive number");
    const double secs = ms ? x / 1000 : x;
    if (key == "ttft")
      slo.ttft_s = secs;
    else if (key == "tpot")
      slo.tpot_s = secs;
    else
      throw bad("unknown key '" + key + "' (ttft, tpot)");
    at = end + 1;
  }
  return slo;
}

std::string to_string(const Slo& s) {
  std::string out;
  if (s.ttft_s > 0) out += "ttft=" + std::to_string(static_cast<long long>(std::lround(s.ttft_s * 1000))) + "ms";
  if (s.tpot_s > 0)
    out += std::string(out.empty() ? "" : ",") +
           "tpot=" + std::to_string(static_cast<long long>(std::lround(s.tpot_s * 1000))) + "ms";
  return out.empty() ? "none" : out;
}

LoadSummary summarize_load(const std::vector<RequestRecord>& recs, double warmup_s, double cooldown_s, const Slo& slo) {
  LoadSummary s;
  s.sent = static_cast<int>(recs.size());
  double last = 0;
  for (const auto& r : recs) last = std::max(last, r.scheduled_s);
  const double from = warmup_s, to = last - cooldown_s;
  std::vector<double> ttft, itl, tp, e2e, lag;
  double first_send = 1e300, last_end = 0;
  std::uint64_t tokens = 0;
  int good = 0;
  for (const auto& r : recs) {
    lag.push_back(std::max(0.0, r.sent_s - r.scheduled_s));
    if (!in_window(r, from, to)) continue;
    ++s.measured;
    first_send = std::min(first_send, r.sent_s);
    last_end = std::max(last_end, r.end_s);
    if (!r.error.empty()) {
      ++s.errors[r.error];
      continue;
    }
    ++s.ok;
    tokens += static_cast<std::uint64_t>(r.tokens_out);
    const double t = r.first_token_s() >= 0 ? r.first_token_s() - r.sent_s : r.end_s - r.sent_s;
    ttft.push_back(t);
    e2e.push_back(r.end_s - r.sent_s);
    if (r.token_s.size() >= 2) tp.push_back(tpot(r));
    for (std::size_t i = 1; i < r.token_s.size(); ++i) itl.push_back(r.token_s[i] - r.token_s[i - 1]);
    if ((slo.ttft_s <= 0 || t <= slo.ttft_s) && (slo.tpot_s <= 0 || tpot(r) <= slo.tpot_s)) ++good;
  }
  s.ttft = percentiles(ttft);
  s.itl = percentiles(itl);
  s.tpot = percentiles(tp);
  s.e2e = percentiles(e2e);
  std::sort(lag.begin(), lag.end());
  s.send_lag_p99_s = rank(lag, 0.99);
  s.send_lag_max_s = lag.empty() ? 0 : lag.back();
  s.window_s = s.measured > 0 ? std::max(1e-9, last_end - first_send) : 0;
  if (s.window_s > 0) {
    s.requests_per_s = s.ok / s.window_s;
    s.output_tokens_per_s = static_cast<double>(tokens) / s.window_s;
    s.goodput_per_s = good / s.window_s;
  }
  s.slo_share = s.measured > 0 ? static_cast<double>(good) / s.measured : 0;
  s.p99_meets_slo = s.ok > 0 && s.errors.empty() && (slo.ttft_s <= 0 || s.ttft.p99 <= slo.ttft_s) &&
                    (slo.tpot_s <= 0 || s.tpot.p99 <= slo.tpot_s);
  return s;
}

Cell load_cell(const LoadSummary& s, const std::vector<RequestRecord>& recs, const std::string& strategy,
               const Params& params, double warmup_s, double cooldown_s) {
  Cell c;
  c.workload = "serve";
  c.strategy = strategy;
  c.params = params;
  c.id = cell_id(c.workload, strategy, params, "cpu");
  double last = 0;
  for (const auto& r : recs) last = std::max(last, r.scheduled_s);
  std::vector<double> e2e_ms;
  for (const auto& r : recs) {
    if (!in_window(r, warmup_s, last - cooldown_s) || !r.error.empty()) continue;
    c.samples["time_s"].push_back(r.end_s - r.sent_s);
    c.samples["ttft_s"].push_back((r.first_token_s() >= 0 ? r.first_token_s() : r.end_s) - r.sent_s);
    if (r.token_s.size() >= 2) c.samples["tpot_s"].push_back(tpot(r));
    e2e_ms.push_back((r.end_s - r.sent_s) * 1000);
  }
  if (s.ok == 0) {
    c.status = CellStatus::failed;
    c.reason = "no request succeeded (" + std::to_string(s.measured) + " measured)";
  } else {
    c.status = CellStatus::ok;
    c.metrics.latency_ms = stats::summarize(e2e_ms);
    c.metrics.throughput = Throughput{s.output_tokens_per_s, "tokens/s"};
  }
  auto& k = c.metrics.counters;
  k["requests_measured"] = s.measured;
  k["requests_ok"] = s.ok;
  int errors = 0;
  for (const auto& [kind, n] : s.errors) errors += n, k["errors_" + kind] = n;
  k["errors"] = errors;
  k["requests_per_s"] = s.requests_per_s;
  k["goodput_per_s"] = s.goodput_per_s;
  k["slo_share"] = s.slo_share;
  const std::pair<const char*, const Percentiles*> ps[] = {
      {"ttft", &s.ttft}, {"itl", &s.itl}, {"tpot", &s.tpot}, {"e2e", &s.e2e}};
  for (const auto& [name, p] : ps) {
    const std::string n = name;
    k[n + "_p50_ms"] = p->p50 * 1000;
    k[n + "_p90_ms"] = p->p90 * 1000;
    k[n + "_p99_ms"] = p->p99 * 1000;
    k[n + "_p999_ms"] = p->p999 * 1000;
  }
  k["send_lag_max_ms"] = s.send_lag_max_s * 1000;
  return c;
}

}  // namespace sb::load

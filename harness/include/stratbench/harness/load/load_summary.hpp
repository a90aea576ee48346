// What a load run measured: per-request latencies (time to first token, inter-token
// latency, time per output token, end to end) as percentiles, throughput, errors by kind,
// and goodput against a service-level objective; and the same as an ordinary stratbench
// result cell (workload `serve`), so compare, gate, history, the report and the GUI read it.
#pragma once

#include <map>
#include <string>

#include "stratbench/harness/load/load_client.hpp"
#include "stratbench/result/result.hpp"

namespace sb::load {

struct Slo {
  double ttft_s = 0, tpot_s = 0;  // 0: not part of the objective
};
// "ttft=500ms,tpot=80ms" (units ms or s; either key may be left out); InputError naming
// --slo otherwise.
Slo parse_slo(const std::string& s);
std::string to_string(const Slo& s);

struct Percentiles {
  double p50 = 0, p90 = 0, p99 = 0, p999 = 0;
  std::size_t n = 0;
};

struct LoadSummary {
  int sent = 0, measured = 0, ok = 0;  // measured: scheduled inside the window
  std::map<std::string, int> errors;   // kind -> count, over the measured requests
  Percentiles ttft, itl, tpot, e2e;    // seconds, over the measured requests that succeeded
  double window_s = 0;                 // first send to last end of the measured requests
  double requests_per_s = 0, output_tokens_per_s = 0, goodput_per_s = 0;
  double slo_share = 0;                           // share of the measured requests that met the SLO (errors never do)
  double send_lag_p99_s = 0, send_lag_max_s = 0;  // how late the client sent (open loop)
  bool p99_meets_slo = false;                     // p99 TTFT and p99 TPOT within the SLO, no errors
};

// Requests scheduled before warmup_s or after (last scheduled - cooldown_s) are sent but
// not measured.
LoadSummary summarize_load(const std::vector<RequestRecord>& recs, double warmup_s, double cooldown_s, const Slo& slo);

// The summary as a result cell: latency_ms is end to end, samples hold each measured
// request's end to end as time_s (what compare and gate test), ttft_s and tpot_s;
// throughput is output tokens/s; counters the rest.
Cell load_cell(const LoadSummary& s, const std::vector<RequestRecord>& recs, const std::string& strategy,
               const Params& params, double warmup_s, double cooldown_s);

}  // namespace sb::load

#include "stratbench/workloads/serve/metrics.hpp"

#include <sstream>

namespace sb::serve {

void Histogram::observe(double seconds) {
  std::lock_guard<std::mutex> l(mu_);
  for (std::size_t i = 0; i < kBounds.size(); ++i)
    if (seconds <= kBounds[i]) ++counts_[i];
  ++count_;
  sum_ += seconds;
}

std::string Histogram::text(const std::string& name, const std::string& help) const {
  std::lock_guard<std::mutex> l(mu_);
  std::ostringstream o;
  o << "# HELP " << name << " " << help << "\n# TYPE " << name << " histogram\n";
  for (std::size_t i = 0; i < kBounds.size(); ++i)
    o << name << "_bucket{le=\"" << kBounds[i] << "\"} " << counts_[i] << "\n";
  o << name << "_bucket{le=\"+Inf\"} " << count_ << "\n"
    << name << "_sum " << sum_ << "\n"
    << name << "_count " << count_ << "\n";
  return o.str();
}

std::string prometheus_text(const SchedulerStats& s, ServerMetrics& m, double now_s) {
  std::ostringstream o;
  auto metric = [&](const char* name, const char* type, const char* help, auto value) {
    o << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n" << name << " " << value << "\n";
  };
  metric("stratbench_queue_depth", "gauge", "Requests waiting for a sequence slot.", s.queued);
  metric("stratbench_running_batch_size", "gauge", "Requests in the running batch.", s.running);
  metric("stratbench_running_batch_peak", "gauge", "Most requests ever in the running batch at once.", s.running_peak);
  // kv=contiguous: one block per sequence slot, the model's whole context; kv=paged: the
  // pool's small blocks, held by requests or by the prefix cache.
  metric("stratbench_kv_blocks_used", "gauge", "KV cache blocks held by requests or the prefix cache.",
         s.kv_blocks_used);
  metric("stratbench_kv_blocks_free", "gauge", "KV cache blocks free.", s.kv_blocks_total - s.kv_blocks_used);
  metric("stratbench_kv_blocks_cached", "gauge", "KV blocks held by the prefix cache.", s.kv_blocks_cached);
  metric("stratbench_request_kv_frees_total", "counter", "Requests that gave their KV back (ended or preempted).",
         s.slot_frees + s.preemptions);
  metric("stratbench_preemptions_total", "counter", "Running requests preempted (a higher priority, or KV blocks).",
         s.preemptions);
  metric("stratbench_prefix_cache_hit_blocks_total", "counter", "Prompt KV blocks shared from the prefix cache.",
         s.prefix_hit_blocks);
  metric("stratbench_kv_live_position_steps_total", "counter",
         "Over forwards: KV positions holding running requests' tokens.", s.kv_live_position_steps);
  metric("stratbench_kv_held_position_steps_total", "counter",
         "Over forwards: KV positions running requests hold (their utilisation is live / held).",
         s.kv_held_position_steps);
  metric("stratbench_answer_cache_hits_total", "counter", "Requests answered from the answer cache.", s.answer_hits);
  metric("stratbench_answer_cache_misses_total", "counter", "Requests the answer cache did not hold.", s.answer_misses);
  metric("stratbench_prefix_cache_evictions_total", "counter", "Blocks the prefix cache gave back to the pool.",
         s.prefix_evictions);
  o << "# HELP stratbench_requests_total Requests by outcome.\n# TYPE stratbench_requests_total counter\n";
  o << "stratbench_requests_total{outcome=\"completed\"} " << s.completed << "\n";
  o << "stratbench_requests_total{outcome=\"cancelled\"} " << s.cancelled << "\n";
  o << "stratbench_requests_total{outcome=\"failed\"} " << s.failed << "\n";
  o << "stratbench_requests_total{outcome=\"rejected_queue_full\"} " << s.rejected << "\n";
  std::uint64_t bad = 0, large = 0;
  double rate = 0;
  {
    std::lock_guard<std::mutex> l(m.mu);
    bad = m.bad_requests;
    large = m.too_large;
    if (m.last_scrape_s >= 0 && now_s > m.last_scrape_s)
      rate = static_cast<double>(s.generated_tokens - m.last_generated) / (now_s - m.last_scrape_s);
    m.last_scrape_s = now_s;
    m.last_generated = s.generated_tokens;
  }
  o << "stratbench_requests_total{outcome=\"bad_request\"} " << bad << "\n";
  o << "stratbench_requests_total{outcome=\"too_large\"} " << large << "\n";
  metric("stratbench_prompt_tokens_total", "counter", "Prompt tokens admitted.", s.prompt_tokens);
  metric("stratbench_generated_tokens_total", "counter", "Tokens generated.", s.generated_tokens);
  metric("stratbench_tokens_per_second", "gauge", "Generated tokens per second since the previous scrape.", rate);
  metric("stratbench_forwards_total", "counter", "Engine forward passes.", s.forwards);
  metric("stratbench_forward_seconds_total", "counter", "Seconds spent in engine forward passes.", s.forward_seconds);
  o << m.ttft.text("stratbench_time_to_first_token_seconds", "Arrival to the first generated token.");
  o << m.tpot.text("stratbench_time_per_output_token_seconds", "Per request: (end - first token) / (tokens - 1).");
  o << m.e2e.text("stratbench_request_duration_seconds", "Arrival to the last token.");
  return o.str();
}

}  // namespace sb::serve

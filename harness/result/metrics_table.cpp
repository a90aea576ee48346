#include "stratbench/result/metrics_table.hpp"

#include "stratbench/result/errors.hpp"
#include "stratbench/result/text.hpp"

namespace sb {
namespace {

using Value = std::optional<double>;

Value number(const std::optional<std::uint64_t>& v) { return v ? Value(static_cast<double>(*v)) : std::nullopt; }

// A latency statistic: a timing under "latency_ms", read through one Summary member both
// by the getter and by the history, which recomputes it from the raw samples.
MetricField latency(MetricField f, double Summary::*statistic) {
  f.path = "latency_ms." + f.path;
  f.kind = MetricKind::timing;
  f.statistic = statistic;
  f.get = [statistic](const Cell& c) {
    return c.metrics.latency_ms ? Value((*c.metrics.latency_ms).*statistic) : std::nullopt;
  };
  return f;
}

std::vector<MetricField> build_table() {
  constexpr auto L = Better::lower;
  constexpr auto H = Better::higher;
  // Positions matter: machine outputs (CSV) list the rows in this order, and a consumer
  // reading columns by position keeps working when a row is added at the end.
  std::vector<MetricField> t = {
      latency({.path = "p50",
               .key = "p50_ms",
               .label = "p50",
               .title = "p50",
               .description = "Median time of one iteration over all samples",
               .unit = "ms",
               .better = L},
              &Summary::p50),
      latency({.path = "p90",
               .key = "p90_ms",
               .label = "p90",
               .title = "p90",
               .description = "90th percentile of the time of one iteration",
               .unit = "ms",
               .better = L},
              &Summary::p90),
      latency({.path = "p99",
               .key = "p99_ms",
               .label = "p99",
               .title = "p99",
               .description = "99th percentile of the time of one iteration",
               .unit = "ms",
               .better = L},
              &Summary::p99),
      latency({.path = "mean",
               .key = "mean_ms",
               .label = "mean",
               .title = "Mean",
               .description = "Mean time of one iteration over all samples",
               .unit = "ms",
               .better = L},
              &Summary::mean),
      latency({.path = "stddev",
               .key = "stddev_ms",
               .label = "stddev",
               .title = "Std. dev.",
               .description = "Sample standard deviation of the time of one iteration",
               .unit = "ms",
               .better = L},
              &Summary::stddev),
      // Two digits: the cv says how noisy a cell is, not a figure to compare closely.
      latency({.path = "cv",
               .key = "cv",
               .label = "cv",
               .title = "CV",
               .description = "Coefficient of variation of the latency samples (stddev / mean)",
               .display = Display::percent,
               .digits = 2,
               .better = L},
              &Summary::cv),
      latency({.path = "min",
               .key = "min_ms",
               .label = "min",
               .title = "Min",
               .description = "Time of one iteration in the fastest sample",
               .unit = "ms",
               .better = L},
              &Summary::min),
      latency({.path = "max",
               .key = "max_ms",
               .label = "max",
               .title = "Max",
               .description = "Time of one iteration in the slowest sample",
               .unit = "ms",
               .better = L},
              &Summary::max),
      {.path = "throughput.value",
       .key = "throughput",
       .label = "throughput",
       .title = "Throughput",
       .description = "Work per second, in the unit the workload reports",
       .better = H,
       .kind = MetricKind::timing,
       .get = [](const Cell& c) { return c.metrics.throughput ? Value(c.metrics.throughput->value) : std::nullopt; },
       .cell_unit = [](const Cell& c) { return c.metrics.throughput ? c.metrics.throughput->unit : std::string(); }},
      {.path = "memory.peak_rss_bytes",
       .key = "peak_rss_bytes",
       .label = "peak RSS",
       .title = "Peak RSS",
       .description = "Peak resident set size of the cell process",
       .unit = "bytes",
       .display = Display::mebibytes,
       .better = L,
       .get = [](const Cell& c) { return number(c.metrics.memory.peak_rss_bytes); }},
      {.path = "memory.alloc_count",
       .key = "alloc_count",
       .label = "allocs",
       .title = "Allocations",
       .description = "Heap allocations of the cell, from prepare to the end of the measurement",
       .better = L,
       .get = [](const Cell& c) { return number(c.metrics.memory.alloc_count); }},
      {.path = "memory.alloc_bytes",
       .key = "alloc_bytes",
       .label = "allocated",
       .title = "Allocated",
       .description = "Bytes the heap allocations of the cell asked for",
       .unit = "bytes",
       .display = Display::mebibytes,
       .better = L,
       .get = [](const Cell& c) { return number(c.metrics.memory.alloc_bytes); }},
      // Quality: two significant digits read well against the floors (1e-5 for fp32 to 1.2
      // for int4); top-1 is a fraction of a few dozen tokens, so three.
      {.path = "quality.rel_error",
       .key = "rel_error",
       .label = "err",
       .title = "Rel. error",
       .description = "Relative error of the output against the workload's reference: ||got - ref|| / ||ref||",
       .digits = 2,
       .better = L,
       .kind = MetricKind::quality,
       .get = [](const Cell& c) { return c.metrics.quality.rel_error; }},
      {.path = "quality.top1_agreement",
       .key = "top1_agreement",
       .label = "top-1",
       .title = "Top-1",
       .description = "Next-token argmaxes that agree with the fp32 baseline's, over the generated tokens",
       .display = Display::percent,
       .digits = 3,
       .better = H,
       .kind = MetricKind::quality,
       .get = [](const Cell& c) { return c.metrics.quality.top1_agreement; }},
      // No unit beside the value: a divergence is dimensionless like the relative error; the
      // description names the logarithm's base (nats).
      {.path = "quality.kl",
       .key = "kl",
       .label = "KL",
       .title = "KL",
       .description = "Mean KL divergence of the next-token distributions from the fp32 baseline's, in nats",
       .digits = 2,
       .better = L,
       .kind = MetricKind::quality,
       .get = [](const Cell& c) { return c.metrics.quality.kl; }},
      // The GPU's figures last: the CSV had the rows above before it had these, and a column
      // read by position stays where it was.
      {.path = "memory.gpu_peak_bytes",
       .key = "gpu_peak_bytes",
       .label = "GPU peak",
       .title = "GPU peak",
       .description = "Peak device memory in use by the cell",
       .unit = "bytes",
       .display = Display::mebibytes,
       .better = L,
       .get = [](const Cell& c) { return number(c.metrics.memory.gpu_peak_bytes); }},
      {.path = "gpu.kernel_time_ms",
       .key = "gpu_kernel_time_ms",
       .label = "kernel time",
       .title = "Kernel time",
       .description = "Time the GPU spent in kernels during the traced pass",
       .unit = "ms",
       .better = L,
       .kind = MetricKind::timing,
       .get = [](const Cell& c) { return c.metrics.gpu ? Value(c.metrics.gpu->kernel_time_ms) : std::nullopt; }},
      {.path = "gpu.launches",
       .key = "gpu_launches",
       .label = "launches",
       .title = "Launches",
       .description = "Kernel launches during the traced pass",
       .better = L,
       .get =
           [](const Cell& c) {
             return c.metrics.gpu ? Value(static_cast<double>(c.metrics.gpu->launches)) : std::nullopt;
           }},
      {.path = "gpu.memcpy_bytes",
       .key = "gpu_memcpy_bytes",
       .label = "memcpy",
       .title = "Copied",
       .description = "Bytes copied between host and device during the traced pass",
       .unit = "bytes",
       .display = Display::mebibytes,
       .better = L,
       .get =
           [](const Cell& c) {
             return c.metrics.gpu ? Value(static_cast<double>(c.metrics.gpu->memcpy_bytes)) : std::nullopt;
           }},
      // Perplexity after the GPU's rows for the same reason: newer rows go last. A model
      // trained here (`model train`) scores the held-out part of the corpus; a synthetic
      // model has no text to score and reports neither.
      {.path = "quality.perplexity",
       .key = "perplexity",
       .label = "ppl",
       .title = "Perplexity",
       .description = "Held-out perplexity of the trained model under this strategy (llama-perplexity's protocol)",
       .digits = 4,
       .better = L,
       .kind = MetricKind::quality,
       .get = [](const Cell& c) { return c.metrics.quality.perplexity; }},
      {.path = "quality.perplexity_change",
       .key = "perplexity_change",
       .label = "ppl change",
       .title = "Perplexity change",
       .description = "Held-out perplexity against the fp32 baseline's on the same model and text: ppl / ppl_fp32 - 1",
       .display = Display::percent,
       .digits = 2,
       .better = L,
       .kind = MetricKind::quality,
       .get = [](const Cell& c) { return c.metrics.quality.perplexity_change; }},
      // A workload's own figures (flops, tokens per iteration, allocations per iteration)
      // and the runner's: named per workload, so neither direction nor unit is known here.
      {.path = "counters.*",
       .key = "counters",
       .label = "counters",
       .title = "Counters",
       .description = "A counter the workload or the runner reports: counters.<name>",
       .family = &Metrics::counters},
  };
  return t;
}

bool family_matches(const MetricField& f, std::string_view path) {
  const std::string_view prefix = std::string_view(f.path).substr(0, f.path.size() - 1);  // "counters."
  return path.size() > prefix.size() && path.substr(0, prefix.size()) == prefix;
}

}  // namespace

const std::vector<MetricField>& metric_fields() {
  static const std::vector<MetricField> t = build_table();
  return t;
}

const MetricField* find_metric(std::string_view path) {
  for (const auto& f : metric_fields())
    if (f.family ? family_matches(f, path) : f.path == path) return &f;
  return nullptr;
}

const MetricField& metric_field(std::string_view path) {
  const MetricField* f = find_metric(path);
  SB_CHECK(f != nullptr && !f->family);
  return *f;
}

std::optional<double> metric_value(const Cell& c, std::string_view path) {
  const MetricField* f = find_metric(path);
  if (!f) return std::nullopt;
  if (!f->family) return f->get(c);
  const auto& named = c.metrics.*(f->family);
  auto it = named.find(std::string(path.substr(f->path.size() - 1)));
  return it == named.end() ? std::nullopt : Value(it->second);
}

std::string metric_paths_text() {
  return join(metric_fields(), ", ",
              [](const MetricField& f) { return f.family ? f.path.substr(0, f.path.size() - 1) + "<name>" : f.path; });
}

std::string display_unit(const MetricField& f) {
  switch (f.display) {
    case Display::mebibytes: return "MiB";
    case Display::percent: return "%";
    case Display::number: break;
  }
  return f.unit;
}

double display_value(const MetricField& f, double stored) {
  switch (f.display) {
    case Display::mebibytes: return stored / (1024.0 * 1024.0);
    case Display::percent: return stored * 100;
    case Display::number: break;
  }
  return stored;
}

}  // namespace sb

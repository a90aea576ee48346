// The result model: plain structs shared by every part (runner, reports, gui).
// It includes nothing from the runner, the workloads or the writers (DESIGN.md, style 4).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sb {

inline constexpr const char* kRunSchemaV1 = "stratbench/run/v1";

// A parameter value as written in results: integers stay integers in JSON.
using ParamValue = std::variant<std::int64_t, double, std::string>;
// Ordered by name, so the cell id and the printed form are stable.
using Params = std::map<std::string, ParamValue>;

std::string to_string(const ParamValue& v);
// "m=256,n=256,k=256" in name order.
std::string params_to_string(const Params& p);
// 16 hex digits of the 64-bit FNV-1a hash of s: stable across runs, hosts and builds
// (cell ids, config hashes, host fingerprints).
std::string stable_hash_hex(const std::string& s);

enum class CellStatus { ok, failed, skipped, timeout };
const char* to_string(CellStatus s);
std::optional<CellStatus> parse_cell_status(const std::string& s);

// Aggregates over samples; see reports/stats for how they are computed.
struct Summary {
  double min = 0, max = 0, mean = 0, stddev = 0, cv = 0, p50 = 0, p90 = 0, p99 = 0;
  std::size_t n = 0;
};

struct Throughput {
  double value = 0;
  std::string unit;  // "GFLOP/s", "tokens/s", "MB/s"
};

// Every field is optional: what a cell cannot measure is absent, never zero.
struct MemoryMetrics {
  std::optional<std::uint64_t> peak_rss_bytes, alloc_count, alloc_bytes, gpu_peak_bytes;
};

struct QualityMetrics {
  std::optional<double> rel_error, top1_agreement, kl;
  // Trained models only: held-out perplexity, and its relative change against fp32.
  std::optional<double> perplexity, perplexity_change;
};

struct GpuMetrics {
  double kernel_time_ms = 0;
  std::uint64_t launches = 0, memcpy_bytes = 0;
};

// How the adaptive stopping rule ended for this cell.
struct StoppingInfo {
  double target_rse = 0;    // asked relative standard error of the median
  double achieved_rse = 0;  // estimated at the last sample
  bool target_reached = false;
  double budget_s = 0;  // wall-clock budget for the measured phase
  std::int64_t iterations_per_sample = 0;
};

struct Metrics {
  std::optional<Summary> latency_ms;
  std::optional<Throughput> throughput;
  MemoryMetrics memory;
  QualityMetrics quality;
  std::map<std::string, double> counters;  // "flops", "cycles", ...
  std::optional<GpuMetrics> gpu;
  std::optional<StoppingInfo> stopping;
};

// The traced pass that followed the timed samples (run --profile / --trace): how long it
// took, what tracing cost against the untraced median, and each profiler's state.
struct ProfileInfo {
  int iterations = 0;
  double seconds_per_iteration = 0;                // wall clock of the traced pass
  std::optional<double> overhead;                  // traced / untraced median - 1 (0.04: 4% slower)
  std::uint64_t ranges = 0;                        // NVTX ranges recorded in the pass
  std::optional<double> ns_per_range;              // one range's cost while recorded (calibrated)
  std::map<std::string, std::string> profilers;    // name -> "ok" or "unavailable: why"
  std::map<std::string, std::string> unavailable;  // counter -> why it is absent
  std::vector<std::string> notes;                  // "12 CUPTI records dropped", ...
};

struct Cell {
  std::string id;  // stable hash of workload, strategy, params, device
  std::string workload;
  std::string strategy;
  std::string device = "cpu";
  Params params;
  CellStatus status = CellStatus::skipped;
  std::string reason;                                  // why failed / skipped / timeout; empty when ok
  std::map<std::string, std::vector<double>> samples;  // "time_s" -> one value per repetition
  Metrics metrics;
  std::optional<std::string> trace;  // the traced pass's trace file, relative to the results file
  std::optional<ProfileInfo> profile;
  // A merged run's cells ran on several machines: the fingerprint of this cell's host, a
  // key of RunHeader::hosts. Absent: the run header's host.
  std::optional<std::string> host;
};

struct GitInfo {
  std::string commit;
  bool dirty = false;
};

struct GpuInfo {
  std::string name, driver, cuda;
};

struct HostInfo {
  std::string cpu;
  int cores = 0;
  std::vector<std::string> flags;
  std::uint64_t memory_bytes = 0;
  std::string os, kernel, compiler, build_type;
  std::vector<GpuInfo> gpus;
};

// `run --shard K/N`: which cells of the whole matrix this run was given. The assignment is
// made once, at the start, and kept here, so a resumed shard runs the same cells.
struct ShardInfo {
  int index = 0, count = 0;            // K and N of K/N, 1 <= K <= N
  std::size_t matrix_cells = 0;        // cells of the whole matrix
  std::vector<std::string> cells;      // this shard's cell ids, in matrix order
  std::vector<std::size_t> positions;  // each one's index in the whole matrix
};

// `merge`: one shard that went into the merged run.
struct MergedShard {
  int index = 0, count = 0;
  std::string run_id, started, finished, host;  // host: fingerprint, a key of RunHeader::hosts
  std::size_t cells = 0;
};

struct RunHeader {
  std::string id, started, finished, command;
  GitInfo git;
  HostInfo host;
  std::string config_hash;
  std::optional<ShardInfo> shard;         // a shard's run
  std::vector<MergedShard> shards;        // a merged run: its shards, by index
  std::map<std::string, HostInfo> hosts;  // a merged run: fingerprint -> host, for Cell::host
};

struct RunFile {
  std::string schema = kRunSchemaV1;
  RunHeader run;
  std::vector<Cell> cells;
};

}  // namespace sb

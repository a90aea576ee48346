// The history store behind `stratbench history`: every run added to it, with its commit,
// branch, host fingerprint, configuration hash, cells and EVERY raw sample — statistics
// over commits are recomputed from measurements, never from stored aggregates.
//
// Backends, chosen by the URL given to open_history_store:
//   * SQLite, a file path (or "sqlite://PATH"): the default, results/history.db.
//     WAL mode (readers never block the writer), foreign keys on, a busy timeout so that
//     concurrent `history add`s from parallel CI jobs wait instead of failing.
//   * PostgreSQL, "postgresql://…" / "postgres://…" or a libpq "key=value" string
//     ("host=/tmp/x dbname=y"): a server shared by CI machines. Built only when libpq was
//     found at configure time; otherwise such a URL is an InputError saying so.
// Both hold one schema (versioned in a schema_version table, created when missing) and run
// the same SQL; dialect differences are isolated in reports/history_sql.hpp.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stratbench/result/host_comparability.hpp"  // host_fingerprint: the series key
#include "stratbench/result/result.hpp"

namespace sb {

namespace history {
class SqlConnection;
}

// The database schema this build reads and writes.
inline constexpr int kHistorySchemaVersion = 1;
// What `stratbench history` uses without --db.
inline constexpr const char* kDefaultHistoryDb = "results/history.db";

// A run as listed by the store.
struct StoredRun {
  std::string id, commit, branch, started, finished, command, host_fingerprint, config_hash;
  bool dirty = false;
  std::size_t cells = 0;
};

// One (cell, host) pair the store has measurements of: the unit of a series. Timings are
// only comparable on one machine, so a cell measured on two hosts gives two series.
struct SeriesKey {
  std::string cell_id, host_fingerprint;
  std::string workload, strategy, device, params;  // params as "m=256,n=256"
};

// One point of a series: one run of one cell.
struct SeriesPoint {
  std::string run_id, commit, started;
  double value = 0;
};

struct SeriesQuery {
  std::string cell_id, host_fingerprint;
  // A path of the metrics table (result/metrics_table.hpp). Latency statistics (the rows
  // with a `statistic`) are computed from the raw time_s samples (in ms); any other path
  // ("throughput.value", "memory.peak_rss_bytes", "counters.flops") is read from the stored
  // metrics. An unknown path is an InputError naming the known ones. Runs whose cell was
  // not ok, or lacks the metric, give no point.
  std::string metric = "latency_ms.p50";
  std::string branch;  // empty: every branch
};

struct AddResult {
  std::size_t cells = 0, samples = 0;
};

class HistoryStore {
 public:
  // Use open_history_store. Creates the schema when missing and refuses a newer one;
  // `name` is the URL with any password masked, for messages.
  HistoryStore(std::unique_ptr<history::SqlConnection> db, std::string name);
  ~HistoryStore();
  HistoryStore(const HistoryStore&) = delete;
  HistoryStore& operator=(const HistoryStore&) = delete;

  // One transaction: all of the run or nothing. InputError when a run with this id is
  // stored already, or when the run repeats a cell id.
  AddResult add(const RunFile& run, const std::string& branch);
  // In start order (then id).
  std::vector<StoredRun> runs();
  // The run as it was added (header, cells in file order, every sample); nullopt if absent.
  std::optional<RunFile> load(const std::string& run_id);
  std::optional<StoredRun> find_run(const std::string& run_id);
  // Every (cell, host) with at least one stored cell, ordered by workload, strategy,
  // params, device, host.
  std::vector<SeriesKey> series_keys();
  // One point per run in commit order: runs ordered by start time, then id.
  std::vector<SeriesPoint> series(const SeriesQuery& q);

  // The store's URL as given, with any password masked: safe to print.
  const std::string& url() const { return url_; }

 private:
  void ensure_schema();
  std::unique_ptr<history::SqlConnection> db_;
  std::string url_;
};

enum class HistoryOpen {
  create,   // `add`: a missing SQLite file (and its directory) is created
  existing  // reading: a missing SQLite file is an InputError ("add a run first")
};

// InputError when the store cannot be opened (bad path, not a database, server down,
// PostgreSQL not built in, schema newer than this build).
std::unique_ptr<HistoryStore> open_history_store(const std::string& url, HistoryOpen mode = HistoryOpen::create);

// Whether this build has the PostgreSQL backend.
bool history_postgres_supported();

// Reads a results file and validates it with the reader and against the results schema
// (reports/schema): InputError naming the file and the field for a malformed, truncated or
// schema-violating file. `history add` calls it before opening the store, so that a bad
// file does not even create one.
RunFile read_results_for_history(const std::string& path);
// read_results_for_history, then add: a bad file writes nothing.
AddResult add_results_file(HistoryStore& store, const std::string& path, const std::string& branch);

}  // namespace sb

// Adding runs to the history store and reading them back whole.
#include <algorithm>
#include <map>
#include <tuple>

#include "history_sql.hpp"
#include "stratbench/reports/history_store.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/host_comparability.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb {
namespace {

using history::as_int;
using history::as_text;
using history::SqlConnection;
using history::SqlValue;

// Multi-row INSERTs in chunks of 256, 128, ..., 1 rows: few round trips to a server, and
// at most nine distinct statements to prepare whatever the sample counts.
std::size_t insert_samples(SqlConnection& db, std::int64_t cell_pk, const std::string& metric,
                           const std::vector<double>& values) {
  std::size_t i = 0;
  for (std::size_t chunk = 256; chunk >= 1; chunk /= 2) {
    std::string sql;
    while (values.size() - i >= chunk) {
      if (sql.empty()) {
        sql = "INSERT INTO samples (cell_pk, metric, idx, value) VALUES ";
        for (std::size_t k = 0; k < chunk; ++k) sql += k ? ",(?,?,?,?)" : "(?,?,?,?)";
      }
      std::vector<SqlValue> params;
      params.reserve(4 * chunk);
      for (std::size_t k = 0; k < chunk; ++k, ++i) {
        params.emplace_back(cell_pk);
        params.emplace_back(metric);
        params.emplace_back(static_cast<std::int64_t>(i));
        params.emplace_back(values[i]);
      }
      db.query(sql, params);
    }
  }
  return values.size();
}

const char* kRunColumns =
    "run_id, git_commit, dirty, branch, started, finished, command, host_fingerprint, config_hash";

StoredRun stored_run(const history::SqlRow& r) {
  StoredRun s;
  s.id = as_text(r[0]);
  s.commit = as_text(r[1]);
  s.dirty = as_int(r[2]) != 0;
  s.branch = as_text(r[3]);
  s.started = as_text(r[4]);
  s.finished = as_text(r[5]);
  s.command = as_text(r[6]);
  s.host_fingerprint = as_text(r[7]);
  s.config_hash = as_text(r[8]);
  if (r.size() > 9) s.cells = static_cast<std::size_t>(as_int(r[9]));
  return s;
}

}  // namespace

// A merged run's cells may come from several hosts; series are per host, so each host's
// cells are stored as a run of their own: the header host's under the run's id, any other
// host's under "<id>@<fingerprint>", each with its own host.
static std::vector<RunFile> split_by_host(const RunFile& run) {
  if (run.run.hosts.size() <= 1) return {run};
  const std::string main_fp = host_fingerprint(run.run.host);
  std::map<std::string, RunFile> parts;
  for (const auto& c : run.cells) {
    const HostInfo& host = host_of(run, c);
    const std::string fp = host_fingerprint(host);
    auto [it, fresh] = parts.try_emplace(fp);
    if (fresh) {
      it->second.run = run.run;
      it->second.run.host = host;
      it->second.run.hosts.clear();
      it->second.run.shards.clear();
      if (fp != main_fp) it->second.run.id += "@" + fp;
    }
    it->second.cells.push_back(c);
    it->second.cells.back().host.reset();
  }
  std::vector<RunFile> out;
  out.reserve(parts.size());
  for (auto& [fp, part] : parts) out.push_back(std::move(part));
  return out;
}

AddResult HistoryStore::add(const RunFile& whole, const std::string& branch) {
  auto& db = *db_;
  history::Transaction tx(db, true);
  AddResult out;
  for (const RunFile& run : split_by_host(whole)) {
    const RunHeader& h = run.run;
    if (h.id.empty()) throw InputError("run.id: empty; the history store keys runs by id");
    const auto duplicate_run = [&] {
      return InputError("run '" + h.id + "' is already in the history store " + url_ +
                        " (a run is added once; runs are keyed by run.id)");
    };
    if (!db.query("SELECT 1 FROM runs WHERE run_id = ?", {h.id}).empty()) throw duplicate_run();
    try {
      db.query(
          "INSERT INTO runs (run_id, git_commit, dirty, branch, started, finished, command, host_fingerprint, "
          "host_json, config_hash) VALUES (?,?,?,?,?,?,?,?,?,?)",
          {h.id, h.git.commit, std::int64_t{h.git.dirty ? 1 : 0}, branch, h.started, h.finished, h.command,
           host_fingerprint(h.host), to_json(h)["host"].dump(), h.config_hash});
    } catch (const history::SqlError& e) {
      if (e.unique_violation) throw duplicate_run();  // added by another process meanwhile
      throw;
    }
    for (std::size_t i = 0; i < run.cells.size(); ++i) {
      const Cell& c = run.cells[i];
      const nlohmann::json cj = to_json(c);
      std::vector<history::SqlRow> rows;
      try {
        rows = db.query(
            "INSERT INTO cells (run_id, ordinal, cell_id, workload, strategy, device, params_json, status, reason, "
            "metrics_json, trace) VALUES (?,?,?,?,?,?,?,?,?,?,?) RETURNING cell_pk",
            {h.id, static_cast<std::int64_t>(i), c.id, c.workload, c.strategy, c.device, cj["params"].dump(),
             std::string(to_string(c.status)), c.reason, cj["metrics"].dump(),
             c.trace ? SqlValue(*c.trace) : SqlValue()});
      } catch (const history::SqlError& e) {
        if (e.unique_violation)
          throw InputError("cells[" + std::to_string(i) + "].id: cell id '" + c.id + "' appears twice in run '" + h.id +
                           "'; nothing was added");
        throw;
      }
      const std::int64_t pk = as_int(rows.at(0).at(0));
      for (const auto& [metric, values] : c.samples) out.samples += insert_samples(db, pk, metric, values);
      ++out.cells;
    }
  }
  tx.commit();
  return out;
}

std::vector<StoredRun> HistoryStore::runs() {
  std::vector<StoredRun> out;
  for (const auto& r : db_->query(std::string("SELECT ") + kRunColumns +
                                  ", (SELECT COUNT(*) FROM cells c WHERE c.run_id = runs.run_id) FROM runs"))
    out.push_back(stored_run(r));
  // Sorted here, not by ORDER BY: a PostgreSQL collation could order ids differently.
  std::sort(out.begin(), out.end(), [](const StoredRun& a, const StoredRun& b) {
    return std::tie(a.started, a.id) < std::tie(b.started, b.id);
  });
  return out;
}

std::optional<StoredRun> HistoryStore::find_run(const std::string& run_id) {
  const auto rows = db_->query(std::string("SELECT ") + kRunColumns +
                                   ", (SELECT COUNT(*) FROM cells c WHERE c.run_id = runs.run_id) FROM runs "
                                   "WHERE run_id = ?",
                               {run_id});
  if (rows.empty()) return std::nullopt;
  return stored_run(rows[0]);
}

std::optional<RunFile> HistoryStore::load(const std::string& run_id) {
  auto& db = *db_;
  // A run is written once, atomically, and never changed: the three reads agree without a
  // stricter isolation level. The transaction spares SQLite a read lock per query.
  history::Transaction tx(db, false);
  const auto head = db.query(
      "SELECT run_id, started, finished, command, git_commit, dirty, host_json, config_hash FROM runs "
      "WHERE run_id = ?",
      {run_id});
  if (head.empty()) return std::nullopt;
  const auto& r = head[0];
  const std::string where = url_ + ": run '" + run_id + "'";
  // Rebuilt as results-file JSON and read by the results reader: the stored run goes
  // through the same validation as a file would.
  nlohmann::json run = {{"id", as_text(r[0])},
                        {"started", as_text(r[1])},
                        {"finished", as_text(r[2])},
                        {"command", as_text(r[3])},
                        {"git", {{"commit", as_text(r[4])}, {"dirty", as_int(r[5]) != 0}}},
                        {"host", parse_json_text(as_text(r[6]), where + " host")},
                        {"config_hash", as_text(r[7])}};
  std::map<std::int64_t, nlohmann::json> samples;
  for (const auto& s :
       db.query("SELECT s.cell_pk, s.metric, s.value FROM samples s JOIN cells c ON c.cell_pk = s.cell_pk "
                "WHERE c.run_id = ? ORDER BY s.cell_pk, s.metric, s.idx",
                {run_id}))
    samples[as_int(s[0])][as_text(s[1])].push_back(history::as_double(s[2]));
  nlohmann::json cells = nlohmann::json::array();
  for (const auto& c :
       db.query("SELECT cell_pk, cell_id, workload, strategy, device, params_json, status, reason, metrics_json, trace "
                "FROM cells WHERE run_id = ? ORDER BY ordinal",
                {run_id})) {
    nlohmann::json cj = {{"id", as_text(c[1])},
                         {"workload", as_text(c[2])},
                         {"strategy", as_text(c[3])},
                         {"device", as_text(c[4])},
                         {"params", parse_json_text(as_text(c[5]), where + " params")},
                         {"status", as_text(c[6])},
                         {"samples", samples.count(as_int(c[0])) ? samples[as_int(c[0])] : nlohmann::json::object()},
                         {"metrics", parse_json_text(as_text(c[8]), where + " metrics")}};
    if (!as_text(c[7]).empty()) cj["reason"] = as_text(c[7]);
    if (!std::holds_alternative<std::monostate>(c[9])) cj["trace"] = as_text(c[9]);
    cells.push_back(std::move(cj));
  }
  tx.commit();
  return run_from_json({{"schema", kRunSchemaV1}, {"run", run}, {"cells", cells}}, where);
}

}  // namespace sb

// Series over the history: one value per run of one cell on one host, in commit order.
#include <algorithm>
#include <map>
#include <tuple>

#include "history_sql.hpp"
#include "stratbench/reports/history_store.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/metrics_table.hpp"
#include "stratbench/result/result_json.hpp"
#include "stratbench/result/stats.hpp"

namespace sb {
namespace {

using history::as_int;
using history::as_text;

// A metric of the table; its JSON path split at the dots, for reading stored metrics.
struct MetricPath {
  std::vector<std::string> parts;
  double Summary::*latency = nullptr;  // set: computed from the raw time_s samples
};

MetricPath parse_metric(const std::string& metric) {
  const MetricField* f = find_metric(metric);
  if (!f) throw InputError("metric '" + metric + "': unknown (known: " + metric_paths_text() + ")");
  MetricPath m;
  m.latency = f->statistic;
  // A family's name is one key, dots and all: "counters.a.b" is the counter "a.b".
  const std::string fixed = f->family ? f->path.substr(0, f->path.size() - 2) : f->path;
  for (std::size_t start = 0;;) {
    const std::size_t dot = fixed.find('.', start);
    m.parts.push_back(fixed.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (f->family) m.parts.push_back(metric.substr(fixed.size() + 1));
  return m;
}

// The stored aggregate at the dotted path, when the cell has it and it is a number.
std::optional<double> from_metrics(const nlohmann::json& metrics, const MetricPath& m) {
  const nlohmann::json* j = &metrics;
  for (const auto& p : m.parts) {
    if (!j->is_object()) return std::nullopt;
    auto it = j->find(p);
    if (it == j->end()) return std::nullopt;
    j = &*it;
  }
  if (!j->is_number()) return std::nullopt;
  return j->get<double>();
}

// Cells of one series: same cell id, same host, ok, optionally one branch. The `? = ''`
// form keeps one statement for "any" and "this one".
const char* kSeriesWhere =
    " WHERE c.cell_id = ? AND c.status = 'ok' AND (? = '' OR r.host_fingerprint = ?) AND (? = '' OR r.branch = ?)";

}  // namespace

std::vector<SeriesKey> HistoryStore::series_keys() {
  std::vector<SeriesKey> out;
  for (const auto& r :
       db_->query("SELECT DISTINCT c.cell_id, r.host_fingerprint, c.workload, c.strategy, c.device, c.params_json "
                  "FROM cells c JOIN runs r ON r.run_id = c.run_id")) {
    const std::string where = url_ + ": cell " + as_text(r[0]);
    out.push_back({as_text(r[0]), as_text(r[1]), as_text(r[2]), as_text(r[3]), as_text(r[4]),
                   params_to_string(params_from_json(parse_json_text(as_text(r[5]), where), where))});
  }
  const auto key = [](const SeriesKey& k) {
    return std::tie(k.workload, k.strategy, k.params, k.device, k.cell_id, k.host_fingerprint);
  };
  std::sort(out.begin(), out.end(), [&](const SeriesKey& a, const SeriesKey& b) { return key(a) < key(b); });
  return out;
}

std::vector<SeriesPoint> HistoryStore::series(const SeriesQuery& q) {
  const MetricPath metric = parse_metric(q.metric);
  const std::vector<history::SqlValue> filter = {q.cell_id, q.host_fingerprint, q.host_fingerprint, q.branch, q.branch};
  auto& db = *db_;
  history::Transaction tx(db, false);
  std::map<std::int64_t, std::vector<double>> times;
  if (metric.latency)
    for (const auto& s : db.query(std::string("SELECT s.cell_pk, s.value FROM samples s "
                                              "JOIN cells c ON c.cell_pk = s.cell_pk "
                                              "JOIN runs r ON r.run_id = c.run_id") +
                                      kSeriesWhere + " AND s.metric = 'time_s'",
                                  filter))
      times[as_int(s[0])].push_back(history::as_double(s[1]) * 1e3);
  std::vector<SeriesPoint> out;
  for (const auto& r : db.query(std::string("SELECT r.run_id, r.git_commit, r.started, c.cell_pk, c.metrics_json "
                                            "FROM cells c JOIN runs r ON r.run_id = c.run_id") +
                                    kSeriesWhere,
                                filter)) {
    std::optional<double> v;
    if (auto t = times.find(as_int(r[3])); metric.latency && t != times.end())
      v = stats::summarize(t->second).*metric.latency;
    else
      v = from_metrics(parse_json_text(as_text(r[4]), url_ + ": metrics of run " + as_text(r[0])), metric);
    if (v) out.push_back({as_text(r[0]), as_text(r[1]), as_text(r[2]), *v});
  }
  tx.commit();
  std::sort(out.begin(), out.end(), [](const SeriesPoint& a, const SeriesPoint& b) {
    return std::tie(a.started, a.run_id) < std::tie(b.started, b.run_id);
  });
  return out;
}

}  // namespace sb

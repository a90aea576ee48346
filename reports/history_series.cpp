// Series over the history: one value per run of one cell on one host, in commit order.
#include <algorithm>
#include <map>
#include <tuple>

#include "history_sql.hpp"
#include "stratbench/reports/history_store.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/result_json.hpp"
#include "stratbench/result/stats.hpp"

namespace sb {
namespace {

using history::as_int;
using history::as_text;

struct MetricPath {
  std::vector<std::string> parts;
  double Summary::*latency = nullptr;  // set: computed from the raw time_s samples
};

MetricPath parse_metric(const std::string& metric) {
  MetricPath m;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = metric.find('.', start);
    m.parts.push_back(metric.substr(start, dot - start));
    if (m.parts.back().empty())
      throw InputError("metric '" + metric + "': expected a dotted path such as latency_ms.p50 or throughput.value");
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  static const std::map<std::string, double Summary::*> fields = {
      {"min", &Summary::min}, {"max", &Summary::max}, {"mean", &Summary::mean}, {"stddev", &Summary::stddev},
      {"cv", &Summary::cv},   {"p50", &Summary::p50}, {"p90", &Summary::p90},   {"p99", &Summary::p99}};
  if (m.parts.size() == 2 && m.parts[0] == "latency_ms")
    if (auto f = fields.find(m.parts[1]); f != fields.end()) m.latency = f->second;
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

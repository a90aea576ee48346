#include <cstdio>

#include "stratbench/reports/escape.hpp"
#include "writers.hpp"

namespace sb {
namespace {

// Strings from the results file go through csv_field (escape.hpp: RFC 4180 quoting and the
// formula-injection defence); numbers are formatted here and written as they are, so a
// negative value stays a number.
std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

class CsvWriter final : public Writer {
 public:
  explicit CsvWriter(std::ostream& out) : out_(out) {}
  void begin(const RunFile&) override {
    out_ << "id,workload,strategy,params,device,status,samples,p50_ms,p90_ms,p99_ms,mean_ms,stddev_ms,cv,min_ms,max_ms,"
            "throughput,throughput_unit,peak_rss_bytes,alloc_count,alloc_bytes,rel_error,top1_agreement,kl,reason\r\n";
  }
  void record(const Cell& c) override {
    const auto& m = c.metrics;
    auto opt = [](const auto& o) { return o ? num(static_cast<double>(*o)) : std::string(); };
    std::string lat;
    if (m.latency_ms) {
      const auto& l = *m.latency_ms;
      lat = num(l.p50) + "," + num(l.p90) + "," + num(l.p99) + "," + num(l.mean) + "," + num(l.stddev) + "," +
            num(l.cv) + "," + num(l.min) + "," + num(l.max);
    } else {
      lat = ",,,,,,,";
    }
    auto s = c.samples.find("time_s");
    out_ << csv_field(c.id) << ',' << csv_field(c.workload) << ',' << csv_field(c.strategy) << ','
         << csv_field(cell_label_params(c)) << ',' << csv_field(c.device) << ',' << to_string(c.status) << ','
         << (s == c.samples.end() ? 0 : s->second.size()) << ',' << lat << ','
         << (m.throughput ? num(m.throughput->value) : "") << ',' << (m.throughput ? csv_field(m.throughput->unit) : "")
         << ',' << opt(m.memory.peak_rss_bytes) << ',' << opt(m.memory.alloc_count) << ',' << opt(m.memory.alloc_bytes)
         << ',' << opt(m.quality.rel_error) << ',' << opt(m.quality.top1_agreement) << ',' << opt(m.quality.kl)
         << ',' << csv_field(c.reason) << "\r\n";
  }
  void end() override {}

 private:
  std::ostream& out_;
};

}  // namespace

std::unique_ptr<Writer> make_csv_writer(std::ostream& out) { return std::make_unique<CsvWriter>(out); }

}  // namespace sb

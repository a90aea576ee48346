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

// Every metric of the table but the families (their names vary per cell: the JSON has
// them), in table order; a row whose unit is the cell's own adds a "<key>_unit" column.
bool exported(const MetricField& f) { return !f.family; }

class CsvWriter final : public Writer {
 public:
  explicit CsvWriter(std::ostream& out) : out_(out) {}
  void begin(const RunFile&) override {
    out_ << "id,workload,strategy,params,device,status,samples";
    for (const auto& f : metric_fields())
      if (exported(f)) out_ << ',' << f.key << (f.cell_unit ? "," + f.key + "_unit" : "");
    out_ << ",reason\r\n";
  }
  void record(const Cell& c) override {
    auto s = c.samples.find("time_s");
    out_ << csv_field(c.id) << ',' << csv_field(c.workload) << ',' << csv_field(c.strategy) << ','
         << csv_field(cell_label_params(c)) << ',' << csv_field(c.device) << ',' << to_string(c.status) << ','
         << (s == c.samples.end() ? 0 : s->second.size());
    for (const auto& f : metric_fields()) {
      if (!exported(f)) continue;
      const auto v = f.get(c);
      out_ << ',' << (v ? num(*v) : "");
      if (f.cell_unit) out_ << ',' << (v ? csv_field(f.cell_unit(c)) : "");
    }
    out_ << ',' << csv_field(c.reason) << "\r\n";
  }
  void end() override {}

 private:
  std::ostream& out_;
};

}  // namespace

std::unique_ptr<Writer> make_csv_writer(std::ostream& out) { return std::make_unique<CsvWriter>(out); }

}  // namespace sb

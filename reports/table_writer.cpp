#include "writers.hpp"

namespace sb {
namespace {

class TableWriter final : public Writer {
 public:
  explicit TableWriter(std::ostream& out) : out_(out) {}
  void begin(const RunFile& run) override { out_ << format_run_table(run); }
  void record(const Cell&) override {}  // the table needs every row's width first: done in begin
  void end() override {}

 private:
  std::ostream& out_;
};

}  // namespace

std::unique_ptr<Writer> make_table_writer(std::ostream& out) { return std::make_unique<TableWriter>(out); }

}  // namespace sb

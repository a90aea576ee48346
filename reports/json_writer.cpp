#include "stratbench/result/result_json.hpp"
#include "writers.hpp"

namespace sb {
namespace {

class JsonWriter final : public Writer {
 public:
  explicit JsonWriter(std::ostream& out) : out_(out) {}
  void begin(const RunFile& run) override {
    header_ = run;
    header_.cells.clear();
  }
  void record(const Cell& c) override { header_.cells.push_back(c); }
  // nlohmann escapes control characters itself; a string that is not UTF-8 (possible only
  // for a run built in memory: the reader rejects it) becomes U+FFFD instead of an exception
  // halfway through the report.
  void end() override {
    out_ << to_json(header_).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }

 private:
  std::ostream& out_;
  RunFile header_;
};

}  // namespace

std::unique_ptr<Writer> make_json_writer(std::ostream& out) { return std::make_unique<JsonWriter>(out); }

}  // namespace sb

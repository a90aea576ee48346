// Golden-output tests: every writer's output on a fixed results file is compared with a
// file under tests/data/golden. Regenerate deliberately with STRATBENCH_UPDATE_GOLDEN=1.
#include "stratbench/reports/writer.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "golden.hpp"
#include "report_fixture.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb {
namespace {

std::string render(const std::string& format) {
  std::ostringstream os;
  auto w = make_writer(format, os);
  EXPECT_NE(w, nullptr);
  write_report(*w, test::fixture_run());
  return os.str();
}

void check_golden(const std::string& format, const std::string& file) {
  test::expect_golden(render(format), file, "writer '" + format + "'");
}

TEST(Writers, TableGolden) { check_golden("table", "fixture.table.txt"); }
TEST(Writers, MarkdownGolden) { check_golden("md", "fixture.md"); }
TEST(Writers, CsvGolden) { check_golden("csv", "fixture.csv"); }
TEST(Writers, GbenchGolden) { check_golden("gbench", "fixture.gbench.json"); }
TEST(Writers, HtmlGolden) { check_golden("html", "fixture.html"); }

TEST(Writers, HtmlEscapesEverythingFromTheFile) {
  const std::string html = render("html");
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("naive|&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  // Nothing is loaded at view time: the only URL is the SVG namespace name.
  std::string rest = html;
  for (auto p = rest.find("http://www.w3.org/2000/svg"); p != std::string::npos;
       p = rest.find("http://www.w3.org/2000/svg"))
    rest.erase(p, 26);
  EXPECT_EQ(rest.find("http://"), std::string::npos);
  EXPECT_EQ(rest.find("https://"), std::string::npos);
  EXPECT_EQ(rest.find("src="), std::string::npos);
}

// A long composed strategy is never clipped at the chart's left edge: the label column
// widens to it, and past 44 characters it is cut in the middle (at a character boundary)
// with the whole name as the label's <title>.
TEST(Writers, HtmlBarLabelsAreNotClipped) {
  RunFile run = test::fixture_run();
  const std::string medium = "simd+blocked+threads=2+pool+fused";                             // 33: whole
  const std::string longer = "simd+blocked+threads=2+pool+fused+int8+\u00e9\u00e9\u00e9xyz";  // 45 bytes
  run.cells[0].strategy = medium;
  run.cells.push_back(run.cells[0]);
  run.cells.back().strategy = longer;
  run.cells.back().id = "ffffffffffffffff";
  std::ostringstream os;
  auto w = make_writer("html", os);
  write_report(*w, run);
  const std::string html = os.str();
  EXPECT_NE(html.find("<title>" + medium + "</title>" + medium + "</text>"), std::string::npos);
  EXPECT_NE(html.find("<title>" + longer + "</title>"), std::string::npos);
  EXPECT_NE(html.find("\u2026"), std::string::npos);
  // 44 characters of 7 px and the gap: the bars start right of the longest label.
  EXPECT_NE(html.find("<rect x=\"320\""), std::string::npos);
  // Valid UTF-8: no cut inside the two-byte letters.
  EXPECT_EQ(html.find("\xc3\xe2"), std::string::npos);
}

TEST(Writers, GbenchHasOneEntryPerSampleAndTheAggregates) {
  auto j = nlohmann::json::parse(render("gbench"));
  const auto& b = j["benchmarks"];
  ASSERT_EQ(b.size(), 3u + 4u);  // the ok cell's 3 samples + mean, median, stddev, cv; the failed cell is left out
  EXPECT_EQ(b[0]["run_type"], "iteration");
  EXPECT_DOUBLE_EQ(b[0]["real_time"].get<double>(), 0.5);  // 0.0005 s in ms
  EXPECT_EQ(b[4]["aggregate_name"], "median");
  EXPECT_DOUBLE_EQ(b[4]["real_time"].get<double>(), 0.55);
}

TEST(Writers, JsonIsTheRunFile) { EXPECT_EQ(nlohmann::json::parse(render("json")), to_json(test::fixture_run())); }

TEST(Writers, MarkdownEscapesCellText) {
  const std::string md = render("md");
  EXPECT_EQ(md.find("<script>"), std::string::npos);
  EXPECT_NE(md.find("naive\\|&lt;script&gt;"), std::string::npos);
}

TEST(Writers, CsvQuotesFields) {
  const std::string csv = render("csv");
  EXPECT_NE(csv.find("\"killed by signal 11, \"\"Segmentation fault\"\"\nlast line\""), std::string::npos);
}

TEST(Writers, QualitySaysWhatTheCellMeasured) {
  Cell llm;
  llm.metrics.quality.rel_error = 0.04477;
  llm.metrics.quality.top1_agreement = 0.9375;
  llm.metrics.quality.kl = 0.00015239;
  EXPECT_EQ(quality_text(llm), "err 0.045, top-1 93.8%, KL 0.00015");
  Cell gemm;
  gemm.metrics.quality.rel_error = 2.898e-7;
  EXPECT_EQ(quality_text(gemm), "err 2.9e-07");
  // Agreement of 0 is a measurement (every token differs), not an absent one.
  Cell none;
  EXPECT_EQ(quality_text(none), "—");
  none.metrics.quality.top1_agreement = 0.0;
  EXPECT_EQ(quality_text(none), "top-1 0%");
  // Every table format carries it next to the speed.
  RunFile run = test::fixture_run();
  run.cells.push_back(llm);
  for (const char* format : {"table", "md", "html"}) {
    std::ostringstream os;
    auto w = make_writer(format, os);
    write_report(*w, run);
    EXPECT_NE(os.str().find("err 0.045, top-1 93.8%, KL 0.00015"), std::string::npos) << format;
  }
  std::ostringstream os;
  write_report(*make_writer("csv", os), run);
  EXPECT_NE(os.str().find(",0.04477,0.9375,0.00015239,"), std::string::npos) << os.str();
}

TEST(Writers, CsvHasAColumnForEveryMetricOfTheTable) {
  // It iterates the metrics table: a new row is a new column, with no edit here.
  RunFile run = test::fixture_run();
  run.cells[0].metrics.memory.gpu_peak_bytes = 7;
  run.cells[0].metrics.gpu = GpuMetrics{1.5, 8, 9};
  std::ostringstream os;
  write_report(*make_writer("csv", os), run);
  const std::string csv = os.str();
  const std::string header = "," + csv.substr(0, csv.find('\r')) + ",";
  for (const auto& f : metric_fields()) {
    if (!f.family) {
      EXPECT_NE(header.find("," + f.key + ","), std::string::npos) << f.key;
    }
  }
  EXPECT_NE(csv.find(",2e-07,,,7,1.5,8,9,"), std::string::npos) << csv;
}

TEST(Writers, UnknownFormat) {
  std::ostringstream os;
  EXPECT_EQ(make_writer("pdf", os), nullptr);
}

}  // namespace
}  // namespace sb

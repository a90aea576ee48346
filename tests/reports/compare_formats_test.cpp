// Golden output of `compare`'s formats on a crafted pair of runs (a deterministic bootstrap).
// Regenerate deliberately with STRATBENCH_UPDATE_GOLDEN=1.
#include "stratbench/reports/compare_formats.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "gate_fixture.hpp"
#include "golden.hpp"

namespace sb {
namespace {

std::string render(const std::string& format) {
  auto [base, next] = test::crafted_pair(1.15, 0.85, 1.0, 1.005);
  next.cells.pop_back();  // one cell only in base: "not compared"
  const CompareResult r = compare_runs(base, next);
  const CompareFormat* f = find_compare_format(format);
  EXPECT_NE(f, nullptr) << format;
  return f->write({r, base, next, "base.json", "new.json", CompareOptions{}});
}

void check_golden(const std::string& format, const std::string& file) {
  test::expect_golden(render(format), file, "compare format '" + format + "'");
}

TEST(CompareFormats, TableGolden) { check_golden("table", "compare.table.txt"); }
TEST(CompareFormats, MarkdownGolden) { check_golden("md", "compare.md"); }
TEST(CompareFormats, CsvGolden) { check_golden("csv", "compare.csv"); }
TEST(CompareFormats, JsonGolden) { check_golden("json", "compare.json"); }
TEST(CompareFormats, HtmlGolden) { check_golden("html", "compare.html"); }

TEST(CompareFormats, JsonHoldsEveryCellAndCountsTheVerdicts) {
  const auto j = nlohmann::json::parse(render("json"));
  EXPECT_EQ(j["schema"], kCompareSchemaV1);
  ASSERT_EQ(j["cells"].size(), 4u);
  EXPECT_EQ(j["cells"][0]["verdict"], "slower");
  EXPECT_EQ(j["cells"][1]["verdict"], "faster");
  EXPECT_FALSE(j["cells"][3].contains("ratio"));  // not compared: absent, never zero
  int total = 0;
  for (const auto& [k, v] : j["verdicts"].items()) total += v.get<int>();
  EXPECT_EQ(total, 4);
}

TEST(CompareFormats, TheTableNamesEveryFormat) {
  EXPECT_EQ(compare_format_names(), "table, md, csv, json, html");
  EXPECT_EQ(find_compare_format("xml"), nullptr);
}

}  // namespace
}  // namespace sb

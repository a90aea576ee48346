#include "stratbench/reports/compare.hpp"

#include <gtest/gtest.h>

#include "report_fixture.hpp"

namespace sb {
namespace {

TEST(Compare, RatiosAndUnmatchedCells) {
  RunFile base = test::fixture_run();
  RunFile next = base;
  next.cells[0].metrics.latency_ms->p50 = 0.275;  // twice as fast
  Cell extra = next.cells[0];
  extra.id = "1111111111111111";
  next.cells.push_back(extra);
  next.cells.erase(next.cells.begin() + 1);
  auto rows = compare_runs(base, next);
  ASSERT_EQ(rows.size(), 3u);
  ASSERT_TRUE(rows[0].ratio.has_value());
  EXPECT_DOUBLE_EQ(*rows[0].ratio, 0.5);
  EXPECT_EQ(rows[1].note, "only in base");
  EXPECT_EQ(rows[2].note, "only in new");
  const std::string table = format_compare_table(rows);
  EXPECT_NE(table.find("0.5×"), std::string::npos);
}

}  // namespace
}  // namespace sb

#include "stratbench/reports/compare.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include <algorithm>

#include "gate_fixture.hpp"

namespace sb {
namespace {

TEST(Compare, VerdictsOnKnownEffects) {
  // naive 15% slower, blocked 15% faster, blocked+simd unchanged, blas 0.5% slower with 1% noise.
  auto [base, next] = test::crafted_pair(1.15, 0.85, 1.0, 1.005);
  CompareResult r = compare_runs(base, next);
  ASSERT_EQ(r.rows.size(), 4u);
  EXPECT_TRUE(r.mismatches.empty());
  EXPECT_EQ(r.rows[0].verdict, Verdict::slower);
  EXPECT_EQ(r.rows[1].verdict, Verdict::faster);
  EXPECT_EQ(r.rows[2].verdict, Verdict::same);
  EXPECT_NE(r.rows[3].verdict, Verdict::slower);  // below the 2% minimum effect: never "slower"
  EXPECT_NEAR(*r.rows[0].ratio, 1.15, 0.02);
  EXPECT_LT(*r.rows[0].ratio_lo, *r.rows[0].ratio);
  EXPECT_GT(*r.rows[0].ratio_hi, *r.rows[0].ratio);
  EXPECT_GE(*r.rows[0].p_holm, *r.rows[0].p);  // the correction never lowers a p-value
  EXPECT_NEAR(*r.rows[0].hl_shift_ms, 0.15, 0.02);
}

TEST(Compare, TooFewSamplesForTheEffectIsInconclusive) {
  auto [base, next] = test::crafted_pair(1.0, 1.0, 1.0, 1.0);
  // Three very noisy samples a side, 5% apart: nothing can be said.
  base.cells[0] = test::timed_cell(base.cells[0].id, "naive", 1.0, 7, 3, 0.2);
  next.cells[0] = test::timed_cell(base.cells[0].id, "naive", 1.05, 8, 3, 0.2);
  CompareResult r = compare_runs(base, next);
  EXPECT_EQ(r.rows[0].verdict, Verdict::inconclusive);
  // It says what the samples could have told apart, from the interval's width: wider than
  // the 2% asked, so more samples (or a quieter machine) are the answer.
  const std::string& note = r.rows[0].note;
  ASSERT_EQ(note.rfind("could only tell ≥ ", 0), 0u) << note;
  const double seen = std::stod(note.substr(std::string("could only tell ≥ ").size()));
  const double half = (std::log(*r.rows[0].ratio_hi) - std::log(*r.rows[0].ratio_lo)) / 2;
  EXPECT_NEAR(seen, std::expm1(half * (1.959964 + 0.841621) / 1.959964) * 100, 0.01 * seen);
  EXPECT_GT(seen, 2);
}

TEST(Compare, UnmatchedAndFailedCells) {
  auto [base, next] = test::crafted_pair(1.0, 1.0, 1.0, 1.0);
  next.cells[1].status = CellStatus::failed;
  next.cells[1].samples.clear();
  Cell extra = next.cells[0];
  extra.id = "1111111111111111";
  next.cells.push_back(extra);
  next.cells.erase(next.cells.begin() + 3);
  CompareResult r = compare_runs(base, next);
  ASSERT_EQ(r.rows.size(), 5u);
  EXPECT_EQ(r.rows[1].verdict, Verdict::not_compared);
  EXPECT_EQ(r.rows[1].note, "failed in new");
  EXPECT_EQ(r.rows[3].note, "only in base");
  EXPECT_EQ(r.rows[4].note, "only in new");
  EXPECT_NE(format_compare_table(r).find("not compared"), std::string::npos);
}

TEST(Compare, MismatchedHostsAreNamed) {
  auto [base, next] = test::crafted_pair(1.0, 1.0, 1.0, 1.0);
  next.run.host.cores = 8;
  next.run.host.cpu = "Other CPU";
  next.run.config_hash = "different";
  auto m = run_mismatches(base, next);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0], "host cpu differs: 'AMD EPYC' vs 'Other CPU'");
  EXPECT_EQ(m[1], "host cores differs: 2 vs 8");
  EXPECT_NE(m[2].find("config hash"), std::string::npos);
}

TEST(Compare, HostsFollowTheOneComparabilityRule) {
  auto [base, next] = test::crafted_pair(1.0, 1.0, 1.0, 1.0);
  // The same machine after a reboot: MemTotal moved, the flags came in another order.
  next.run.host.memory_bytes += 5u << 20;
  std::reverse(next.run.host.flags.begin(), next.run.host.flags.end());
  EXPECT_TRUE(run_mismatches(base, next).empty());
  // Another compiler, a GPU, less memory, a flag: each named with both values.
  next.run.host.compiler = "clang 16";
  next.run.host.gpus = {{"NVIDIA H100", "550", "12.4"}};
  next.run.host.memory_bytes = 16ull << 30;
  next.run.host.flags.push_back("avx512f");
  const auto m = run_mismatches(base, next);
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[0], "host cpu flags differs: avx512f only in new");
  EXPECT_EQ(m[1], "host memory differs: 23 GiB vs 16 GiB");
  EXPECT_EQ(m[2], "host compiler differs: 'gcc 12.2.0' vs 'clang 16'");
  EXPECT_EQ(m[3], "host gpus differs: '' vs 'NVIDIA H100'");
  EXPECT_EQ(compare_runs(base, next).mismatches, m);
}

}  // namespace
}  // namespace sb

#include "stratbench/harness/shard.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <set>

#include "stratbench/result/errors.hpp"

namespace sb {
namespace {

std::vector<CellPlan> plan_of(int n, int unrunnable_every = 0) {
  std::vector<CellPlan> plan;
  for (int i = 0; i < n; ++i) {
    CellPlan p;
    p.cell.id = stable_hash_hex("cell " + std::to_string(i));
    p.runnable = unrunnable_every == 0 || i % unrunnable_every != 0;
    plan.push_back(p);
  }
  return plan;
}

TEST(Shard, ParsesKOfN) {
  const ShardRequest r = parse_shard("2/8");
  EXPECT_EQ(r.index, 2);
  EXPECT_EQ(r.count, 8);
  for (const char* bad : {"0/8", "9/8", "2/0", "2", "/8", "2/", "a/b", "-1/2", "1/2/3", "99999999/99999999"}) {
    try {
      parse_shard(bad);
      ADD_FAILURE() << bad;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("--shard"), std::string::npos) << e.what();
    }
  }
}

// Disjoint, covering, in matrix order, and the same cut however often it is made.
TEST(Shard, ShardsAreDisjointCoverTheMatrixAndAreBalancedByCount) {
  const auto plan = plan_of(31, 7);
  std::set<std::size_t> seen;
  std::vector<std::size_t> sizes;
  for (int k = 1; k <= 4; ++k) {
    const ShardInfo s = assign_shard(plan, k, 4, {});
    EXPECT_EQ(s.matrix_cells, 31u);
    ASSERT_EQ(s.cells.size(), s.positions.size());
    EXPECT_TRUE(std::is_sorted(s.positions.begin(), s.positions.end()));
    std::size_t runnable = 0;
    for (std::size_t i = 0; i < s.cells.size(); ++i) {
      runnable += plan[s.positions[i]].runnable;
      EXPECT_EQ(plan[s.positions[i]].cell.id, s.cells[i]);
      EXPECT_TRUE(seen.insert(s.positions[i]).second) << "position " << s.positions[i] << " in two shards";
    }
    EXPECT_EQ(assign_shard(plan, k, 4, {}).cells, s.cells);
    sizes.push_back(runnable);  // skipped cells cost nothing: the cells that run are balanced
  }
  EXPECT_EQ(seen.size(), plan.size());
  EXPECT_LE(*std::max_element(sizes.begin(), sizes.end()) - *std::min_element(sizes.begin(), sizes.end()), 1u);
}

// The order of the plan does not change which shard a cell goes to: the ids decide.
TEST(Shard, TheCutDependsOnTheIdsNotThePlanOrder) {
  auto plan = plan_of(12);
  auto reversed = plan;
  std::reverse(reversed.begin(), reversed.end());
  for (int k = 1; k <= 3; ++k) {
    auto a = assign_shard(plan, k, 3, {}).cells;
    auto b = assign_shard(reversed, k, 3, {}).cells;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    EXPECT_EQ(a, b);
  }
}

// One long cell and many short ones: by cost the long one has a shard to itself, where a
// count-balanced cut would give that shard as many cells as the others.
TEST(Shard, CostsBalanceTheShardsTime) {
  const auto plan = plan_of(9);
  std::map<std::string, double> costs;
  for (const auto& p : plan) costs[p.cell.id] = 1;
  costs[plan[4].cell.id] = 8;
  double most = 0;
  for (int k = 1; k <= 2; ++k) {
    const ShardInfo s = assign_shard(plan, k, 2, costs);
    double t = 0;
    for (const auto& id : s.cells) t += costs[id];
    most = std::max(most, t);
    if (std::find(s.cells.begin(), s.cells.end(), plan[4].cell.id) != s.cells.end()) {
      EXPECT_EQ(s.cells.size(), 1u);
    }
  }
  EXPECT_EQ(most, 8);
  // A cell without a cost counts as the median of the known ones.
  costs.erase(plan[0].cell.id);
  std::size_t total = 0;
  for (int k = 1; k <= 2; ++k) total += assign_shard(plan, k, 2, costs).cells.size();
  EXPECT_EQ(total, plan.size());
}

TEST(Shard, MoreShardsThanCellsLeavesSomeEmpty) {
  const auto plan = plan_of(2);
  std::size_t total = 0;
  for (int k = 1; k <= 5; ++k) total += assign_shard(plan, k, 5, {}).cells.size();
  EXPECT_EQ(total, 2u);
}

TEST(Shard, CellCostsComeFromOkCellsSamples) {
  RunFile r;
  Cell ok;
  ok.id = "a";
  ok.status = CellStatus::ok;
  ok.samples["time_s"] = {0.5, 0.25};
  ok.metrics.stopping = StoppingInfo{0, 0, false, 0, 4};
  Cell failed = ok;
  failed.id = "b";
  failed.status = CellStatus::failed;
  r.cells = {ok, failed};
  const auto c = cell_costs(r);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_DOUBLE_EQ(c.at("a"), 3.0);
}

}  // namespace
}  // namespace sb

// `run --shard K/N`: the matrix cut into N disjoint shards, the same cut on every machine.
// Balanced by each cell's expected cost (from a previous results file) with the longest
// processing time first rule (Graham 1969: within 4/3 of the best makespan), else by count;
// ties are broken by cell id, so the cut depends on nothing but the ids and the costs.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "stratbench/harness/matrix.hpp"
#include "stratbench/result/result.hpp"

namespace sb {

struct ShardRequest {
  int index = 0, count = 0;             // K/N, 1-based; count 0: not sharded
  std::map<std::string, double> costs;  // cell id -> expected seconds (cell_costs); may be empty
};

// "2/8" -> {2, 8}; anything else (0/8, 9/8, 2/0, "2", "a/b") is an InputError naming --shard.
ShardRequest parse_shard(const std::string& text);

// Each cell's expected seconds: its recorded wall time when the file has it, else its
// samples' total. Cells that were not ok are left out.
std::map<std::string, double> cell_costs(const RunFile& previous);

// The shard's cells of the whole plan: ids in plan order and their positions. Cells without
// a cost (or every cell, with no costs) cost the median of the known costs (1 when none).
// Cells that cannot run (skipped) cost nothing but are still dealt out, so that the merged
// shards list every cell of the matrix once.
ShardInfo assign_shard(const std::vector<CellPlan>& plan, int index, int count,
                       const std::map<std::string, double>& costs);

}  // namespace sb

#include "stratbench/harness/shard.hpp"

#include <algorithm>
#include <numeric>

#include "stratbench/result/errors.hpp"

namespace sb {

ShardRequest parse_shard(const std::string& text) {
  const auto bad = [&] {
    throw InputError("option --shard: expected K/N with 1 <= K <= N (e.g. 2/8), got '" + text + "'");
  };
  const auto slash = text.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == text.size()) bad();
  const auto number = [&](const std::string& s) {
    if (s.size() > 7 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) bad();
    return std::stoi(s);
  };
  ShardRequest r;
  r.index = number(text.substr(0, slash));
  r.count = number(text.substr(slash + 1));
  if (r.count < 1 || r.index < 1 || r.index > r.count) bad();
  return r;
}

std::map<std::string, double> cell_costs(const RunFile& previous) {
  std::map<std::string, double> out;
  for (const auto& c : previous.cells) {
    if (c.status != CellStatus::ok) continue;
    auto it = c.samples.find("time_s");
    if (it == c.samples.end() || it->second.empty()) continue;
    const double per_sample = c.metrics.stopping ? static_cast<double>(c.metrics.stopping->iterations_per_sample) : 1;
    out[c.id] = std::accumulate(it->second.begin(), it->second.end(), 0.0) * std::max(per_sample, 1.0);
  }
  return out;
}

ShardInfo assign_shard(const std::vector<CellPlan>& plan, int index, int count,
                       const std::map<std::string, double>& costs) {
  std::vector<double> known;
  for (const auto& p : plan)
    if (auto it = costs.find(p.cell.id); it != costs.end() && p.runnable) known.push_back(it->second);
  double fallback = 1;
  if (!known.empty()) {
    std::nth_element(known.begin(), known.begin() + static_cast<std::ptrdiff_t>(known.size() / 2), known.end());
    fallback = known[known.size() / 2];
  }
  struct Item {
    double cost;
    std::size_t pos;
  };
  std::vector<Item> items;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    double c = 0;
    if (plan[i].runnable) {
      auto it = costs.find(plan[i].cell.id);
      c = it != costs.end() ? it->second : fallback;
    }
    items.push_back({c, i});
  }
  // Longest first; equal costs in id order (not plan order: the ids are what every shard
  // agrees on even if a matrix file lists its groups in another order).
  std::sort(items.begin(), items.end(), [&](const Item& a, const Item& b) {
    if (a.cost != b.cost) return a.cost > b.cost;
    return plan[a.pos].cell.id < plan[b.pos].cell.id;
  });
  std::vector<double> load(static_cast<std::size_t>(count), 0);
  std::vector<std::size_t> cells_in(static_cast<std::size_t>(count), 0);
  std::vector<std::size_t> mine;
  for (const auto& it : items) {
    // The least loaded shard, then the one with fewest cells (so zero-cost cells spread out).
    std::size_t best = 0;
    for (std::size_t s = 1; s < load.size(); ++s)
      if (load[s] < load[best] || (load[s] == load[best] && cells_in[s] < cells_in[best])) best = s;
    load[best] += it.cost;
    ++cells_in[best];
    if (best + 1 == static_cast<std::size_t>(index)) mine.push_back(it.pos);
  }
  std::sort(mine.begin(), mine.end());
  ShardInfo s;
  s.index = index;
  s.count = count;
  s.matrix_cells = plan.size();
  for (std::size_t pos : mine) {
    s.cells.push_back(plan[pos].cell.id);
    s.positions.push_back(pos);
  }
  return s;
}

}  // namespace sb

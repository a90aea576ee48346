#include "stratbench/harness/merge.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "stratbench/harness/host_info.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/host_comparability.hpp"

namespace sb {
namespace {

namespace fs = std::filesystem;

std::string shard_name(const ShardInfo& s) { return std::to_string(s.index) + "/" + std::to_string(s.count); }

// The first shard is the reference every other one must agree with.
void check_same_run(const ShardFile& ref, const ShardFile& f) {
  const RunHeader& a = ref.run.run;
  const RunHeader& b = f.run.run;
  auto refuse = [&](const std::string& what, const std::string& va, const std::string& vb) {
    throw InputError(f.path + ": not a shard of the same run as " + ref.path + ": " + what + " '" + vb + "' vs '" + va +
                     "'");
  };
  if (a.shard->count != b.shard->count)
    refuse("shard count", std::to_string(a.shard->count), std::to_string(b.shard->count));
  if (a.config_hash != b.config_hash)
    refuse("config hash (matrix or measurement options)", a.config_hash, b.config_hash);
  if (a.shard->matrix_cells != b.shard->matrix_cells)
    refuse("matrix cells", std::to_string(a.shard->matrix_cells), std::to_string(b.shard->matrix_cells));
  if (a.git.commit != b.git.commit) refuse("stratbench commit", a.git.commit, b.git.commit);
  if (a.git.dirty != b.git.dirty)
    refuse("stratbench tree", a.git.dirty ? "dirty" : "clean", b.git.dirty ? "dirty" : "clean");
}

}  // namespace

MergeOutcome merge_shards(const std::vector<ShardFile>& shards, const std::string& command,
                          const std::string& output_path) {
  if (shards.empty()) throw InputError("merge: no shard files given");
  for (const auto& f : shards)
    if (!f.run.run.shard) throw InputError(f.path + ": not a shard (`stratbench run --shard K/N` writes one)");
  std::map<int, const ShardFile*> by_index;
  for (const auto& f : shards) {
    check_same_run(shards.front(), f);
    auto [it, fresh] = by_index.emplace(f.run.run.shard->index, &f);
    if (!fresh) throw InputError(f.path + ": shard " + shard_name(*f.run.run.shard) + " is also " + it->second->path);
  }
  const ShardInfo& first = *shards.front().run.run.shard;
  // Position in the matrix -> (cell, its shard), refusing a cell dealt to two shards.
  struct Placed {
    const Cell* cell;
    const ShardFile* file;
  };
  std::map<std::size_t, Placed> placed;
  std::map<std::string, const ShardFile*> owner;
  MergeOutcome out;
  for (const auto& [index, f] : by_index) {
    const ShardInfo& s = *f->run.run.shard;
    std::map<std::string, const Cell*> cells;
    for (const auto& c : f->run.cells) cells[c.id] = &c;
    for (std::size_t i = 0; i < s.cells.size(); ++i) {
      const std::string& id = s.cells[i];
      if (auto [it, fresh] = owner.emplace(id, f); !fresh)
        throw InputError(f->path + ": cell " + id + " is also in " + it->second->path +
                         " (shards cut with different --shard-costs overlap)");
      auto c = cells.find(id);
      if (c == cells.end()) throw InputError(f->path + ": shard cell " + id + " is missing from its cells");
      placed[s.positions[i]] = {c->second, f};
      const bool not_run = c->second->status == CellStatus::skipped && c->second->reason.rfind("not run:", 0) == 0;
      if (not_run)
        out.missing.push_back("cell " + id + " (" + c->second->workload + " " + c->second->strategy + " " +
                              params_to_string(c->second->params) + ") was not run by shard " + shard_name(s) + " (" +
                              f->path + ")");
    }
  }
  for (int k = 1; k <= first.count; ++k)
    if (!by_index.count(k))
      out.missing.push_back("shard " + std::to_string(k) + "/" + std::to_string(first.count) +
                            " is missing (its cells are not in the merged run)");

  RunHeader& h = out.run.run;
  h.started = utc_timestamp();
  h.id = h.started + "-merge-" + std::to_string(::getpid());
  h.command = command;
  h.git = shards.front().run.run.git;
  h.config_hash = shards.front().run.run.config_hash;
  h.host = by_index.begin()->second->run.run.host;
  std::string started, finished;
  for (const auto& [index, f] : by_index) {
    const RunHeader& r = f->run.run;
    const std::string fp = host_fingerprint(r.host);
    h.hosts.emplace(fp, r.host);
    h.shards.push_back({index, r.shard->count, r.id, r.started, r.finished, fp, r.shard->cells.size()});
    if (started.empty() || r.started < started) started = r.started;
    if (r.finished > finished) finished = r.finished;
  }
  h.started = started;
  h.finished = finished;
  for (const auto& [pos, p] : placed) {
    Cell c = *p.cell;
    c.host = host_fingerprint(p.file->run.run.host);
    // A traced cell's trace path is relative to its shard's results file: make it relative
    // to the merged one.
    if (c.trace) {
      const fs::path trace = fs::absolute(fs::path(p.file->path).parent_path() / *c.trace);
      c.trace = fs::relative(trace, fs::absolute(fs::path(output_path)).parent_path()).lexically_normal().string();
    }
    out.run.cells.push_back(std::move(c));
  }
  return out;
}

}  // namespace sb

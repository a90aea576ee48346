// `stratbench merge`: shards of one matrix (run --shard K/N) joined into one run that
// compare, gate, history, the reports and the GUI read as they read any run.
#pragma once

#include <string>
#include <vector>

#include "stratbench/result/result.hpp"

namespace sb {

struct ShardFile {
  std::string path;
  RunFile run;
};

struct MergeOutcome {
  RunFile run;                       // cells in matrix order, each naming its host
  std::vector<std::string> missing;  // what is not in it: absent shards, cells a shard did not run
};

// Refuses (InputError naming both files and the difference) inputs that are not shards,
// shards of different matrices or measurement options (config hash), of different
// stratbench commits or shard counts, the same shard twice, and shards that share a
// cell (cut with different costs). Missing cells are listed in `missing`; the caller
// decides whether they are an error. Each shard's host is kept: run.hosts holds each
// distinct host by fingerprint and every cell names its own.
// Trace paths are rebased to be relative to `output_path`.
MergeOutcome merge_shards(const std::vector<ShardFile>& shards, const std::string& command,
                          const std::string& output_path);

}  // namespace sb

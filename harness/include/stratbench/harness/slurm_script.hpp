// The batch scripts `stratbench slurm submit` writes: a job array with one shard of the
// matrix per task, and a merge job that runs after it. Plain text, readable and kept beside
// the results, so that a user can edit one and resubmit it with sbatch by hand.
#pragma once

#include <string>
#include <vector>

namespace sb {

struct SlurmJob {
  std::string stratbench;  // absolute path of the binary the tasks run
  std::string dir;         // absolute: scripts, shard results, logs
  std::string output;      // absolute: the merged results file
  int shards = 0;
  std::vector<std::string> run_flags;  // the matrix and measurement flags of `run`
  std::string partition, time, account;
  bool exclusive = true;                 // a whole node per task: a benchmark must not share cores
  std::vector<std::string> sbatch_args;  // more #SBATCH lines, as given
  std::string history;                   // non-empty: `history add` the merged run to this database
};

// 'it''s' quoting for bash: any string, one word.
std::string shell_quote(const std::string& s);

std::string shards_script(const SlurmJob& job);
std::string merge_script(const SlurmJob& job);

}  // namespace sb

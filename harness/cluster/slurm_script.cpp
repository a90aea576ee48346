#include "stratbench/harness/slurm_script.hpp"

namespace sb {

// Appends each part (GCC 12 warns falsely of overlap in "literal" + std::string chains).
template <class... T>
static void put(std::string& s, const T&... parts) {
  (s.append(parts), ...);
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

// What both scripts share: the site's #SBATCH lines, strict mode, the binary and folder.
static std::string common_lines(const SlurmJob& job) {
  std::string s;
  if (!job.partition.empty()) put(s, "#SBATCH --partition=", job.partition, "\n");
  if (!job.account.empty()) put(s, "#SBATCH --account=", job.account, "\n");
  for (const auto& a : job.sbatch_args) put(s, "#SBATCH ", a, "\n");
  s += "set -euo pipefail\n";
  put(s, "stratbench=", shell_quote(job.stratbench), "\n");
  put(s, "dir=", shell_quote(job.dir), "\n");
  return s;
}

std::string shards_script(const SlurmJob& job) {
  const std::string n = std::to_string(job.shards);
  std::string s = "#!/bin/bash\n";
  s += "# stratbench: one shard of the matrix per array task (written by `stratbench slurm submit`).\n";
  s += "# Resubmit a task by hand, e.g. shard 2 (task 1): sbatch --array=1 ";
  s += job.dir;
  s += "/shards.sbatch\n";
  s += "# A task whose shard log exists resumes it: finished cells are not run again.\n";
  s += "#SBATCH --job-name=stratbench-shards\n";
  s += "#SBATCH --array=0-";
  s += std::to_string(job.shards - 1);
  s += "\n#SBATCH --nodes=1\n#SBATCH --ntasks=1\n";
  if (job.exclusive) s += "#SBATCH --exclusive\n";
  if (!job.time.empty()) put(s, "#SBATCH --time=", job.time, "\n");
  put(s, "#SBATCH --output=", job.dir, "/logs/shard-%a.out\n");
  s += common_lines(job);
  put(s, "k=$((SLURM_ARRAY_TASK_ID + 1))\n");
  s += "if [ -s \"$dir/shard-$k.jsonl\" ]; then\n";
  s += "  exec \"$stratbench\" run --resume \"$dir/shard-$k.jsonl\"\n";
  s += "fi\n";
  put(s, "exec \"$stratbench\" run --shard \"$k/", n, "\" -o \"$dir/shard-$k.json\"");
  for (const auto& f : job.run_flags) put(s, " ", shell_quote(f));
  s += "\n";
  return s;
}

std::string merge_script(const SlurmJob& job) {
  std::string s = "#!/bin/bash\n";
  s += "# stratbench: merges the shards once the array has ended (written by `stratbench slurm submit`).\n";
  s += "# Run it again after resubmitting a shard: sbatch ";
  s += job.dir;
  s += "/merge.sbatch\n#SBATCH --job-name=stratbench-merge\n#SBATCH --nodes=1\n#SBATCH --ntasks=1\n";
  s += "#SBATCH --output=";
  s += job.dir;
  s += "/logs/merge.out\n";
  s += common_lines(job);
  s += "shards=()\n";
  put(s, "for k in $(seq 1 ", std::to_string(job.shards), "); do\n");
  s += "  if [ -f \"$dir/shard-$k.json\" ]; then shards+=(\"$dir/shard-$k.json\"); fi\n";
  s += "done\n";
  s += "# Missing shards or cells make merge fail (exit 2) and name them.\n";
  put(s, "\"$stratbench\" merge \"${shards[@]}\" -o ", shell_quote(job.output), "\n");
  if (!job.history.empty())
    put(s, "\"$stratbench\" history add ", shell_quote(job.output), " --db ", shell_quote(job.history), "\n");
  return s;
}

}  // namespace sb

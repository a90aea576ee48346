// Runs the CLI under test as a real process and captures what it prints.
#pragma once

#include <string>
#include <vector>

namespace sb::test {

struct Proc {
  int exit_code = -1;
  std::string out, err;
};

// Runs STRATBENCH_TEST_BIN with args in `cwd` (empty: current directory).
Proc run_cli(const std::vector<std::string>& args, const std::string& cwd = "");
std::string fresh_dir(const std::string& name);  // an empty directory under the test temp dir
std::string slurp(const std::string& path);
bool exists(const std::string& path);
// Count of files in dir (to prove nothing was left behind).
int file_count(const std::string& dir);

}  // namespace sb::test

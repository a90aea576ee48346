// libFuzzer target for the command line: the input, split at NUL bytes, is argv for
// stratbench_main, in-process. The first byte picks the command; only uses that write
// and run nothing are allowed (run always with --dry-run; no flag that names an output,
// a database, a binary to execute or standard input). The exit code must be 0, 1 or 2:
// 3 is an internal error, which no argument may cause. Run it with -close_fd_mask=3: the
// commands' output only slows the search down.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "stratbench/cli/cli.hpp"

namespace {

bool forbidden(const std::string& w) {
  for (const char* p : {"--resume", "--interleave", "-o", "--output", "--summary", "--junit", "--db", "--history",
                        "--baseline-bin", "--candidate-bin", "--workdir", "--baseline-flags", "--candidate-flags"})
    if (w.rfind(p, 0) == 0) return true;
  // Nothing outside the working directory: /dev/zero as a matrix file would never end.
  return w == "-" || w.find('/') != std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // Not tokenize: with no file it reads standard input (its ids parser has its own target).
  static const char* const kCommands[] = {"run", "list", "report", "compare", "gate"};
  const std::string cmd = kCommands[data[0] % 5];
  std::vector<std::string> words = {"stratbench", cmd};
  std::string word;
  for (std::size_t i = 1; i < size; ++i) {
    if (data[i] == 0) {
      words.push_back(word);
      word.clear();
    } else {
      word += static_cast<char>(data[i]);
    }
  }
  if (size > 1) words.push_back(word);
  for (std::size_t i = 2; i < words.size(); ++i)
    if (forbidden(words[i])) return 0;
  if (cmd == "run") words.emplace_back("--dry-run");
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  const int rc = sb::stratbench_main(static_cast<int>(words.size()), argv.data());
  if (rc != 0 && rc != 1 && rc != 2) {
    std::string all;
    for (const auto& w : words) all += "[" + w + "] ";
    std::fprintf(stdout, "exit %d for %s\n", rc, all.c_str());
    std::abort();
  }
  return 0;
}

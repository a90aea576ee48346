#include <cstring>
#include <iostream>
#include <new>

#include "commands.hpp"
#include "stratbench/cli/cli.hpp"
#include "stratbench/harness/cell_main.hpp"
#include "stratbench/result/errors.hpp"

#ifndef STRATBENCH_VERSION
#define STRATBENCH_VERSION "0.0.0"
#endif
#ifndef STRATBENCH_GIT_COMMIT
#define STRATBENCH_GIT_COMMIT ""
#endif

namespace sb {

static const char* kUsage =
    "stratbench — what LLM inference optimization strategies really buy\n"
    "\n"
    "usage: stratbench <command> [options]\n"
    "\n"
    "commands:\n"
    "  run        run a benchmark matrix (no options: the default matrix)\n"
    "  list       list workloads or strategies\n"
    "  report     print a results file as table, md, csv or json\n"
    "  compare    compare two results files cell by cell, with statistics and verdicts\n"
    "  gate       fail a CI build on a real regression (exit 0 pass, 1 regression, 2 error)\n"
    "  history    store runs (SQLite or PostgreSQL) and find change points over commits\n"
    "  model      write a synthetic Llama model as GGUF, or show what a GGUF file holds\n"
    "  tokenize   encode text to BPE token ids (gpt2, cl100k_base) or decode them\n"
    "\n"
    "  stratbench <command> --help   options of a command\n"
    "  stratbench --version\n";

namespace cli {
bool wants_help(const Args& args) {
  for (const auto& a : args)
    if (a == "--help" || a == "-h") return true;
  return false;
}
}  // namespace cli

int stratbench_main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], kCellSubcommand) == 0) return cell_main(argc - 2, argv + 2);
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string cmd = argv[1];
  cli::Args args(argv + 2, argv + argc);
  std::string command_line = "stratbench";
  for (int i = 1; i < argc; ++i) command_line += std::string(" ") + argv[i];
  try {
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
      std::cout << kUsage;
      return 0;
    }
    if (cmd == "--version") {
      std::cout << "stratbench " << STRATBENCH_VERSION;
      if (*STRATBENCH_GIT_COMMIT) std::cout << " (built from " << std::string(STRATBENCH_GIT_COMMIT).substr(0, 12) << ")";
      std::cout << "\n";
      return 0;
    }
    if (cmd == "run") return cli::cmd_run(args, command_line);
    if (cmd == "list") return cli::cmd_list(args);
    if (cmd == "report") return cli::cmd_report(args);
    if (cmd == "compare") return cli::cmd_compare(args);
    if (cmd == "gate") return cli::cmd_gate(args);
    if (cmd == "history") return cli::cmd_history(args);
    if (cmd == "model") return cli::cmd_model(args);
    if (cmd == "tokenize") return cli::cmd_tokenize(args);
    std::cerr << "stratbench: unknown command '" << cmd << "'\n\n" << kUsage;
    return 2;
  } catch (const InputError& e) {
    std::cerr << "stratbench: error: " << e.what() << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "stratbench: out of memory\n";
    return 3;
  } catch (const std::exception& e) {
    std::cerr << "stratbench: internal error: " << e.what() << "\n";
    return 3;
  }
}

}  // namespace sb

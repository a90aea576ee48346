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

// Every argument ends up in JSON (the run header's command, params, paths), which must be
// UTF-8; a stray byte is refused here, naming the argument, rather than after work began.
static void require_utf8(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const auto* s = reinterpret_cast<const unsigned char*>(argv[i]);
    for (std::size_t k = 0; s[k];) {
      const unsigned char b = s[k];
      const int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
      bool ok = len > 0 && !(len == 2 && b < 0xC2) && !(len == 4 && b > 0xF4);
      for (int c = 1; ok && c < len; ++c) ok = (s[k + c] & 0xC0) == 0x80;
      if (ok && len == 3) {
        const unsigned cp = ((b & 0x0Fu) << 12) | ((s[k + 1] & 0x3Fu) << 6) | (s[k + 2] & 0x3Fu);
        ok = cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF);
      }
      if (ok && len == 4) {
        const unsigned cp = ((b & 0x07u) << 18) | ((s[k + 1] & 0x3Fu) << 12);
        ok = cp >= 0x10000 && cp <= 0x10FFFF;
      }
      if (!ok)
        throw InputError("argument " + std::to_string(i) + " is not valid UTF-8 (byte " + std::to_string(k + 1) +
                         "); stratbench keeps arguments in JSON, which must be UTF-8");
      k += static_cast<std::size_t>(len);
    }
  }
}

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
    cli::require_utf8(argc, argv);
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

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <new>

#include "commands.hpp"
#include "stratbench/cli/cli.hpp"
#include "stratbench/harness/cell_main.hpp"
#include "stratbench/harness/cell_process.hpp"
#include "stratbench/reports/escape.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/blas_core.hpp"

#ifndef STRATBENCH_VERSION
#define STRATBENCH_VERSION "0.0.0"
#endif
#ifndef STRATBENCH_GIT_COMMIT
#define STRATBENCH_GIT_COMMIT ""
#endif

namespace sb {

namespace cli {

const std::vector<Command>& command_table() {
  // Commands that need no command line take it anyway: one signature for the table.
  static const std::vector<Command> t = {
      {"run", "run a benchmark matrix (no options: the default matrix)", cmd_run},
      {"merge", "join the shards of a matrix (run --shard K/N) into one run", cmd_merge},
      {"slurm", "run a matrix as a Slurm job array of shards and merge them (submit, status)", cmd_slurm},
      {"list", "list workloads or strategies", [](const Args& a, const std::string&) { return cmd_list(a); }},
      {"report", "print a results file as a table or a report (formats: `report --help`)",
       [](const Args& a, const std::string&) { return cmd_report(a); }},
      {"compare", "compare two results files cell by cell, with statistics and verdicts",
       [](const Args& a, const std::string&) { return cmd_compare(a); }},
      {"gate", "fail a CI build on a real regression (exit 0 pass, 1 regression, 2 error)",
       [](const Args& a, const std::string&) { return cmd_gate(a); }},
      {"history", "store runs (SQLite or PostgreSQL) and find change points over commits",
       [](const Args& a, const std::string&) { return cmd_history(a); }},
      {"model", "write a synthetic Llama model as GGUF, train one on a corpus, or show what a GGUF file holds",
       [](const Args& a, const std::string& cl) { return cmd_model(a, cl); }},
      {"tokenize", "encode text to BPE token ids (gpt2, cl100k_base) or decode them",
       [](const Args& a, const std::string&) { return cmd_tokenize(a); }},
      {"tokenizer", "train a byte-level BPE vocabulary on a corpus (a .tiktoken file)",
       [](const Args& a, const std::string&) { return cmd_tokenizer(a); }},
      {"serve", "an OpenAI-compatible question-answering server over a model (schedulers, metrics)",
       [](const Args& a, const std::string&) { return cmd_serve(a); }},
      {"load", "an open-loop load generator for OpenAI-compatible servers: TTFT, TPOT, goodput, capacity", cmd_load},
      {"trace", "summarize a cell's trace per range and kernel, or diff two traces",
       [](const Args& a, const std::string&) { return cmd_trace(a); }},
  };
  return t;
}

static std::string usage() {
  std::string u =
      "stratbench — what LLM inference optimization strategies really buy\n\n"
      "usage: stratbench <command> [options]\n\ncommands:\n";
  for (const auto& c : command_table()) {
    std::string name = c.name;
    u += "  " + name + std::string(name.size() < 11 ? 11 - name.size() : 1, ' ') + c.summary + "\n";
  }
  return u + "\n  stratbench <command> --help   options of a command\n  stratbench --version\n";
}

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

void use_best_openblas_kernels(char** argv) {
  // Silently: a user's own OPENBLAS_CORETYPE is left alone, and a failed exec carries on
  // with the generic kernels.
  if (const std::string core = openblas_better_core();
      !core.empty() && ::setenv("OPENBLAS_CORETYPE", core.c_str(), 1) == 0) {
    const std::string self = self_executable();
    ::execv(self.c_str(), argv);
  }
}

int stratbench_main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], kCellSubcommand) == 0) return cell_main(argc - 2, argv + 2);
  if (argc < 2) {
    std::cerr << cli::usage();
    return 2;
  }
  const std::string cmd = argv[1];
  cli::Args args(argv + 2, argv + argc);
  std::string command_line = "stratbench";
  for (int i = 1; i < argc; ++i) command_line += std::string(" ") + argv[i];
  try {
    cli::require_utf8(argc, argv);
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
      std::cout << cli::usage();
      return 0;
    }
    if (cmd == "--version") {
      std::cout << "stratbench " << STRATBENCH_VERSION;
      if (*STRATBENCH_GIT_COMMIT)
        std::cout << " (built from " << std::string(STRATBENCH_GIT_COMMIT).substr(0, 12) << ")";
      std::cout << "\n";
      return 0;
    }
    for (const auto& c : cli::command_table())
      if (cmd == c.name) return c.run(args, command_line);
    std::cerr << "stratbench: unknown command '" << terminal_text(cmd) << "'\n\n" << cli::usage();
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

// One function per subcommand; args exclude the program and subcommand names.
#pragma once

#include <string>
#include <vector>

namespace sb::cli {

using Args = std::vector<std::string>;

// One row per command: `stratbench --help`, the dispatch and the tests all read this table.
struct Command {
  const char* name;
  const char* summary;  // one line for the usage text
  int (*run)(const Args& args, const std::string& command_line);
};
const std::vector<Command>& command_table();

int cmd_run(const Args& args, const std::string& command_line);
int cmd_list(const Args& args);
int cmd_report(const Args& args);
int cmd_compare(const Args& args);
int cmd_gate(const Args& args);
int cmd_history(const Args& args);
int cmd_model(const Args& args, const std::string& command_line);
enum class TrainMode { train, distill, finetune };
int cmd_model_train(const Args& args, const std::string& command_line, TrainMode mode);
int cmd_model_perplexity(const Args& args);
int cmd_tokenize(const Args& args);
int cmd_tokenizer(const Args& args);
int cmd_trace(const Args& args);
int cmd_serve(const Args& args);
int cmd_load(const Args& args, const std::string& command_line);
int cmd_merge(const Args& args, const std::string& command_line);
int cmd_slurm(const Args& args, const std::string& command_line);

bool wants_help(const Args& args);
// Throws InputError naming each difference between the runs, unless forced.
void require_comparable(const std::vector<std::string>& mismatches, bool force);

}  // namespace sb::cli

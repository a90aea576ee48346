// `stratbench model write|info`: synthetic Llama model files in GGUF, and what a GGUF file
// holds. Fills an options struct and calls workloads/llm.
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>

#include "commands.hpp"
#include "flags.hpp"
#include "stratbench/reports/text_table.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/text.hpp"
#include "stratbench/workloads/llm/gguf.hpp"
#include "stratbench/workloads/llm/llama_gguf.hpp"
#include "stratbench/workloads/llm/model_config.hpp"
#include "stratbench/workloads/llm/vocab.hpp"

namespace sb::cli {
namespace {

struct ModelOptions {
  std::string config;
  std::string type;
  std::uint64_t seed = 1;
  std::string vocab = llm::default_vocab_path();
  bool tensors = false;
  bool metadata = false;
};

using MFlag = Flag<ModelOptions>;

const std::vector<MFlag>& write_flags() {
  static const std::vector<MFlag> t = {
      {"--config", "-c", "NAME", "model shape: " + join(llm::model_config_names(), ", ") + " (required)",
       [](ModelOptions& o, const std::string& v) { o.config = v; }},
      {"--type", "-t", "TYPE", "weight storage: f32, f16, bf16, q8_0 or q4_0 (required)",
       [](ModelOptions& o, const std::string& v) { o.type = v; }},
      {"--seed", "", "N", "seed of the synthetic weights, 0..2^63-1 (default 1): same seed, same bytes",
       [](ModelOptions& o, const std::string& v) {
         const long long n = parse_int("--seed", v);
         if (n < 0) throw InputError("option --seed: " + v + " is negative");
         o.seed = static_cast<std::uint64_t>(n);
       }},
      {"--vocab", "", "FILE", "vocabulary, JSON lines (default " + llm::default_vocab_path() + ")",
       [](ModelOptions& o, const std::string& v) { o.vocab = v; }},
      {"--help", "-h", "", "this help", [](ModelOptions&, const std::string&) {}},
  };
  return t;
}

const std::vector<MFlag>& info_flags() {
  static const std::vector<MFlag> t = {
      {"--tensors", "", "", "list every tensor: name, type, dims, bytes, offset",
       [](ModelOptions& o, const std::string&) { o.tensors = true; }},
      {"--metadata", "", "", "list every metadata key with its type and value",
       [](ModelOptions& o, const std::string&) { o.metadata = true; }},
      {"--help", "-h", "", "this help", [](ModelOptions&, const std::string&) {}},
  };
  return t;
}

const char* kUsage =
    "usage: stratbench model <subcommand> [options]\n"
    "\n"
    "  write --config NAME --type TYPE [--seed N] OUT.gguf   a Llama model with synthetic weights\n"
    "  info [--tensors] [--metadata] FILE.gguf              what a GGUF file holds\n"
    "  train --config SHAPE --corpus F --tokenizer F --tokens N -o OUT.gguf\n"
    "                                                       a model trained on a corpus\n"
    "  distill --teacher T.gguf --config SHAPE --corpus F --tokens N -o OUT.gguf\n"
    "                                                       a student trained on a teacher's soft targets\n"
    "  finetune --model M.gguf -s STRATEGY --corpus F --tokens N -o OUT.gguf\n"
    "                                                       a compressed model's recovery fine-tune\n"
    "  perplexity MODEL.gguf (--text F | --heldout CORPUS)  perplexity, llama-perplexity's way\n"
    "\n"
    "  stratbench model <subcommand> --help   options of a subcommand\n";

std::string with_commas(std::uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string s;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) s += ',';
    s += digits[i];
  }
  return s;
}

std::string mib(std::uint64_t bytes) {
  std::ostringstream os;
  os.precision(1);
  os << std::fixed << static_cast<double>(bytes) / (1024.0 * 1024.0) << " MiB";
  return os.str();
}

std::string describe(const llm::ModelConfig& c) {
  std::ostringstream os;
  os << c.name << ": dim " << c.dim << ", " << c.n_layers << " layers, " << c.n_heads << " heads, " << c.n_kv_heads
     << " kv heads (head_dim " << c.head_dim() << "), hidden " << c.hidden_dim << ", vocab " << c.vocab_size
     << ", context " << c.max_seq_len << ", rms eps " << c.norm_eps << ", rope theta " << c.rope_theta
     << ", tied embeddings " << (c.tied_embeddings ? "yes" : "no");
  return os.str();
}

int model_write(const ModelOptions& o, const std::vector<std::string>& pos) {
  if (pos.size() != 1) throw InputError("model write takes one output file (OUT.gguf)");
  if (o.config.empty())
    throw InputError("model write: --config is required (" + join(llm::model_config_names(), ", ") + ")");
  if (o.type.empty()) throw InputError("model write: --type is required (f32, f16, bf16, q8_0, q4_0)");
  const llm::ModelConfig c = llm::model_config(o.config);
  const llm::WeightType type = llm::parse_weight_type(o.type);
  std::error_code ec;
  if (!std::filesystem::exists(o.vocab, ec))
    throw InputError(o.vocab + ": vocabulary not found; scripts/setup.sh installs it (or pass --vocab FILE)");
  const llm::Vocab vocab = llm::load_vocab_jsonl(o.vocab);
  const llm::GgufWriter w = llm::llama_gguf_writer(c, o.seed, type, vocab);
  w.write(pos[0]);
  std::cout << "wrote " << pos[0] << ": config " << c.name << ", " << llm::to_string(type) << ", seed " << o.seed
            << ", " << w.tensor_count() << " tensors, " << with_commas(llm::parameter_count(c)) << " parameters, "
            << mib(w.file_size()) << "\n";
  return 0;
}

int model_info(const ModelOptions& o, const std::vector<std::string>& pos) {
  if (pos.size() != 1) throw InputError("model info takes one GGUF file");
  const llm::GgufFile f = llm::GgufFile::open(pos[0]);
  auto line = [](const std::string& k, const std::string& v) {
    std::cout << k << std::string(k.size() < 14 ? 14 - k.size() : 1, ' ') << v << "\n";
  };
  line("file", f.name());
  line("format", "GGUF v" + std::to_string(f.version()) + ", " + with_commas(f.file_size()) + " bytes (" +
                     mib(f.file_size()) + "), alignment " + std::to_string(f.alignment()) + ", tensor data at byte " +
                     with_commas(f.data_offset()));
  const bool llama = f.has("general.architecture") && f.get_string("general.architecture") == "llama";
  line("architecture", f.has("general.architecture") ? f.get_string("general.architecture") : "(not given)");
  if (f.has("general.name")) line("name", f.get_string("general.name"));
  if (f.has("general.file_type")) {
    const std::uint32_t ft = f.get_u32("general.file_type");
    line("file type", llm::llama_file_type_name(ft) + " (" + std::to_string(ft) + ")");
  }
  if (llama) {
    const llm::ModelConfig c = llm::llama_config_from_gguf(f);
    line("config", describe(c));
    if (f.has("stratbench.seed")) line("seed", std::to_string(f.get_u64("stratbench.seed")));
    llm::check_llama_tensors(f, c);
    line("parameters", with_commas(llm::parameter_count(c)));
  }
  std::map<std::string, std::pair<int, std::uint64_t>> per_type;
  std::uint64_t total = 0;
  for (const auto& t : f.tensors()) {
    auto& e = per_type[llm::to_string(t.type)];
    ++e.first;
    e.second += t.bytes;
    total += t.bytes;
  }
  line("tensors",
       std::to_string(f.tensors().size()) + " tensors, " + with_commas(total) + " bytes (" + mib(total) + ")");
  for (const auto& [type, e] : per_type)
    line("  " + type,
         std::to_string(e.first) + (e.first == 1 ? " tensor, " : " tensors, ") + with_commas(e.second) + " bytes");
  line("metadata", std::to_string(f.metadata().size()) + " keys");
  if (o.metadata) {
    TextTable t({"  key", "type", "value"});
    for (const auto& [k, v] : f.metadata()) t.add_row({"  " + k, llm::to_string(v.type), v.describe()});
    std::cout << "\n" << t.render();
  }
  if (o.tensors) {
    TextTable t({"  name", "type", "dims", "bytes", "offset"}, {false, false, false, true, true});
    for (const auto& ti : f.tensors()) {
      const std::string dims = join(ti.dims, " x ", [](auto d) { return std::to_string(d); });
      t.add_row({"  " + ti.name, llm::to_string(ti.type), dims, with_commas(ti.bytes), with_commas(ti.offset)});
    }
    std::cout << "\n" << t.render();
  }
  return 0;
}

}  // namespace

int cmd_model(const Args& args, const std::string& command_line) {
  if (args.empty() || ((args[0] == "--help" || args[0] == "-h"))) {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  const std::string& sub = args[0];
  const Args rest(args.begin() + 1, args.end());
  if (sub == "train") return cmd_model_train(rest, command_line, TrainMode::train);
  if (sub == "distill") return cmd_model_train(rest, command_line, TrainMode::distill);
  if (sub == "finetune") return cmd_model_train(rest, command_line, TrainMode::finetune);
  if (sub == "perplexity") return cmd_model_perplexity(rest);
  if (sub != "write" && sub != "info")
    throw InputError("model: unknown subcommand '" + sub + "' (write, info, train, distill, finetune, perplexity)");
  const auto& table = sub == "write" ? write_flags() : info_flags();
  if (wants_help(rest)) {
    std::cout << (sub == "write" ? "usage: stratbench model write --config NAME --type TYPE [--seed N] OUT.gguf\n\n"
                                   "Writes a Llama model with deterministic synthetic weights as GGUF v3, the\n"
                                   "tokenizer from the vocabulary file; llama.cpp loads it. RMSNorm gains stay F32;\n"
                                   "q4_0 keeps output.weight at Q8_0.\n\n"
                                 : "usage: stratbench model info [--tensors] [--metadata] FILE.gguf\n\n"
                                   "Validates the file (every offset, size and count) and prints its architecture,\n"
                                   "config, file type and tensors per type; exit 2 names the bad field.\n\n")
              << flags_help(table);
    return 0;
  }
  ModelOptions o;
  std::vector<std::string> pos;
  parse_flags(table, rest, o, pos);
  return sub == "write" ? model_write(o, pos) : model_info(o, pos);
}

}  // namespace sb::cli

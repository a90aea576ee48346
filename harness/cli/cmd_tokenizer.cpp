// `stratbench tokenizer train`: a byte-level BPE vocabulary trained on a corpus
// (text/bpe_trainer.hpp) and written as a .tiktoken file, which `tokenize --encoding FILE`,
// the text workloads (encoding=FILE) and the GGUF writer (llm/bpe_vocab.hpp) then read.
#include <chrono>
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "flags.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/result_json.hpp"
#include "stratbench/workloads/text/bpe_trainer.hpp"
#include "stratbench/workloads/text/text_input.hpp"

namespace sb::cli {
namespace {

// 65536 ids fit in 16 bits: token streams of a trained vocabulary can be stored compactly,
// and a model for this project's corpus needs far fewer.
constexpr long long kMinVocab = 257, kMaxVocab = 65536;

struct TrainOptions {
  std::string corpus;
  long long vocab_size = 0;      // 0: not given
  unsigned long long bytes = 0;  // 0: the whole corpus
  std::string output;
};

const std::vector<Flag<TrainOptions>>& train_flags() {
  static const std::vector<Flag<TrainOptions>> t = {
      {"--corpus", "", "FILE", "text to train on; `corpus` and `sample` name the project's datasets (required)",
       [](TrainOptions& o, const std::string& v) { o.corpus = v; }},
      {"--vocab-size", "", "N",
       "ids in the vocabulary, 257..65536: the 256 bytes, N-257 merges and <|endoftext|> (required)",
       [](TrainOptions& o, const std::string& v) {
         o.vocab_size = parse_int_in("--vocab-size", v, kMinVocab, kMaxVocab);
       }},
      {"--bytes", "", "N", "train on the first N bytes of the corpus only (K, M, G suffixes; default: all of it)",
       [](TrainOptions& o, const std::string& v) { o.bytes = parse_size("--bytes", v); }},
      {"--output", "-o", "FILE", "the .tiktoken file to write (required)",
       [](TrainOptions& o, const std::string& v) { o.output = v; }},
      {"--help", "-h", "", "this help", [](TrainOptions&, const std::string&) {}},
  };
  return t;
}

const char* kUsage =
    "usage: stratbench tokenizer <subcommand> [options]\n"
    "\n"
    "  train --corpus FILE --vocab-size N [--bytes N] -o OUT.tiktoken   train a byte-level BPE vocabulary\n"
    "\n"
    "  stratbench tokenizer <subcommand> --help   options of a subcommand\n";

int train(const TrainOptions& o, const std::vector<std::string>& pos) {
  if (!pos.empty()) throw InputError("tokenizer train takes no positional arguments ('" + pos[0] + "')");
  if (o.corpus.empty()) throw InputError("tokenizer train: --corpus FILE is required");
  if (o.vocab_size == 0)
    throw InputError("tokenizer train: --vocab-size N is required (" + std::to_string(kMinVocab) + ".." +
                     std::to_string(kMaxVocab) + ")");
  if (o.output.empty()) throw InputError("tokenizer train: -o/--output FILE is required");
  check_output_path(o.output);  // before the work, not after it
  std::string path;
  try {
    path = text::resolve_text_input(o.corpus);
  } catch (const InputError& e) {
    throw InputError(std::string("option --corpus: ") + e.what());
  }
  const text::MappedFile file(path);
  std::string_view corpus = file.view();
  if (o.bytes && o.bytes < corpus.size()) corpus = corpus.substr(0, o.bytes);
  if (corpus.empty()) throw InputError(path + ": the corpus is empty; nothing to train on");

  const auto t0 = std::chrono::steady_clock::now();
  text::TrainedBpe v;
  try {
    v = text::train_bpe(corpus, static_cast<std::size_t>(o.vocab_size));
  } catch (const InputError& e) {
    throw InputError(path + ": " + e.what());
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  text::write_tiktoken(o.output, v.tokens);
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.2f", seconds);
  std::cout << "wrote " << o.output << ": " << v.vocab_size() << " tokens (256 bytes, " << v.merges.size()
            << " merges, <|endoftext|> = " << v.end_of_text() << "), " << v.bytes << " bytes read, " << v.pieces
            << " pieces (" << v.distinct_pieces << " distinct), " << secs << " s\n";
  return 0;
}

}  // namespace

int cmd_tokenizer(const Args& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  const std::string& sub = args[0];
  const Args rest(args.begin() + 1, args.end());
  if (sub != "train") throw InputError("tokenizer: unknown subcommand '" + sub + "' (train)");
  if (wants_help(rest)) {
    std::cout << "usage: stratbench tokenizer train --corpus FILE --vocab-size N [--bytes N] -o OUT.tiktoken\n\n"
                 "Trains a byte-level BPE vocabulary with GPT-2's pre-tokenizer: ranks 0..255 are the bytes, each\n"
                 "merge of the most frequent adjacent pair (ties: the smaller pair of ranks) adds the next rank,\n"
                 "and <|endoftext|> is id N-1. The file is in tiktoken's format; `stratbench tokenize\n"
                 "--encoding OUT.tiktoken` encodes with it, and its ids are tiktoken's and llama.cpp's.\n\n"
              << flags_help(train_flags());
    return 0;
  }
  TrainOptions o;
  std::vector<std::string> pos;
  parse_flags(train_flags(), rest, o, pos);
  return train(o, pos);
}

}  // namespace sb::cli

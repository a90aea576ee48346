// `stratbench model perplexity`: a model's perplexity on a text by llama-perplexity's
// protocol (perplexity.hpp), with the engine under any strategy, and the held-out part of
// a training corpus written out so that llama.cpp scores the very same text.
#include <cmath>
#include <iostream>

#include "commands.hpp"
#include "flags.hpp"
#include "stratbench/reports/text_table.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/result_json.hpp"
#include "stratbench/workloads/llm/bpe_vocab.hpp"
#include "stratbench/workloads/llm/calibration.hpp"
#include "stratbench/workloads/llm/gguf.hpp"
#include "stratbench/workloads/llm/llama_engine.hpp"
#include "stratbench/workloads/llm/perplexity.hpp"
#include "stratbench/workloads/llm/trainer.hpp"
#include "stratbench/workloads/strategy.hpp"
#include "stratbench/workloads/text/bpe_encoder.hpp"
#include "stratbench/workloads/text/text_input.hpp"

namespace sb::cli {
namespace {

struct PplCli {
  std::string text, heldout, write_text, strategy = "baseline";
  unsigned long long bytes = 0;
  int ctx = 0, chunks = 0;
};

const std::vector<Flag<PplCli>>& ppl_flags() {
  static const std::vector<Flag<PplCli>> t = {
      {"--text", "", "FILE", "the text to score", [](PplCli& c, const std::string& v) { c.text = v; }},
      {"--heldout", "", "CORPUS", "instead: the held-out part of a corpus, as `model train` splits it",
       [](PplCli& c, const std::string& v) { c.heldout = v; }},
      {"--bytes", "", "N", "with --heldout: the corpus's first N bytes, as given to `model train --bytes`",
       [](PplCli& c, const std::string& v) { c.bytes = parse_size("--bytes", v); }},
      {"--write-text", "", "FILE", "also write the scored text (to give llama-perplexity -f the same bytes)",
       [](PplCli& c, const std::string& v) { c.write_text = v; }},
      {"--ctx", "-c", "N", "tokens per chunk (default: the model's context), as llama-perplexity -c",
       [](PplCli& c, const std::string& v) { c.ctx = static_cast<int>(parse_int_in("--ctx", v, 4, 1 << 20)); }},
      {"--chunks", "", "N", "score at most N chunks (default all), as llama-perplexity --chunks",
       [](PplCli& c, const std::string& v) { c.chunks = static_cast<int>(parse_int_in("--chunks", v, 1, 1 << 30)); }},
      {"--strategy", "-s", "S", "engine strategy: precision, threads, fusion, ... (default baseline: fp32)",
       [](PplCli& c, const std::string& v) { c.strategy = v; }},
      {"--help", "-h", "", "this help", [](PplCli&, const std::string&) {}},
  };
  return t;
}

}  // namespace

int cmd_model_perplexity(const Args& args) {
  if (wants_help(args)) {
    std::cout << "usage: stratbench model perplexity MODEL.gguf (--text FILE | --heldout CORPUS) [options]\n\n"
                 "Perplexity by llama-perplexity's protocol: chunks of --ctx tokens from an empty cache,\n"
                 "the second half of each scored; the text is tokenized with the model's own vocabulary\n"
                 "(a GPT-2-style BPE, as `model train` writes).\n\n"
              << flags_help(ppl_flags());
    return 0;
  }
  PplCli c;
  std::vector<std::string> pos;
  parse_flags(ppl_flags(), args, c, pos);
  if (pos.size() != 1) throw InputError("model perplexity takes one model file (MODEL.gguf)");
  if (c.text.empty() == c.heldout.empty()) throw InputError("model perplexity: give one of --text or --heldout");
  if (c.bytes && c.heldout.empty()) throw InputError("model perplexity: --bytes goes with --heldout");
  if (!c.write_text.empty()) check_output_path(c.write_text);
  const Strategy s = parse_strategy(c.strategy);

  llm::ModelSpec spec = llm::resolve_model(pos[0]);
  const auto* file = static_cast<const llm::GgufFile*>(spec.keep_alive.get());
  if (!file) throw InputError("model perplexity: " + pos[0] + " is a synthetic model; give a trained .gguf file");
  const text::Encoding enc = llm::encoding_from_gguf(*file);

  std::vector<char> buf;
  text::read_file_into(c.heldout.empty() ? c.text : c.heldout, buf);
  std::string scored(buf.begin(), buf.end());
  buf = {};
  if (!c.heldout.empty()) {
    if (c.bytes && c.bytes < scored.size()) scored.resize(c.bytes);
    scored = llm::train::split_text(scored).heldout;
  }
  if (!c.write_text.empty()) write_text_file_atomic(c.write_text, scored);
  std::vector<std::uint32_t> ids;
  text::Encoder(enc, {text::MergeAlgo::heap, true, 14}).encode_ordinary(scored, ids);

  const int ctx = c.ctx > 0 ? c.ctx : spec.cfg.max_seq_len;
  llm::EngineOptions opt = llm::engine_options(s);
  const llm::LlamaModel model = llm::build_model_for(spec, s, opt);
  llm::Engine engine(model, opt, 1, ctx);
  std::cout << "model " << pos[0] << " (" << c.strategy << "): " << ids.size() << " tokens, chunks of " << ctx
            << ", second half scored\n";
  const llm::PerplexityResult r = llm::perplexity(engine, ids, ctx, c.chunks);
  std::cout << "perplexity " << fmt_fixed(r.ppl, 4) << " +/- " << fmt_fixed(r.ppl * r.nll_stderr, 4) << " (" << r.scored
            << " tokens in " << r.chunks << " chunks; mean NLL " << fmt_fixed(r.nll, 5) << " nats)\n";
  return 0;
}

}  // namespace sb::cli

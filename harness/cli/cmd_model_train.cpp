// `stratbench model train`: a Llama model trained on a corpus with a trained BPE
// vocabulary, written as GGUF (llama.cpp loads it), its loss curve as a results file.
// `model distill` trains a student on a teacher's soft targets; `model finetune` continues
// a trained model under a compression's structure (finetune.hpp).
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "flags.hpp"
#include "stratbench/harness/host_info.hpp"
#include "stratbench/harness/matrix.hpp"
#include "stratbench/reports/text_table.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/result_json.hpp"
#include "stratbench/result/stats.hpp"
#include "stratbench/result/text.hpp"
#include "stratbench/workloads/llm/bpe_vocab.hpp"
#include "stratbench/workloads/llm/calibration.hpp"
#include "stratbench/workloads/llm/finetune.hpp"
#include "stratbench/workloads/llm/llama_gguf.hpp"
#include "stratbench/workloads/llm/llama_model.hpp"
#include "stratbench/workloads/llm/train_model.hpp"
#include "stratbench/workloads/llm/trainer.hpp"
#include "stratbench/workloads/text/bpe_encoder.hpp"
#include "stratbench/workloads/text/text_input.hpp"

namespace sb::cli {
namespace {

struct TrainCli {
  std::string config, corpus, tokenizer, out, curve, checkpoint;
  unsigned long long bytes = 0, tokens = 0;
  bool resume = false;
  std::string teacher;  // model distill
  double temperature = 2, alpha = 0.5;
  std::string model, strategy;  // model finetune
  bool control = false;         // model finetune --control: uncompressed
  bool lr_set = false;
  llm::train::TrainOptions o;
};

const std::vector<Flag<TrainCli>>& train_flags() {
  using llm::train::train_config_names;
  static const std::vector<Flag<TrainCli>> t = {
      {"--config", "-c", "SHAPE",
       "model shape: " + join(train_config_names(), ", ") + ", optionally with overrides (teacher,layers=8) (required)",
       [](TrainCli& c, const std::string& v) { c.config = v; }},
      {"--corpus", "", "FILE", "training text (required)", [](TrainCli& c, const std::string& v) { c.corpus = v; }},
      {"--tokenizer", "", "FILE", "a .tiktoken vocabulary from `stratbench tokenizer train` (required)",
       [](TrainCli& c, const std::string& v) { c.tokenizer = v; }},
      {"--tokens", "", "N", "training tokens, e.g. 20M (required); steps = N / (batch * seq)",
       [](TrainCli& c, const std::string& v) { c.tokens = parse_size("--tokens", v); }},
      {"--bytes", "", "N", "use the corpus's first N bytes, e.g. 30M (default: all)",
       [](TrainCli& c, const std::string& v) { c.bytes = parse_size("--bytes", v); }},
      {"--seed", "", "N", "initialization and batch order (default 1)",
       [](TrainCli& c, const std::string& v) {
         c.o.seed = static_cast<std::uint64_t>(parse_int_in("--seed", v, 0, 1ll << 62));
       }},
      {"--threads", "-j", "N", "threads (default 1); the same seed and threads give the same model",
       [](TrainCli& c, const std::string& v) { c.o.threads = static_cast<int>(parse_int_in("--threads", v, 1, 256)); }},
      {"--batch", "", "N", "sequences per step (default 16)",
       [](TrainCli& c, const std::string& v) { c.o.batch = static_cast<int>(parse_int_in("--batch", v, 1, 4096)); }},
      {"--seq", "", "N", "tokens per sequence (default 128, at most the shape's context)",
       [](TrainCli& c, const std::string& v) { c.o.seq = static_cast<int>(parse_int_in("--seq", v, 2, 1 << 16)); }},
      {"--lr", "", "X", "peak learning rate (default 2e-3); cosine decay to --min-lr",
       [](TrainCli& c, const std::string& v) {
         c.o.lr = parse_double("--lr", v);
         c.lr_set = true;
       }},
      {"--min-lr", "", "X", "final learning rate (default 2e-4)",
       [](TrainCli& c, const std::string& v) { c.o.min_lr = parse_double("--min-lr", v); }},
      {"--warmup", "", "STEPS", "linear warm-up steps (default 100)",
       [](TrainCli& c, const std::string& v) {
         c.o.warmup = static_cast<int>(parse_int_in("--warmup", v, 1, 1 << 30));
       }},
      {"--eval-every", "", "STEPS", "held-out evaluation interval (default 100)",
       [](TrainCli& c, const std::string& v) {
         c.o.eval_every = static_cast<int>(parse_int_in("--eval-every", v, 1, 1 << 30));
       }},
      {"--checkpoint", "", "FILE", "checkpoint path (default OUT.ckpt), written every 200 steps",
       [](TrainCli& c, const std::string& v) { c.checkpoint = v; }},
      {"--resume", "", "", "continue from the checkpoint (same options; the budget may grow)",
       [](TrainCli& c, const std::string&) { c.resume = true; }},
      {"--curve", "", "FILE", "loss curve as a stratbench results file (default OUT.curve.json)",
       [](TrainCli& c, const std::string& v) { c.curve = v; }},
      {"--teacher", "", "FILE", "model distill: the teacher, a trained .gguf (its vocabulary is the student's)",
       [](TrainCli& c, const std::string& v) { c.teacher = v; }},
      {"--temperature", "", "T", "model distill: softmax temperature of the soft targets (default 2)",
       [](TrainCli& c, const std::string& v) { c.temperature = parse_double("--temperature", v); }},
      {"--alpha", "", "X", "model distill: weight of the soft targets against the hard ones, 0..1 (default 0.5)",
       [](TrainCli& c, const std::string& v) { c.alpha = parse_double("--alpha", v); }},
      {"--model", "", "FILE", "model finetune: the trained .gguf to fine-tune (its shape and vocabulary are kept)",
       [](TrainCli& c, const std::string& v) { c.model = v; }},
      {"--strategy", "-s", "S",
       "model finetune: the compression whose structure is kept, e.g. sparsity=u70 or share=2+sparsity=2of4",
       [](TrainCli& c, const std::string& v) { c.strategy = v; }},
      {"--control", "", "",
       "model finetune: train the model uncompressed instead (no -s), at the same schedule: what the extra tokens "
       "alone buy",
       [](TrainCli& c, const std::string&) { c.control = true; }},
      {"--output", "-o", "OUT.gguf", "the trained model, f32 GGUF (required)",
       [](TrainCli& c, const std::string& v) { c.out = v; }},
      {"--help", "-h", "", "this help", [](TrainCli&, const std::string&) {}},
  };
  return t;
}

// One cell per held-out evaluation: the curve is then an ordinary results file that
// report, compare and the GUI read (workload "train", the step as a parameter).
RunFile curve_run(const TrainCli& c, const llm::train::TrainState& st, const std::string& command,
                  const std::string& started, double unigram) {
  RunFile r;
  r.run.started = started;
  r.run.finished = utc_timestamp();
  r.run.id = started + "-" + std::to_string(::getpid());
  r.run.command = command;
  r.run.git = collect_git_info();
  r.run.host = collect_host_info();
  r.run.config_hash =
      stable_hash_hex(c.config + "|" + c.tokenizer + "|" + c.teacher + "|" + c.model + "|" + c.strategy + "|" +
                      std::to_string(c.o.seed) + "|" + std::to_string(c.o.batch) + "x" + std::to_string(c.o.seq));
  std::vector<double> step_s;
  double prev_s = 0;
  for (const auto& p : st.curve) {
    step_s.push_back(p.seconds - prev_s);
    prev_s = p.seconds;
    if (p.heldout_loss < 0) continue;
    Cell cell;
    cell.workload = !c.model.empty() ? "finetune" : c.teacher.empty() ? "train" : "distill";
    cell.strategy = "threads=" + std::to_string(c.o.threads);
    cell.params = {{"config", c.config}, {"step", std::int64_t{p.step}}, {"seed", static_cast<std::int64_t>(c.o.seed)}};
    cell.id = cell_id(cell.workload, cell.strategy, cell.params, cell.device);
    cell.status = CellStatus::ok;
    cell.samples["time_s"] = step_s;
    Metrics& m = cell.metrics;
    std::vector<double> ms;
    ms.reserve(step_s.size());
    for (double s : step_s) ms.push_back(s * 1e3);
    m.latency_ms = stats::summarize(ms);
    const double sum = [&] {
      double a = 0;
      for (double s : step_s) a += s;
      return a;
    }();
    m.throughput = Throughput{sum > 0 ? static_cast<double>(step_s.size()) * c.o.batch * c.o.seq / sum : 0, "tokens/s"};
    m.counters = {{"train_loss", p.train_loss},
                  {"heldout_loss", p.heldout_loss},
                  {"heldout_ppl", std::exp(p.heldout_loss)},
                  {"unigram_ppl", std::exp(unigram)},
                  {"lr", p.lr},
                  {"grad_norm", p.grad_norm},
                  {"tokens", static_cast<double>(p.tokens)}};
    r.cells.push_back(std::move(cell));
    step_s.clear();
  }
  return r;
}

}  // namespace

// A trained model's parameters in ParamLayout order, and its vocabulary, from its GGUF file.
struct Loaded {
  llm::ModelSpec spec;
  std::vector<float> params;
};
static Loaded load_trained(const std::string& path, const char* flag, text::Encoding& enc) {
  Loaded m{llm::resolve_model(path), {}};
  if (!m.spec.keep_alive)
    throw InputError(std::string(flag) + ": " + path + " is a synthetic model; give a trained .gguf file");
  enc = llm::encoding_from_gguf(*static_cast<const llm::GgufFile*>(m.spec.keep_alive.get()));
  const llm::train::ParamLayout l(m.spec.cfg);
  m.params.resize(l.total);
  for (std::size_t i = 0; i < l.specs.size(); ++i) {
    const std::vector<float> v = m.spec.source.floats(l.specs[i]);
    std::copy(v.begin(), v.end(), m.params.begin() + static_cast<std::ptrdiff_t>(l.offsets[i]));
  }
  return m;
}

static std::shared_ptr<const llm::train::Teacher> load_teacher(const TrainCli& c, text::Encoding& enc) {
  Loaded m = load_trained(c.teacher, "--teacher", enc);
  auto t = std::make_shared<llm::train::Teacher>();
  t->cfg = m.spec.cfg;
  t->temperature = c.temperature;
  t->alpha = c.alpha;
  t->params = std::move(m.params);
  return t;
}

// model finetune: the model's parameters with the strategy's compression applied, and the
// constraint that keeps it through training. A shorter, gentler schedule than training
// from scratch unless --lr says otherwise.
static void setup_finetune(TrainCli& c, text::Encoding& enc) {
  Loaded m = load_trained(c.model, "--model", enc);
  c.o.cfg = m.spec.cfg;
  if (!c.lr_set) c.o.lr = 3e-4, c.o.min_lr = 3e-5, c.o.warmup = std::min(c.o.warmup, 20);
  if (c.control) {  // nothing to keep: continued training of the model as it is
    c.o.init = std::move(m.params);
    return;
  }
  const Strategy s = parse_strategy(c.strategy);
  llm::Compression comp = llm::compression_of(s.k);
  llm::InputNorms wanda;
  if (s.k.sparsity != Sparsity::off && s.k.prune == Prune::wanda) {
    wanda = llm::calibrate(m.spec, c.o.threads);
    comp.wanda = &wanda;
  }
  const llm::train::ParamLayout l(c.o.cfg);
  c.o.constrain = llm::train::apply_compression(l, comp, m.params);
  c.o.init = std::move(m.params);
}

int cmd_model_train(const Args& args, const std::string& command_line, TrainMode mode) {
  const bool distill = mode == TrainMode::distill, finetune = mode == TrainMode::finetune;
  const std::string cmd = distill ? "model distill" : finetune ? "model finetune" : "model train";
  if (distill && wants_help(args)) {
    std::cout
        << "usage: stratbench model distill --teacher T.gguf --config SHAPE --corpus FILE --tokens N -o OUT.gguf\n\n"
           "Trains a student (a smaller shape) on the teacher's soft targets, mixed with the\n"
           "corpus's next tokens: (1 - alpha) * cross-entropy + alpha * T^2 * KL(teacher || student)\n"
           "at temperature T (Hinton et al., 2015). The student takes the teacher's vocabulary;\n"
           "the rest is `model train`'s: held-out split, checkpoints, loss curve.\n\n"
        << flags_help(train_flags());
    return 0;
  }
  if (finetune && wants_help(args)) {
    std::cout << "usage: stratbench model finetune --model M.gguf -s STRATEGY --corpus FILE --tokens N -o OUT.gguf\n\n"
                 "A short recovery fine-tune of a compressed model: the strategy's sparsity (its mask\n"
                 "fixed from the start) or layer sharing (each group kept at its mean) is applied to the\n"
                 "model, then kept after every step. The result loads with the same strategy to exactly\n"
                 "the fine-tuned model. Learning rate 3e-4 to 3e-5 unless --lr is given; the rest is\n"
                 "`model train`'s. --control instead trains the model uncompressed at the same schedule:\n"
                 "part of a fine-tune's gain is the extra training itself, and the control measures it.\n\n"
              << flags_help(train_flags());
    return 0;
  }
  if (wants_help(args)) {
    std::cout
        << "usage: stratbench model train --config SHAPE --corpus FILE --tokenizer FILE --tokens N -o OUT.gguf\n\n"
           "Trains a Llama model on the CPU (AdamW, warm-up and cosine decay, clipping at 1) on\n"
           "the corpus encoded with the tokenizer; every 20th chunk of 64 KiB is held out\n"
           "(`model perplexity --heldout CORPUS` scores it, or writes it for other tools).\n"
           "Writes OUT.gguf (f32, the tokenizer as llama.cpp's gpt2 BPE), a checkpoint that\n"
           "--resume continues, and the loss curve as a results file.\n\n"
        << flags_help(train_flags());
    return 0;
  }
  TrainCli c;
  std::vector<std::string> pos;
  parse_flags(train_flags(), args, c, pos);
  if (!pos.empty()) throw InputError(cmd + ": unexpected argument '" + pos[0] + "' (the output goes to -o)");
  if (distill && c.teacher.empty()) throw InputError("model distill: --teacher is required");
  if (!distill && !c.teacher.empty()) throw InputError(cmd + ": --teacher belongs to `model distill`");
  if (!finetune && !(c.model.empty() && c.strategy.empty() && !c.control))
    throw InputError(cmd + ": --model, --strategy and --control belong to `model finetune`");
  if (finetune) {
    if (c.control && !c.strategy.empty())
      throw InputError("model finetune: --control trains the model uncompressed; drop --strategy");
    if (c.model.empty() || (c.strategy.empty() && !c.control))
      throw InputError("model finetune: --model and --strategy (or --control) are required");
    if (!c.tokenizer.empty() || !c.config.empty())
      throw InputError("model finetune: the model keeps its shape and vocabulary; drop --config and --tokenizer");
    if (c.resume) throw InputError("model finetune: --resume is not supported (a fine-tune is short: run it again)");
    c.config = std::filesystem::path(c.model).stem().string();
  }
  if (distill && !c.tokenizer.empty())
    throw InputError("model distill: the student takes the teacher's vocabulary; drop --tokenizer");
  if (!(c.temperature > 0)) throw InputError(cmd + ": --temperature must be positive");
  if (!(c.alpha >= 0 && c.alpha <= 1)) throw InputError(cmd + ": --alpha must be within 0..1");
  for (const auto& [v, flag] : {std::pair{c.config, "--config"},
                                {c.corpus, "--corpus"},
                                {distill    ? c.teacher
                                 : finetune ? c.model
                                            : c.tokenizer,
                                 distill    ? "--teacher"
                                 : finetune ? "--model"
                                            : "--tokenizer"},
                                {c.out, "--output"}})
    if (v.empty()) throw InputError(cmd + ": " + flag + " is required");
  if (c.tokens == 0) throw InputError(cmd + ": --tokens is required (and positive)");
  if (c.checkpoint.empty()) c.checkpoint = c.out + ".ckpt";
  if (c.curve.empty()) c.curve = c.out + ".curve.json";
  check_output_path(c.out);
  check_output_path(c.curve);
  llm::train::TrainOptions& o = c.o;
  text::Encoding enc;
  if (finetune) {
    setup_finetune(c, enc);
  } else {
    if (distill)
      o.teacher = load_teacher(c, enc);
    else
      enc = text::Encoding::from_file(c.tokenizer);
    o.cfg = llm::train::train_config(c.config, static_cast<int>(enc.n_vocab()));
  }
  o.tokens = c.tokens;
  o.checkpoint = c.checkpoint;
  if (o.seq > o.cfg.max_seq_len)
    throw InputError("--seq " + std::to_string(o.seq) + " is longer than the shape's context " +
                     std::to_string(o.cfg.max_seq_len));

  std::vector<char> buf;
  text::read_file_into(c.corpus, buf);
  if (c.bytes && c.bytes < buf.size()) buf.resize(c.bytes);
  if (buf.empty()) throw InputError(c.corpus + ": the corpus is empty");
  llm::train::TokenSplit data;
  {
    const llm::train::TextSplit text = llm::train::split_text({buf.data(), buf.size()});
    buf = {};
    text::Encoder e(enc, {text::MergeAlgo::heap, true, 14});
    e.encode_ordinary(text.train, data.train);
    e.encode_ordinary(text.heldout, data.heldout);
  }
  const double unigram = llm::train::unigram_loss(data.train, data.heldout, o.cfg.vocab_size);
  const llm::train::ParamLayout layout(o.cfg);
  std::cout << "model " << c.config << ": " << layout.total << " parameters; corpus " << c.corpus << ": "
            << data.train.size() << " training and " << data.heldout.size() << " held-out tokens; unigram perplexity "
            << fmt_fixed(std::exp(unigram), 1) << std::endl;

  const std::string started = utc_timestamp();
  llm::train::TrainState st = c.resume ? llm::train::load_checkpoint(c.checkpoint, o) : llm::train::fresh_state(o);
  if (c.resume) std::cout << "resuming " << c.checkpoint << " at step " << st.step << "\n";
  const int steps =
      static_cast<int>(std::max<std::uint64_t>(1, o.tokens / (static_cast<std::uint64_t>(o.batch) * o.seq)));
  llm::train::train(o, data, st, [&](const llm::train::CurvePoint& p) {
    if (p.heldout_loss < 0) return;
    std::cout << "step " << p.step << "/" << steps << "  tokens " << p.tokens << "  loss " << fmt_fixed(p.train_loss, 3)
              << "  held-out " << fmt_fixed(p.heldout_loss, 3) << " (ppl " << fmt_fixed(std::exp(p.heldout_loss), 1)
              << ")  lr " << fmt_fixed(p.lr * 1e3, 3) << "e-3  |g| " << fmt_fixed(p.grad_norm, 2) << "  "
              << fmt_fixed(p.seconds, 0) << " s" << std::endl;
  });
  const double final_loss = st.curve.back().heldout_loss;
  llm::GgufWriter w;
  llm::set_llama_metadata(w, o.cfg, llm::WeightType::f32);
  llm::set_gpt2_tokenizer(w, enc);
  w.set("stratbench.config", llm::GgufValue::string(c.config));
  w.set("stratbench.seed", llm::GgufValue::u64(o.seed));
  w.set("stratbench.train.tokens", llm::GgufValue::u64(static_cast<std::uint64_t>(st.step) * o.batch * o.seq));
  w.set("stratbench.train.heldout_ppl", llm::GgufValue::f32(static_cast<float>(std::exp(final_loss))));
  if (finetune) {
    w.set("stratbench.finetune.from", llm::GgufValue::string(std::filesystem::path(c.model).filename().string()));
    w.set("stratbench.finetune.strategy",
          llm::GgufValue::string(c.control ? "control (uncompressed)" : parse_strategy(c.strategy).canonical()));
  }
  if (distill) {
    w.set("stratbench.distill.teacher", llm::GgufValue::string(std::filesystem::path(c.teacher).filename().string()));
    w.set("stratbench.distill.temperature", llm::GgufValue::f32(static_cast<float>(c.temperature)));
    w.set("stratbench.distill.alpha", llm::GgufValue::f32(static_cast<float>(c.alpha)));
  }
  llm::add_llama_tensors(w, o.cfg, llm::WeightType::f32, [&](const llm::TensorSpec& s) {
    const float* p = st.params.data() + layout.offset(s.name);
    return std::vector<float>(p, p + s.elements());
  });
  w.write(c.out);
  write_run_file_atomic(c.curve, curve_run(c, st, command_line, started, unigram));
  std::cout << "wrote " << c.out << " and " << c.curve << ": held-out perplexity " << fmt_fixed(std::exp(final_loss), 2)
            << ", unigram " << fmt_fixed(std::exp(unigram), 2) << " (ratio "
            << fmt_fixed(std::exp(final_loss - unigram), 3) << ")\n";
  return 0;
}

}  // namespace sb::cli

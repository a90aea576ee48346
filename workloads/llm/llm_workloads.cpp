#include "stratbench/workloads/llm/llm_workloads.hpp"

#include <algorithm>
#include <optional>
#include <sstream>

#include "stratbench/result/errors.hpp"
#include "stratbench/result/stats.hpp"
#include "stratbench/workloads/cpu_features.hpp"
#include "stratbench/workloads/llm/calibration.hpp"
#include "stratbench/workloads/llm/llama_engine.hpp"
#include "stratbench/workloads/llm/llm_quality.hpp"
#include "stratbench/workloads/llm/perplexity.hpp"
#include "stratbench/workloads/llm/reference_cache.hpp"

namespace sb {
namespace {

using namespace sb::llm;

enum class Kind { prefill, decode, generate };

constexpr std::uint64_t kPromptSeed = 2024;

double median(const std::vector<double>& v) { return v.empty() ? 0 : stats::median(v); }

class LlmInstance final : public Instance {
 public:
  LlmInstance(Kind kind, const Strategy& s, const Params& p) : kind_(kind) {
    spec_ = resolve_model(std::get<std::string>(p.at("model")));
    prompt_len_ = static_cast<int>(int_param(p, "prompt_len"));
    batch_ = static_cast<int>(int_param(p, "batch"));
    gen_len_ = kind == Kind::prefill ? 1 : static_cast<int>(int_param(p, "gen_len"));
    if (prompt_len_ + gen_len_ > spec_.cfg.max_seq_len)
      throw InputError("prompt_len=" + std::to_string(prompt_len_) +
                       (kind == Kind::prefill ? "" : " + gen_len=" + std::to_string(gen_len_)) +
                       " exceeds the context of " + spec_.describe + " (" + std::to_string(spec_.cfg.max_seq_len) +
                       " positions)");
    precision_ = s.k.precision;
    compression_ = compression_of(s.k);
    opt_ = engine_options(s);
    if (s.k.sparsity != Sparsity::off && s.k.prune == Prune::wanda) {
      wanda_ = calibrate(spec_, opt_.threads);
      compression_.wanda = &wanda_;
    }
    build();
    prompts_ = make_prompts(batch_, prompt_len_, spec_.cfg.vocab_size, kPromptSeed);
  }

  void run_once() override {
    const Generation g = generate(*engine_, prompts_, gen_len_, false);
    ttft_.push_back(g.ttft_s);
    if (!g.step_s.empty()) tpot_.push_back(median(g.step_s));
  }

  // The models hold copies of a GGUF file's tensors: its pages, read while building,
  // would otherwise stay resident and count in the cell's peak RSS next to the weights.
  void drop_file_pages() {
    if (spec_.drop_file_pages) spec_.drop_file_pages();
  }

  // The strategy's model and engine (deterministic: a rebuild gives the same weights).
  void build() {
    model_ = std::make_unique<LlamaModel>(build_model(spec_.cfg, spec_.source, precision_, opt_.fused, compression_));
    prepare_model(*model_, opt_);
    drop_file_pages();
    engine_ = std::make_unique<Engine>(*model_, opt_, batch_, prompt_len_ + gen_len_);
  }

  CheckResult check() override {
    // The reference: the fp32 baseline (unfused, scalar, one thread, cache on) on the same
    // weights and prompts, free-running greedy; for a compressed model, the uncompressed one
    // at the same precision, so the figures are what the compression costs.
    const std::vector<std::uint32_t> held = heldout();
    const Precision ref_precision = compression_.any() ? precision_ : Precision::fp32;
    const ReferenceRun ref = reference(ref_precision, held);
    std::optional<PerplexityResult> ppl;
    if (!engine_) build();
    if (!held.empty()) ppl = scored(*model_, opt_, held);
    // The candidate sees the reference's tokens (teacher forcing), so every step compares
    // distributions over the same context.
    // Logits are always compared teacher-forced (once tokens diverge, free-running contexts
    // differ and their logits are not comparable); generate's top-1 also runs free.
    const Generation got = generate(*engine_, prompts_, gen_len_, true, &ref.tokens);
    std::vector<std::vector<float>> a, b;
    for (std::size_t st = 0; st < ref.logits.size(); ++st)
      for (int s = 0; s < batch_; ++s) a.push_back(ref.logits[st][s]), b.push_back(got.logits[st][s]);
    const LogitQuality q = compare_logits(a, b);
    CheckResult r;
    r.quality.rel_error = q.rel_error;
    r.quality.kl = q.kl;
    if (kind_ == Kind::generate) {
      const Generation free = generate(*engine_, prompts_, gen_len_, false);
      int same = 0, all = 0;
      for (int s = 0; s < batch_; ++s)
        for (int i = 0; i < gen_len_; ++i) same += free.tokens[s][i] == ref.tokens[s][i], ++all;
      r.quality.top1_agreement = static_cast<double>(same) / all;
    } else {
      r.quality.top1_agreement = q.top1;
    }
    const QualityFloor& f = compression_.any() ? compressed_floor() : quality_floor(precision_);
    r.ok = q.rel_error <= f.max_rel_error && *r.quality.top1_agreement >= f.min_top1 && q.kl <= f.max_kl;
    std::ostringstream os;
    os << "logits of " << q.rows << " next-token distributions against the "
       << (compression_.any() ? std::string("uncompressed ") + to_string(precision_) + " model" : "fp32 baseline")
       << ": rel_error " << q.rel_error << " (floor for "
       << (compression_.any() ? "a compressed model" : to_string(precision_)) << ": " << f.max_rel_error
       << "), top-1 agreement " << *r.quality.top1_agreement << ", mean KL " << q.kl;
    if (ppl) {
      r.quality.perplexity = ppl->ppl;
      r.quality.perplexity_change = ppl->ppl / ref.ppl - 1;
      os << "; held-out perplexity " << ppl->ppl << " (" << to_string(ref_precision) << " " << ref.ppl << ") on "
         << ppl->scored << " tokens";
    } else if (!ppl_why_.empty()) {
      os << "; no perplexity: " << ppl_why_;
    }
    if (ref_cached_) os << "; reference from the cache (" << reference_cache_dir() << ")";
    r.detail = os.str();
    return r;
  }

  // The reference run, from the cache when an earlier cell or run computed it
  // (reference_cache.hpp); else computed here and stored. Its perplexity runs at the
  // candidate's SIMD level and threads (the scalar one-thread pass over 2048 tokens took
  // most of a 1b check), so those are part of the key: another order of the float sums
  // would move it in the sixth digit.
  ReferenceRun reference(Precision ref_precision, const std::vector<std::uint32_t>& held) {
    std::ostringstream key;
    key << "v" << kReferenceVersion << "|"
        << (spec_.path.empty() ? spec_.describe : "gguf:" + file_hash_hex(spec_.path)) << "|"
        << to_string(ref_precision) << "|batch " << batch_ << "|prompt " << prompt_len_ << "|gen " << gen_len_
        << "|seed " << kPromptSeed << "|ppl ctx " << ppl_ctx_ << " simd " << static_cast<int>(opt_.simd) << " threads "
        << opt_.threads << " ids "
        << stable_hash_hex(std::string(reinterpret_cast<const char*>(held.data()), held.size() * sizeof(held[0])));
    if (std::optional<ReferenceRun> hit = load_reference(key.str())) {
      ref_cached_ = true;
      return *hit;
    }
    // One model in memory at a time: the strategy's is released while the reference runs
    // and built again after. Both at once took twice the weights (8.8 GB for an fp32 1b);
    // the rebuild costs less than the reference's scalar run.
    engine_.reset();
    model_.reset();
    ReferenceRun run;
    LlamaModel ref_model = build_model(spec_.cfg, spec_.source, ref_precision, false);
    drop_file_pages();
    Engine ref_engine(ref_model, EngineOptions{}, batch_, prompt_len_ + gen_len_);
    Generation g = generate(ref_engine, prompts_, gen_len_, true);
    run.tokens = std::move(g.tokens);
    run.logits = std::move(g.logits);
    if (!held.empty()) {
      const PerplexityResult p = scored(ref_model, EngineOptions{.simd = opt_.simd, .threads = opt_.threads}, held);
      run.ppl = p.ppl, run.ppl_scored = p.scored;
    }
    store_reference(key.str(), run);
    return run;
  }

  // The held-out tokens a trained model is scored on (perplexity.hpp): 8 chunks of up to
  // 256 tokens, a second or two of the check on the teacher.
  std::vector<std::uint32_t> heldout() {
    const auto* file = static_cast<const GgufFile*>(spec_.keep_alive.get());
    if (!file) return {};
    ppl_ctx_ = std::min(spec_.cfg.max_seq_len, 256);
    std::vector<std::uint32_t> ids = heldout_ids(*file, 8 * static_cast<std::size_t>(ppl_ctx_), &ppl_why_);
    if (!ids.empty() && ids.size() < 2 * static_cast<std::size_t>(ppl_ctx_)) {
      ppl_why_ = "the held-out text is shorter than two chunks";
      ids.clear();
    }
    return ids;
  }

  PerplexityResult scored(const LlamaModel& m, const EngineOptions& o, const std::vector<std::uint32_t>& ids) const {
    Engine e(m, o, 1, ppl_ctx_);
    return perplexity(e, ids, ppl_ctx_, 0);
  }

  double work_per_iteration() const override {
    const double gen = static_cast<double>(batch_) * gen_len_, prompt = static_cast<double>(batch_) * prompt_len_;
    switch (kind_) {
      case Kind::prefill: return prompt;
      case Kind::decode: return gen;
      case Kind::generate: return prompt + gen;
    }
    return 0;
  }

  std::map<std::string, double> counters() const override {
    std::map<std::string, double> c{{"weight_bytes", static_cast<double>(model_->weight_bytes())},
                                    {"kv_cache_bytes", static_cast<double>(engine_->cache().bytes())},
                                    {"threads", static_cast<double>(opt_.threads)}};
    // Medians over every request run so far (warm-up and timed), from the engine's own clock.
    if (kind_ != Kind::prefill) {
      c["ttft_ms"] = median(ttft_) * 1e3;
      c["tpot_ms"] = median(tpot_) * 1e3;
      c["generated_tokens_per_iter"] = static_cast<double>(batch_) * gen_len_;
    }
    return c;
  }

 private:
  Kind kind_;
  ModelSpec spec_;
  int prompt_len_ = 0, batch_ = 1, gen_len_ = 1;
  Precision precision_ = Precision::fp32;
  Compression compression_;
  InputNorms wanda_;
  EngineOptions opt_;
  std::unique_ptr<LlamaModel> model_;
  std::unique_ptr<Engine> engine_;
  std::vector<std::vector<int>> prompts_;
  std::vector<double> ttft_, tpot_;
  int ppl_ctx_ = 0;
  std::string ppl_why_;
  bool ref_cached_ = false;
};

class LlmWorkload final : public Workload {
 public:
  LlmWorkload(Kind kind, WorkloadInfo info) : kind_(kind), info_(std::move(info)) {}
  const WorkloadInfo& info() const override { return info_; }

  std::string unsupported(const Strategy& s, const Params& p, const std::string& device) const override {
    if (auto r = Workload::unsupported(s, p, device); !r.empty()) return r;
    return engine_unsupported(s);
  }

  std::unique_ptr<Instance> prepare(const Strategy& s, const Params& p, const std::string&) const override {
    return std::make_unique<LlmInstance>(kind_, s, p);
  }

 private:
  Kind kind_;
  WorkloadInfo info_;
};

const std::vector<std::string> kKnobs = {"precision", "simd",     "layout", "threads", "fusion", "memory",
                                         "kv_cache",  "sparsity", "prune",  "lowrank", "share"};

}  // namespace

std::string engine_unsupported(const Strategy& s) {
  if (auto r = llm_simd_unsupported(s.k.simd); !r.empty()) return r;
  if (s.k.layout == Layout::blocked && s.k.simd == SimdKnob::off)
    return "layout=blocked tiles are vector kernels: combine it with simd";
  if (s.k.sparsity != Sparsity::off && s.k.precision != Precision::fp32)
    return "the sparse form stores fp32 values: sparsity combines with precision=fp32 only";
  if (s.k.prune == Prune::wanda && s.k.sparsity == Sparsity::off)
    return "prune=wanda chooses which weights sparsity zeroes: give a sparsity";
  if (s.k.lowrank > 0 && s.k.fusion)
    return "fusion's SwiGLU slices one gate and up product; a low-rank projection is two";
  return {};
}

ParamSpec model_param(const char* default_value) {
  return {.name = "model",
          .help =
              "tiny | small | 1b (synthetic weights), teacher | student | student-scratch (trained here, "
              "datasets/model) or a path to a llama GGUF file",
          .default_value = default_value,
          .free_text = true};
}

namespace {

ParamSpec count_param(const char* name, const char* help, const char* default_value, std::int64_t max) {
  return {.name = name, .help = help, .default_value = default_value, .min = 1, .max = max};
}

}  // namespace

std::unique_ptr<Workload> make_prefill_workload() {
  return std::make_unique<LlmWorkload>(
      Kind::prefill,
      WorkloadInfo{.name = "prefill",
                   .description = "Llama prompt processing: batch prompts of prompt_len tokens as one matrix product "
                                  "per layer, to the last token's logits; quality against the fp32 baseline",
                   .params = {model_param(), count_param("prompt_len", "prompt tokens per sequence", "64", 1 << 16),
                              count_param("batch", "independent sequences", "1", 256)},
                   .knobs = kKnobs,
                   .throughput_unit = "tokens/s"});
}

std::unique_ptr<Workload> make_decode_workload() {
  return std::make_unique<LlmWorkload>(
      Kind::decode,
      WorkloadInfo{.name = "decode",
                   .description = "Llama greedy request: prefill, then gen_len tokens one step at a time against the "
                                  "KV cache; throughput counts generated tokens; ttft_ms and tpot_ms as counters",
                   .params = {model_param(), count_param("prompt_len", "prompt tokens per sequence", "32", 1 << 16),
                              count_param("gen_len", "tokens generated per sequence", "16", 1 << 16),
                              count_param("batch", "sequences decoded together", "1", 256)},
                   .knobs = kKnobs,
                   .throughput_unit = "tokens/s"});
}

std::unique_ptr<Workload> make_generate_workload() {
  return std::make_unique<LlmWorkload>(
      Kind::generate,
      WorkloadInfo{.name = "generate",
                   .description = "Llama end-to-end greedy generation; throughput over prompt and generated tokens; "
                                  "top-1 agreement of the free-running tokens with the fp32 baseline's",
                   .params = {model_param(), count_param("prompt_len", "prompt tokens", "32", 1 << 16),
                              count_param("gen_len", "tokens generated", "16", 1 << 16),
                              count_param("batch", "sequences", "1", 256)},
                   .knobs = kKnobs,
                   .throughput_unit = "tokens/s"});
}

}  // namespace sb

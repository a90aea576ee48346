// Training a Llama model on the CPU: AdamW with decoupled weight decay, linear warm-up then
// cosine decay of the learning rate, global gradient-norm clipping, a held-out split, and
// checkpoints that resume bit for bit.
//
// Determinism: the batch of step s is drawn from (seed, s) alone, and every reduction runs
// in a fixed order for a thread count (train_ops.hpp), so a seed and a thread count give
// the same parameters, and a run resumed from a checkpoint ends where an uninterrupted one
// does.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "stratbench/workloads/llm/model_config.hpp"

namespace sb::llm::train {

// Distillation's teacher: a trained model of the same vocabulary, and how its soft targets
// mix with the hard ones (train_ops.hpp distill_loss).
struct Teacher {
  ModelConfig cfg;
  std::vector<float> params;  // ParamLayout(cfg) order
  double temperature = 2, alpha = 0.5;
};

struct TrainOptions {
  ModelConfig cfg;
  std::uint64_t tokens = 0;  // training budget: steps = tokens / (batch * seq), at least 1
  std::uint64_t seed = 1;
  int threads = 1;
  int batch = 16, seq = 128;
  // GPT-2-small-like settings scaled to small models: a higher peak rate suits a narrow
  // model; beta2 0.95 and clipping at 1 keep the early steps stable.
  double lr = 2e-3, min_lr = 2e-4;
  int warmup = 100;  // steps
  double beta1 = 0.9, beta2 = 0.95, adam_eps = 1e-8, weight_decay = 0.1, clip = 1.0;
  int eval_every = 100;                    // steps between held-out evaluations (and the last step)
  int eval_windows = 64;                   // held-out windows of `seq` tokens per evaluation
  std::shared_ptr<const Teacher> teacher;  // set: distil from it
  // model finetune: the starting parameters (else init_params from the seed), and what puts
  // a compression's structure back after every update (finetune.hpp).
  std::vector<float> init;
  std::function<void(std::vector<float>&)> constrain;
  std::string checkpoint;      // path; empty: no checkpoints
  int checkpoint_every = 200;  // steps
};

// A model shape to train: "teacher", "student" or "micro", optionally with overrides
// ("teacher,layers=8,dim=384"); the vocabulary size comes from the tokenizer. InputError
// naming the bad part.
ModelConfig train_config(const std::string& spec, int vocab_size);
std::vector<std::string> train_config_names();

// A corpus split into training and held-out text: chunks of 64 KiB (a 200th of the text
// when that is less, but at least 1 KiB), each ending at the next line break, every 20th
// chunk held out (5%, drawn from every part of the corpus
// rather than its last source). Split as text, not tokens, so that the held-out part is a
// text file any tool tokenizes the same way (llama.cpp's llama-perplexity included).
struct TextSplit {
  std::string train, heldout;
};
TextSplit split_text(std::string_view corpus);

// The same rule on a token stream (chunks of 4096 tokens), for token data without text.
struct TokenSplit {
  std::vector<std::uint32_t> train, heldout;
};
TokenSplit split_tokens(const std::vector<std::uint32_t>& ids);

// One row of the loss curve.
struct CurvePoint {
  int step = 0;                  // 1-based, after the update
  std::uint64_t tokens = 0;      // training tokens seen
  double train_loss = 0;         // mean cross-entropy of this step's batch, in nats
  double heldout_loss = -1;      // mean over the held-out windows; -1 when not evaluated
  double lr = 0, grad_norm = 0;  // the step's learning rate and gradient norm before clipping
  double seconds = 0;            // training wall time so far, resumed runs included
};

struct TrainState {
  std::vector<float> params, m, v;  // parameters and AdamW moments, ParamLayout order
  int step = 0;                     // updates done
  std::vector<CurvePoint> curve;
};

// The learning rate of step s (0-based) of `steps`.
double learning_rate(const TrainOptions& o, int s, int steps);

// Runs from `state` (fresh: init_params, zero moments, step 0; or a loaded checkpoint) to
// the budget, calling on_point after every step. Writes a checkpoint every
// checkpoint_every steps and at the end when o.checkpoint is set.
void train(const TrainOptions& o, const TokenSplit& data, TrainState& state,
           const std::function<void(const CurvePoint&)>& on_point);
TrainState fresh_state(const TrainOptions& o);

// Mean cross-entropy over up to `windows` held-out windows of seq tokens, spread evenly.
double heldout_loss(const TrainOptions& o, const std::vector<float>& params, const std::vector<std::uint32_t>& ids,
                    int windows);
// The same for a unigram model with add-one smoothing fitted on `train`: the floor a
// trained model must beat.
double unigram_loss(const std::vector<std::uint32_t>& train, const std::vector<std::uint32_t>& heldout, int vocab);

// Checkpoints: a small JSON header (format, options that must not change on resume,
// step, curve), then parameters and moments as raw floats. Written to a temp file and
// renamed. load_checkpoint throws InputError naming the file and the mismatched option.
void save_checkpoint(const std::string& path, const TrainOptions& o, const TrainState& s);
TrainState load_checkpoint(const std::string& path, const TrainOptions& o);

}  // namespace sb::llm::train

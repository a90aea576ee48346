#include "stratbench/workloads/llm/trainer.hpp"

#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>
#include <random>

#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/llm/train_model.hpp"
#include "stratbench/workloads/thread_pool.hpp"

namespace sb::llm::train {
namespace {

constexpr std::size_t kChunk = 4096;
constexpr std::size_t kHeldoutEvery = 20;

std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  std::uint64_t z = a ^ (b * 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

ThreadPool* pool_for(int threads) {
  // One set of threads: ours. OpenBLAS runs single-threaded inside our tasks
  // (train_ops.hpp), so two pools never spin against each other on few cores.
  openblas_set_num_threads(1);
  return threads > 1 ? &shared_thread_pool(threads) : nullptr;
}

// Inputs and next-token targets of `rows` windows starting at the given offsets.
void gather(const std::vector<std::uint32_t>& ids, const std::vector<std::size_t>& starts, int seq,
            std::vector<int>& tokens, std::vector<int>& targets) {
  tokens.clear(), targets.clear();
  for (std::size_t s : starts)
    for (int t = 0; t < seq; ++t) {
      tokens.push_back(static_cast<int>(ids[s + t]));
      targets.push_back(static_cast<int>(ids[s + t + 1]));
    }
}

bool decays(const TensorSpec& s) { return s.role != TensorRole::norm; }

}  // namespace

TextSplit split_text(std::string_view corpus) {
  // At least 200 chunks, so that a small text still holds some out: 64 KiB from 12.5 MB up.
  const std::size_t chunk = std::clamp<std::size_t>(corpus.size() / 200, 1024, 64 * 1024);
  TextSplit d;
  std::size_t begin = 0;
  for (std::size_t c = 0; begin < corpus.size(); ++c) {
    std::size_t end = std::min(corpus.size(), begin + chunk);
    const std::size_t nl = corpus.find('\n', end);
    end = nl == std::string_view::npos ? corpus.size() : nl + 1;
    (c % kHeldoutEvery == kHeldoutEvery - 1 ? d.heldout : d.train).append(corpus.substr(begin, end - begin));
    begin = end;
  }
  return d;
}

TokenSplit split_tokens(const std::vector<std::uint32_t>& ids) {
  TokenSplit d;
  for (std::size_t c = 0; c * kChunk < ids.size(); ++c) {
    auto& to = c % kHeldoutEvery == kHeldoutEvery - 1 ? d.heldout : d.train;
    const std::size_t end = std::min(ids.size(), (c + 1) * kChunk);
    to.insert(to.end(), ids.begin() + static_cast<std::ptrdiff_t>(c * kChunk),
              ids.begin() + static_cast<std::ptrdiff_t>(end));
  }
  return d;
}

double learning_rate(const TrainOptions& o, int s, int steps) {
  if (s < o.warmup) return o.lr * (s + 1) / o.warmup;
  const double span = std::max(1, steps - o.warmup);
  const double progress = std::min(1.0, (s - o.warmup) / span);
  return o.min_lr + 0.5 * (o.lr - o.min_lr) * (1 + std::cos(std::numbers::pi * progress));
}

TrainState fresh_state(const TrainOptions& o) {
  const ParamLayout l(o.cfg);
  TrainState s;
  if (!o.init.empty()) SB_CHECK(o.init.size() == l.total);
  s.params = o.init.empty() ? init_params(l, o.seed) : o.init;
  s.m.assign(l.total, 0.f);
  s.v.assign(l.total, 0.f);
  return s;
}

double heldout_loss(const TrainOptions& o, const std::vector<float>& params, const std::vector<std::uint32_t>& ids,
                    int windows) {
  const std::size_t available = ids.size() > static_cast<std::size_t>(o.seq) ? (ids.size() - 1) / o.seq : 0;
  if (available == 0) throw InputError("the held-out text has fewer than " + std::to_string(o.seq + 1) + " tokens");
  const std::size_t n = std::min<std::size_t>(available, static_cast<std::size_t>(std::max(windows, 1)));
  const ParamLayout l(o.cfg);
  Trainable<float> model(l);
  ThreadPool* pool = pool_for(o.threads);
  std::vector<std::size_t> starts;
  std::vector<int> tokens, targets;
  double sum = 0;
  for (std::size_t w = 0; w < n; w += o.batch) {
    starts.clear();
    for (std::size_t i = w; i < std::min(n, w + o.batch); ++i) starts.push_back(i * available / n * o.seq);
    gather(ids, starts, o.seq, tokens, targets);
    sum += model.loss(params.data(), tokens.data(), targets.data(), static_cast<int>(starts.size()), o.seq, nullptr,
                      pool) *
           static_cast<double>(starts.size());
  }
  return sum / static_cast<double>(n);
}

double unigram_loss(const std::vector<std::uint32_t>& train, const std::vector<std::uint32_t>& heldout, int vocab) {
  std::vector<double> count(vocab, 1.0);  // add-one
  for (auto id : train) count[id] += 1;
  const double total = static_cast<double>(train.size()) + vocab;
  double nll = 0;
  for (auto id : heldout) nll -= std::log(count[id] / total);
  return heldout.empty() ? 0.0 : nll / static_cast<double>(heldout.size());
}

void train(const TrainOptions& o, const TokenSplit& data, TrainState& st,
           const std::function<void(const CurvePoint&)>& on_point) {
  const ParamLayout l(o.cfg);
  const std::uint64_t per_step = static_cast<std::uint64_t>(o.batch) * o.seq;
  const int steps = static_cast<int>(std::max<std::uint64_t>(1, o.tokens / per_step));
  if (data.train.size() <= static_cast<std::size_t>(o.seq) + 1)
    throw InputError("the training text has " + std::to_string(data.train.size()) +
                     " tokens, fewer than seq + 2 = " + std::to_string(o.seq + 2));
  // Refused before the first step rather than at the first evaluation, hours in.
  if (data.heldout.size() <= static_cast<std::size_t>(o.seq))
    throw InputError("the held-out text has " + std::to_string(data.heldout.size()) + " tokens, fewer than seq + 1 = " +
                     std::to_string(o.seq + 1) + " (a longer corpus, or a shorter --seq)");
  SB_CHECK(st.params.size() == l.total && st.m.size() == l.total && st.v.size() == l.total);
  ThreadPool* pool = pool_for(o.threads);
  Trainable<float> model(l);
  std::vector<float> grad(l.total);
  std::vector<unsigned char> decay(l.total, 0);
  for (std::size_t i = 0; i < l.specs.size(); ++i)
    if (decays(l.specs[i]))
      std::fill_n(decay.begin() + static_cast<std::ptrdiff_t>(l.offsets[i]), l.specs[i].elements(), 1);
  std::vector<std::size_t> starts(o.batch);
  std::vector<int> tokens, targets;
  // Distillation: the teacher's forward pass on each batch gives the soft targets.
  std::unique_ptr<ParamLayout> teacher_layout;
  std::unique_ptr<Trainable<float>> teacher;
  if (o.teacher) {
    if (o.teacher->cfg.vocab_size != o.cfg.vocab_size)
      throw InputError("the teacher's vocabulary has " + std::to_string(o.teacher->cfg.vocab_size) +
                       " tokens, the student's " + std::to_string(o.cfg.vocab_size));
    teacher_layout = std::make_unique<ParamLayout>(o.teacher->cfg);
    SB_CHECK(o.teacher->params.size() == teacher_layout->total);
    teacher = std::make_unique<Trainable<float>>(*teacher_layout);
  }
  const auto t0 = std::chrono::steady_clock::now();
  const double before = st.curve.empty() ? 0.0 : st.curve.back().seconds;  // a resumed run's earlier time
  while (st.step < steps) {
    const int s = st.step;
    std::mt19937_64 rng(mix(o.seed, static_cast<std::uint64_t>(s) + 1));
    const std::uint64_t span = data.train.size() - o.seq - 1;
    for (auto& start : starts) start = static_cast<std::size_t>(rng() % span);
    gather(data.train, starts, o.seq, tokens, targets);
    std::fill(grad.begin(), grad.end(), 0.f);
    CurvePoint pt;
    if (teacher) {
      teacher->loss(o.teacher->params.data(), tokens.data(), targets.data(), o.batch, o.seq, nullptr, pool);
      const SoftTargets<float> soft{teacher->logits().data(), o.teacher->temperature, o.teacher->alpha};
      pt.train_loss =
          model.loss(st.params.data(), tokens.data(), targets.data(), o.batch, o.seq, grad.data(), pool, &soft);
    } else {
      pt.train_loss = model.loss(st.params.data(), tokens.data(), targets.data(), o.batch, o.seq, grad.data(), pool);
    }
    double ss = 0;
    for (float g : grad) ss += static_cast<double>(g) * g;
    pt.grad_norm = std::sqrt(ss);
    const float clip = pt.grad_norm > o.clip ? static_cast<float>(o.clip / pt.grad_norm) : 1.f;
    pt.lr = learning_rate(o, s, steps);
    const float lr = static_cast<float>(pt.lr), b1 = static_cast<float>(o.beta1), b2 = static_cast<float>(o.beta2);
    const float c1 = static_cast<float>(1 - std::pow(o.beta1, s + 1)),
                c2 = static_cast<float>(1 - std::pow(o.beta2, s + 1));
    const float eps = static_cast<float>(o.adam_eps), wd = static_cast<float>(o.weight_decay);
    for (std::size_t i = 0; i < l.total; ++i) {
      const float g = grad[i] * clip;
      st.m[i] = b1 * st.m[i] + (1 - b1) * g;
      st.v[i] = b2 * st.v[i] + (1 - b2) * g * g;
      const float upd = (st.m[i] / c1) / (std::sqrt(st.v[i] / c2) + eps) + (decay[i] ? wd * st.params[i] : 0.f);
      st.params[i] -= lr * upd;
    }
    if (o.constrain) o.constrain(st.params);
    st.step = s + 1;
    pt.step = st.step;
    pt.tokens = static_cast<std::uint64_t>(st.step) * per_step;
    if (st.step % o.eval_every == 0 || st.step == steps)
      pt.heldout_loss = heldout_loss(o, st.params, data.heldout, o.eval_windows);
    pt.seconds = before + std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    st.curve.push_back(pt);
    if (!o.checkpoint.empty() && (st.step % o.checkpoint_every == 0 || st.step == steps))
      save_checkpoint(o.checkpoint, o, st);
    if (on_point) on_point(pt);
  }
}

}  // namespace sb::llm::train

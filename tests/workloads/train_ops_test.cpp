// Training's gradients against finite differences in float64: each operation alone, then
// the whole model (GQA, tied and untied heads), and the float forward pass against the
// engine's, so that what is trained is what the engine (and llama.cpp) will run.
#include <cblas.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>
#include <vector>

#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/llm/llama_engine.hpp"
#include "stratbench/workloads/llm/perplexity.hpp"
#include "stratbench/workloads/llm/train_model.hpp"
#include "stratbench/workloads/llm/train_ops.hpp"
#include "stratbench/workloads/thread_pool.hpp"

namespace sb::llm::train {
namespace {

std::vector<double> randn(std::size_t n, std::uint64_t seed, double sd = 1.0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> d(0.0, sd);
  std::vector<double> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

// Checks d(objective)/d(x[i]) at every i against a central difference.
void expect_gradient(std::vector<double>& x, const std::vector<double>& analytic,
                     const std::function<double()>& objective, const char* what, double tol = 1e-6) {
  ASSERT_EQ(x.size(), analytic.size());
  const double h = 1e-5;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double keep = x[i];
    x[i] = keep + h;
    const double up = objective();
    x[i] = keep - h;
    const double down = objective();
    x[i] = keep;
    const double fd = (up - down) / (2 * h);
    EXPECT_NEAR(analytic[i], fd, tol * std::max(1.0, std::abs(fd))) << what << " element " << i;
  }
}

class TrainOps : public ::testing::TestWithParam<int> {
 protected:
  // As training runs them: OpenBLAS single-threaded inside the pool's tasks.
  static void SetUpTestSuite() { openblas_set_num_threads(1); }
  ThreadPool* pool() {
    if (GetParam() == 1) return nullptr;
    static ThreadPool p(3);
    return &p;
  }
};

TEST_P(TrainOps, LinearGradients) {
  const int n = 5, in = 7, out = 3;
  auto x = randn(n * in, 1), w = randn(out * in, 2), r = randn(n * out, 3);
  std::vector<double> y(n * out);
  auto obj = [&] {
    linear_fwd(x.data(), n, in, w.data(), out, y.data(), false, pool());
    return dot(y, r);
  };
  std::vector<double> dx(n * in), dw(out * in, 0.0);
  linear_bwd(x.data(), r.data(), n, in, w.data(), out, dx.data(), dw.data(), false, pool());
  expect_gradient(x, dx, obj, "dx");
  expect_gradient(w, dw, obj, "dw");
}

TEST_P(TrainOps, RmsNormGradients) {
  const int n = 6, dim = 9;
  auto x = randn(n * dim, 4), g = randn(dim, 5), r = randn(n * dim, 6);
  std::vector<double> y(n * dim), rs(n);
  auto obj = [&] {
    rmsnorm_fwd(x.data(), g.data(), n, dim, 1e-5, y.data(), rs.data(), pool());
    return dot(y, r);
  };
  obj();
  std::vector<double> dx(n * dim), dg(dim, 0.0);
  rmsnorm_bwd(x.data(), g.data(), rs.data(), r.data(), n, dim, dx.data(), dg.data(), pool());
  expect_gradient(x, dx, obj, "dx");
  expect_gradient(g, dg, obj, "dg");
}

TEST_P(TrainOps, RopeGradientsAndInverse) {
  const int n = 8, seq = 4, heads = 3, hd = 6, ld = heads * hd + 2;  // a row wider than its heads
  auto x = randn(n * ld, 7), r = randn(n * ld, 8);
  std::vector<double> y;
  auto obj = [&] {
    y = x;
    rope(y.data(), n, seq, ld, heads, hd, 10000.f, false, pool());
    return dot(y, r);
  };
  std::vector<double> dx = r;
  rope(dx.data(), n, seq, ld, heads, hd, 10000.f, true, pool());
  expect_gradient(x, dx, obj, "dx");
  obj();
  rope(y.data(), n, seq, ld, heads, hd, 10000.f, true, pool());
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(y[i], x[i], 1e-12);
}

TEST_P(TrainOps, AttentionGradientsWithGroupedHeads) {
  const AttentionShape s{2, 5, 4, 2, 6, 4 * 6, 2 * 6, 4 * 6 + 3};
  const int n = s.batch * s.seq;
  auto q = randn(n * s.ldq, 9), k = randn(n * s.ldkv, 10), v = randn(n * s.ldkv, 11), r = randn(n * s.ldo, 12);
  std::vector<double> p(static_cast<std::size_t>(s.batch) * s.heads * s.seq * s.seq), o(n * s.ldo, 0.0);
  for (int t = 0; t < n; ++t)  // the padding after the heads is not the attention's
    for (int i = s.heads * s.hd; i < s.ldo; ++i) r[static_cast<std::size_t>(t) * s.ldo + i] = 0;
  auto obj = [&] {
    attention_fwd(s, q.data(), k.data(), v.data(), p.data(), o.data(), pool());
    return dot(o, r);
  };
  obj();
  std::vector<double> dq(q.size()), dk(k.size()), dv(v.size());
  attention_bwd(s, q.data(), k.data(), v.data(), p.data(), r.data(), dq.data(), dk.data(), dv.data(), pool());
  expect_gradient(q, dq, obj, "dq");
  expect_gradient(k, dk, obj, "dk");
  expect_gradient(v, dv, obj, "dv");
}

TEST_P(TrainOps, SwigluGradients) {
  const std::size_t n = 4200;  // more than one chunk of 4096
  auto a = randn(n, 13, 3.0), u = randn(n, 14), r = randn(n, 15);
  std::vector<double> h(n);
  auto obj = [&] {
    swiglu_fwd(a.data(), u.data(), n, h.data(), pool());
    return dot(h, r);
  };
  std::vector<double> da(n), du(n);
  swiglu_bwd(a.data(), u.data(), r.data(), n, da.data(), du.data(), pool());
  expect_gradient(a, da, obj, "da");
  expect_gradient(u, du, obj, "du");
}

TEST_P(TrainOps, CrossEntropyGradientsIgnoreNegativeTargets) {
  const int n = 4, vocab = 11;
  auto z = randn(n * vocab, 16, 2.0);
  const std::vector<int> targets = {3, -1, 10, 0};
  auto obj = [&] {
    std::vector<double> c = z;
    return cross_entropy(c.data(), targets.data(), n, vocab, false, pool());
  };
  std::vector<double> g = z;
  const double loss = cross_entropy(g.data(), targets.data(), n, vocab, true, pool());
  EXPECT_NEAR(loss, obj(), 1e-12);
  for (int i = 0; i < vocab; ++i) EXPECT_EQ(g[vocab + i], 0.0);  // the ignored row
  expect_gradient(z, g, obj, "dlogits");
}

TEST_P(TrainOps, DistillationGradientsAndLimits) {
  const int n = 4, vocab = 9;
  auto z = randn(n * vocab, 18, 2.0), zt = randn(n * vocab, 19, 2.0);
  const std::vector<int> targets = {3, -1, 8, 0};
  auto obj = [&] {
    std::vector<double> c = z;
    return distill_loss(c.data(), zt.data(), targets.data(), n, vocab, 2.5, 0.3, false, pool());
  };
  std::vector<double> g = z;
  const double loss = distill_loss(g.data(), zt.data(), targets.data(), n, vocab, 2.5, 0.3, true, pool());
  EXPECT_NEAR(loss, obj(), 1e-12);
  expect_gradient(z, g, obj, "dlogits");
  // alpha 0: plain cross-entropy; alpha 1 against itself: nothing to learn.
  std::vector<double> a = z, b = z;
  EXPECT_NEAR(distill_loss(a.data(), zt.data(), targets.data(), n, vocab, 2.5, 0.0, true, pool()),
              cross_entropy(b.data(), targets.data(), n, vocab, true, pool()), 1e-12);
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-12);
  std::vector<double> self = z;
  EXPECT_NEAR(distill_loss(self.data(), z.data(), targets.data(), n, vocab, 2.5, 1.0, true, pool()), 0.0, 1e-12);
  for (double v : self) EXPECT_NEAR(v, 0.0, 1e-12);
}

INSTANTIATE_TEST_SUITE_P(Threads, TrainOps, ::testing::Values(1, 3));

ModelConfig micro(bool tied) {
  ModelConfig c;
  c.name = "micro";
  c.dim = 32, c.n_layers = 2, c.n_heads = 4, c.n_kv_heads = 2, c.hidden_dim = 64, c.vocab_size = 23;
  c.max_seq_len = 16, c.tied_embeddings = tied;
  return c;
}

class TrainModelGrad : public ::testing::TestWithParam<bool> {};

TEST_P(TrainModelGrad, EveryTensorAgreesWithFiniteDifferences) {
  const ParamLayout l(micro(GetParam()));
  const std::vector<float> init = init_params(l, 3);
  std::vector<double> w(init.begin(), init.end());
  // Larger weights than the initialization's, so that every path carries signal.
  const auto noise = randn(w.size(), 17, 0.2);
  for (std::size_t i = 0; i < w.size(); ++i) w[i] += noise[i];
  const int batch = 2, seq = 5;
  const std::vector<int> tokens = {1, 5, 22, 7, 7, 0, 3, 9, 12, 4}, targets = {5, 22, 7, 7, -1, 3, 9, 12, 4, 18};
  Trainable<double> m(l);
  std::vector<double> grad(w.size(), 0.0);
  m.loss(w.data(), tokens.data(), targets.data(), batch, seq, grad.data(), nullptr);
  std::mt19937_64 rng(5);
  for (std::size_t si = 0; si < l.specs.size(); ++si) {
    const std::size_t n = l.specs[si].elements();
    for (int pick = 0; pick < 6; ++pick) {
      const std::size_t i = l.offsets[si] + rng() % n;
      const double keep = w[i], h = 1e-5;
      w[i] = keep + h;
      const double up = m.loss(w.data(), tokens.data(), targets.data(), batch, seq, nullptr, nullptr);
      w[i] = keep - h;
      const double down = m.loss(w.data(), tokens.data(), targets.data(), batch, seq, nullptr, nullptr);
      w[i] = keep;
      const double fd = (up - down) / (2 * h);
      EXPECT_NEAR(grad[i], fd, 1e-6 * std::max(1.0, std::abs(fd))) << l.specs[si].name << " index " << i;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Head, TrainModelGrad, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "tied" : "untied"; });

// Trained parameters as the engine's fp32 model, as a GGUF file written from them would be.
LlamaModel engine_model(const ParamLayout& l, const std::vector<float>& w) {
  TensorSource src;
  src.floats = [&](const TensorSpec& s) {
    const float* p = w.data() + l.offset(s.name);
    return std::vector<float>(p, p + s.elements());
  };
  return build_model(l.cfg, src, Precision::fp32, false);
}

TEST(TrainModel, FloatForwardMatchesTheEngine) {
  const ParamLayout l(micro(true));
  std::vector<float> w = init_params(l, 9);
  for (float& x : w) x *= 10.f;  // logits far from flat
  const int seq = 7;
  const std::vector<int> tokens = {2, 19, 4, 4, 11, 0, 7}, targets(seq, -1);
  Trainable<float> m(l);
  m.loss(w.data(), tokens.data(), targets.data(), 1, seq, nullptr, nullptr);
  const LlamaModel model = engine_model(l, w);
  Engine e(model, EngineOptions{}, 1, 16);
  const std::vector<int> seqs(seq, 0);
  std::vector<float> logits(static_cast<std::size_t>(seq) * l.cfg.vocab_size);
  e.forward(tokens.data(), seqs.data(), seq, true, logits.data());
  for (std::size_t i = 0; i < logits.size(); ++i)
    EXPECT_NEAR(m.logits()[i], logits[i], 5e-4f * std::max(1.f, std::abs(logits[i]))) << "logit " << i;
}

// llama-perplexity's protocol, checked against training's own loss with every target
// outside the scored half of each chunk masked: the engine and the trainer agree on what
// is predicted from what.
TEST(TrainModel, PerplexityScoresTheSecondHalfOfEachChunk) {
  const ParamLayout l(micro(false));
  std::vector<float> w = init_params(l, 11);
  for (float& x : w) x *= 5.f;
  const int ctx = 10;
  std::vector<std::uint32_t> ids(3 * ctx + 7);  // the tail of 7 is dropped
  std::mt19937_64 rng(3);
  for (auto& t : ids) t = static_cast<std::uint32_t>(rng() % l.cfg.vocab_size);
  std::vector<int> tokens(ids.begin(), ids.begin() + 3 * ctx), targets(3 * ctx, -1);
  for (int c = 0; c < 3; ++c)
    for (int j = ctx / 2; j < ctx - 1; ++j) targets[c * ctx + j] = static_cast<int>(ids[c * ctx + j + 1]);
  Trainable<double> ref(l);
  const std::vector<double> wd(w.begin(), w.end());
  const double nll = ref.loss(wd.data(), tokens.data(), targets.data(), 3, ctx, nullptr, nullptr);

  const LlamaModel model = engine_model(l, w);
  Engine e(model, EngineOptions{}, 1, 16);
  const PerplexityResult r = perplexity(e, ids, ctx, 0);
  EXPECT_EQ(r.chunks, 3u);
  EXPECT_EQ(r.scored, 3u * (ctx - 1 - ctx / 2));
  EXPECT_NEAR(r.nll, nll, 1e-4);
  EXPECT_NEAR(r.ppl, std::exp(nll), 1e-3 * std::exp(nll));
  EXPECT_GT(r.nll_stderr, 0);
  EXPECT_EQ(perplexity(e, ids, ctx, 2).chunks, 2u);
  EXPECT_THROW(perplexity(e, std::vector<std::uint32_t>(ids.begin(), ids.begin() + 2 * ctx - 1), ctx, 0), InputError);
  EXPECT_THROW(perplexity(e, ids, 17, 0), InputError);  // longer than the engine's cache
}

}  // namespace
}  // namespace sb::llm::train

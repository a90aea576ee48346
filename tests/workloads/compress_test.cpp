// Compression (issue 20): pruning, the sparse form and its kernels, the truncated SVD and
// the low-rank products, layer sharing. Kernels are checked against float64 products of the
// same compressed weights, at awkward sizes, every SIMD level this CPU has, one and three
// threads.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "llm_test_util.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/cpu_features.hpp"
#include "stratbench/workloads/llm/calibration.hpp"
#include "stratbench/workloads/llm/compress.hpp"
#include "stratbench/workloads/llm/llama_engine.hpp"
#include "stratbench/workloads/llm/llama_model.hpp"
#include "stratbench/workloads/llm/llm_kernels.hpp"
#include "stratbench/workloads/thread_pool.hpp"

namespace sb::llm {
namespace {

const char* name(SimdLevel s) { return s == SimdLevel::scalar ? "scalar" : s == SimdLevel::avx2 ? "avx2" : "avx512"; }

// Y = W X in float64 (W rows x cols row-major, X ntok rows of cols): the reference.
std::vector<double> product(const std::vector<float>& w, int rows, int cols, const std::vector<float>& x, int ntok) {
  std::vector<double> y(static_cast<std::size_t>(rows) * ntok);
  for (int t = 0; t < ntok; ++t)
    for (int o = 0; o < rows; ++o) {
      double s = 0;
      for (int i = 0; i < cols; ++i)
        s += static_cast<double>(w[static_cast<std::size_t>(o) * cols + i]) * x[static_cast<std::size_t>(t) * cols + i];
      y[static_cast<std::size_t>(t) * rows + o] = s;
    }
  return y;
}

// Largest |got - want| relative to the scale of the sums (sqrt(cols) for unit inputs).
double worst(const std::vector<float>& got, const std::vector<double>& want, int cols) {
  double e = 0;
  for (std::size_t i = 0; i < want.size(); ++i) e = std::max(e, std::fabs(got[i] - want[i]));
  return e / std::sqrt(static_cast<double>(cols));
}

const Sparsity kAll[] = {Sparsity::u50, Sparsity::u70, Sparsity::u90, Sparsity::two_of_four};

TEST(Compress, MagnitudePruningZeroesTheSmallestOfEachRow) {
  const int rows = 7, cols = 52;
  for (Sparsity s : kAll) {
    std::vector<float> w = randn(static_cast<std::size_t>(rows) * cols, 3);
    const std::vector<float> before = w;
    prune(w, rows, cols, s);
    for (int o = 0; o < rows; ++o) {
      const float* r = w.data() + static_cast<std::size_t>(o) * cols;
      const float* b = before.data() + static_cast<std::size_t>(o) * cols;
      int zeros = 0;
      float kept_min = INFINITY, dropped_max = 0;
      for (int i = 0; i < cols; ++i) {
        if (r[i] == 0.f) {
          ++zeros, dropped_max = std::max(dropped_max, std::fabs(b[i]));
        } else {
          EXPECT_EQ(r[i], b[i]);  // kept weights are untouched
          kept_min = std::min(kept_min, std::fabs(b[i]));
        }
      }
      if (s == Sparsity::two_of_four) {
        EXPECT_EQ(zeros, cols / 2);
        for (int i = 0; i < cols; i += 4) {
          int z = 0;
          for (int j = i; j < i + 4; ++j) z += r[j] == 0.f;
          EXPECT_EQ(z, 2) << "group at column " << i;
          for (int j = i; j < i + 4; ++j)
            for (int q = i; q < i + 4; ++q)
              if (r[j] == 0.f && r[q] != 0.f) {
                EXPECT_LE(std::fabs(b[j]), std::fabs(b[q]));
              }
        }
      } else {
        EXPECT_EQ(zeros, static_cast<int>(std::lround(zero_share(s) * cols)));
        EXPECT_LE(dropped_max, kept_min);
      }
    }
  }
  std::vector<float> odd(3 * 6, 1.f);
  EXPECT_THROW(prune(odd, 3, 6, Sparsity::two_of_four), InputError);
}

// Wanda's score is |W| times the input's norm: a small weight on a loud input stays, a
// larger one on a quiet input goes.
TEST(Compress, WandaWeighsByTheInputNorm) {
  std::vector<float> w = {1.0f, 0.5f, 0.4f, 2.0f};
  const std::vector<double> sumsq = {1, 100, 1, 1};
  std::vector<float> m = w;
  prune(m, 1, 4, Sparsity::u50);
  EXPECT_EQ(m, (std::vector<float>{1.0f, 0.0f, 0.0f, 2.0f}));
  prune(w, 1, 4, Sparsity::u50, &sumsq);  // scores 1, 5, 0.4, 2
  EXPECT_EQ(w, (std::vector<float>{0.0f, 0.5f, 0.0f, 2.0f}));
}

// The calibration statistics of layer 0's q/k/v input: the RMSNorm of each calibration
// token's embedding times the gain, squared and summed, recomputed here in float64.
TEST(Compress, CalibrationSumsTheSquaredInputs) {
  const ModelSpec spec = resolve_model("tiny");
  const InputNorms n = calibrate(spec, 2, 2, 4);
  const ModelConfig& c = spec.cfg;
  ASSERT_EQ(n.layers.size(), static_cast<std::size_t>(c.n_layers));
  EXPECT_EQ(n.tokens, 8);
  EXPECT_EQ(n.layers[0][3].size(), static_cast<std::size_t>(c.hidden_dim));
  const LlamaModel m = build_model(c, spec.source, Precision::fp32, false);
  std::vector<double> want(c.dim, 0.0);
  std::vector<float> x(c.dim);
  for (const auto& seq : make_prompts(2, 4, c.vocab_size, 77))
    for (int tok : seq) {
      m.tok_embd.dequantize_row(tok, x.data());
      double ss = 0;
      for (float v : x) ss += static_cast<double>(v) * v;
      const double inv = 1.0 / std::sqrt(ss / c.dim + c.norm_eps);
      for (int i = 0; i < c.dim; ++i) {
        const double xb = x[i] * inv * m.layers[0].attn_norm[i];
        want[i] += xb * xb;
      }
    }
  for (int i = 0; i < c.dim; i += 37) EXPECT_NEAR(n.layers[0][0][i], want[i], 1e-4 * want[i] + 1e-6) << i;
  for (const auto& l : n.layers)
    for (const auto& v : l)
      for (double s : v) ASSERT_TRUE(std::isfinite(s) && s >= 0);
  EXPECT_EQ(n.of("blk.1.ffn_down.weight"), &n.layers[1][3]);
  EXPECT_EQ(n.of("blk.0.attn_k.weight"), &n.layers[0][0]);
  EXPECT_EQ(n.of("output.weight"), nullptr);
}

TEST(Compress, SparseFormKeepsExactlyTheNonZeros) {
  const int rows = 5, cols = 37;  // a last group of 5 columns
  std::vector<float> w = randn(static_cast<std::size_t>(rows) * cols, 5);
  prune(w, rows, cols, Sparsity::u70);
  const Matrix m = Matrix::from_pruned(rows, cols, w);
  ASSERT_TRUE(m.sparse());
  EXPECT_EQ(m.mask_groups(), 3);
  std::size_t nz = 0;
  for (float v : w) nz += v != 0.f;
  EXPECT_EQ(m.nonzeros(), nz);
  for (int o = 0; o < rows; ++o) {
    const float* v = m.values(o);
    for (int i = 0; i < cols; ++i) {
      const bool on = (m.masks(o)[i / 16] >> (i % 16)) & 1u;
      EXPECT_EQ(on, w[static_cast<std::size_t>(o) * cols + i] != 0.f);
      if (on) {
        EXPECT_EQ(*v++, w[static_cast<std::size_t>(o) * cols + i]);
      }
    }
  }
  // 4 bytes a non-zero, 2 a group of 16 columns, the row offsets: far under 4 * cols a row.
  EXPECT_LT(m.resident_bytes(), static_cast<std::size_t>(rows) * cols * 4 * 6 / 10);
}

// Every sparsity, awkward shapes (a partial last group, fewer rows than threads' chunks,
// full groups left over after the one-token kernel's steps of four),
// 1 to 130 tokens (the AVX-512 prefill's 16-token vectors and their remainders, its chunks
// of 128 tokens and column blocks of 64, the AVX2 tile of 4), 1 and 3 threads through
// matmul, which shares out rows as the engine does.
TEST(Compress, SparseProductsMatchFloat64AtEveryLevelAndThreadCount) {
  const int shapes[][2] = {{1, 16}, {37, 45}, {70, 200}, {129, 64}, {3, 112}};
  ThreadPool pool3(3);
  for (const auto& sh : shapes)
    for (Sparsity s : kAll) {
      const int rows = sh[0], cols = sh[1];
      if (s == Sparsity::two_of_four && cols % 4) continue;
      std::vector<float> w = randn(static_cast<std::size_t>(rows) * cols, 11 + rows);
      prune(w, rows, cols, s);
      const Matrix m = Matrix::from_pruned(rows, cols, w, s == Sparsity::two_of_four);
      for (int ntok : {1, 2, 5, 8, 13, 17, 130}) {
        const std::vector<float> x = randn(static_cast<std::size_t>(ntok) * cols, 7 + ntok);
        const std::vector<double> want = product(w, rows, cols, x, ntok);
        for (SimdLevel lv : levels()) {
          std::vector<float> one_thread;
          for (ThreadPool* pool : {static_cast<ThreadPool*>(nullptr), &pool3}) {
            std::vector<float> y(static_cast<std::size_t>(rows) * ntok, NAN);
            matmul(m, x.data(), cols, ntok, y.data(), rows, {.simd = lv, .pool = pool, .blocked = true}, nullptr);
            EXPECT_LT(worst(y, want, cols), 5e-6) << rows << "x" << cols << " sparsity " << static_cast<int>(s)
                                                  << " ntok " << ntok << " " << name(lv) << (pool ? " 3 threads" : "");
            // One token: a row's sum is the same float whichever rows it was read beside (the
            // two thread counts split the rows into other quarters).
            if (ntok == 1 && pool) {
              EXPECT_EQ(y, one_thread) << rows << "x" << cols << " " << name(lv);
            }
            if (ntok == 1 && !pool) one_thread = y;
          }
        }
      }
    }
}

// The 2:4 form: two stored values in every four columns (a zero where the group had
// fewer), the offsets naming their columns, and the masks saying the same.
TEST(Compress, TwoOfFourFormStoresTwoOfEveryFourAndTheirOffsets) {
  const int rows = 3, cols = 72;  // two full blocks of 32 and a tail of 8
  std::vector<float> w = randn(static_cast<std::size_t>(rows) * cols, 9);
  prune(w, rows, cols, Sparsity::two_of_four);
  w[4] = w[5] = w[6] = w[7] = 0.f;                  // row 0, a group with no non-zeros: columns 4 and 5 stored
  w[cols + 9] = w[cols + 10] = w[cols + 11] = 0.f;  // row 1, columns 8..11: one non-zero at most
  const Matrix m = Matrix::from_pruned(rows, cols, w, true);
  ASSERT_TRUE(m.two_of_four());
  EXPECT_EQ(m.offset_blocks(), 2);
  EXPECT_EQ(m.nonzeros(), static_cast<std::size_t>(rows) * cols / 2);
  for (int o = 0; o < rows; ++o) {
    const float* v = m.values(o);
    for (int j = 0; j < cols / 2; ++j) {
      const int group = j / 2;
      int col = -1;
      if (j < 32 * m.offset_blocks() / 2) {
        col = 4 * group + static_cast<int>((m.offsets(o)[j / 16] >> (2 * (j % 16))) & 3u);
      } else {  // the tail: the group's j % 2-th mask bit
        for (int c = 4 * group, seen = 0; c < 4 * group + 4; ++c)
          if (((m.masks(o)[c / 16] >> (c % 16)) & 1u) && seen++ == j % 2) col = c;
      }
      ASSERT_GE(col, 4 * group) << o << " " << j;
      EXPECT_TRUE((m.masks(o)[col / 16] >> (col % 16)) & 1u) << o << " " << j;
      EXPECT_EQ(v[j], w[static_cast<std::size_t>(o) * cols + col]) << o << " " << j;
    }
  }
  EXPECT_EQ((m.offsets(0)[0] >> 4) & 0xFu, 0x4u);  // values 2 and 3: columns 4 + 0 and 4 + 1
  EXPECT_EQ(m.values(0)[2], 0.f);
  EXPECT_EQ(m.values(0)[3], 0.f);
  std::vector<float> x = randn(cols, 3), y(rows, NAN);
  const std::vector<double> want = product(w, rows, cols, x, 1);
  for (SimdLevel lv : levels()) {
    sparse_rows(m, 0, rows, x.data(), cols, 1, y.data(), 1, lv);
    EXPECT_LT(worst(y, want, cols), 5e-6) << name(lv);
  }
  w[cols + 9] = 1.f, w[cols + 10] = 2.f, w[cols + 11] = 3.f;
  try {
    (void)Matrix::from_pruned(rows, cols, w, true);
    ADD_FAILURE() << "three non-zeros in four columns were taken as 2:4";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("row 1, columns 8 to 11"), std::string::npos) << e.what();
  }
}

TEST(Compress, AllZeroRowsAndGroupsGiveZero) {
  std::vector<float> w(3 * 48, 0.f);
  w[48 + 40] = 2.f;  // row 1: one weight, in its third group
  const Matrix m = Matrix::from_pruned(3, 48, w);
  std::vector<float> x(48, 1.5f), y(3, NAN);
  for (SimdLevel lv : levels()) {
    sparse_rows(m, 0, 3, x.data(), 48, 1, y.data(), 1, lv);
    EXPECT_EQ(y[0], 0.f) << name(lv);
    EXPECT_EQ(y[1], 3.f) << name(lv);
    EXPECT_EQ(y[2], 0.f) << name(lv);
  }
}

TEST(Compress, LowRankRank) {
  EXPECT_EQ(low_rank_k(768, 2048, 25, false), 192);
  EXPECT_EQ(low_rank_k(768, 768, 50, false), 384);
  EXPECT_EQ(low_rank_k(10, 3, 25, false), 1);
  EXPECT_EQ(low_rank_k(288, 288, 25, true), 64);  // 72 rounded to blocks of 32
  EXPECT_EQ(low_rank_k(40, 40, 25, true), 32);
}

// A matrix of exact rank k comes back to rounding; one of rank k plus small noise comes
// back with an error near the noise's, the optimum's order.
TEST(Compress, TruncatedSvdRecoversALowRankMatrix) {
  const int rows = 90, cols = 130, k = 12;
  const std::vector<float> u = randn(static_cast<std::size_t>(rows) * k, 1),
                           v = randn(static_cast<std::size_t>(k) * cols, 2);
  std::vector<float> w(static_cast<std::size_t>(rows) * cols, 0.f);
  for (int o = 0; o < rows; ++o)
    for (int j = 0; j < k; ++j)
      for (int i = 0; i < cols; ++i)
        w[static_cast<std::size_t>(o) * cols + i] +=
            u[static_cast<std::size_t>(o) * k + j] * v[static_cast<std::size_t>(j) * cols + i];
  auto error = [&](const Factors& f, const std::vector<float>& target) {
    double e = 0, n = 0;
    for (int o = 0; o < rows; ++o)
      for (int i = 0; i < cols; ++i) {
        double s = 0;
        for (int j = 0; j < f.k; ++j)
          s += static_cast<double>(f.a[static_cast<std::size_t>(o) * f.k + j]) *
               f.b[static_cast<std::size_t>(j) * cols + i];
        const double t = target[static_cast<std::size_t>(o) * cols + i];
        e += (s - t) * (s - t), n += t * t;
      }
    return std::sqrt(e / n);
  };
  const Factors exact = truncated_svd(w, rows, cols, k, 9);
  ASSERT_EQ(exact.k, k);
  EXPECT_LT(error(exact, w), 1e-5);
  std::vector<float> noisy = w;
  const std::vector<float> noise = randn(noisy.size(), 4);
  double nn = 0, wn = 0;
  for (std::size_t i = 0; i < noisy.size(); ++i)
    noisy[i] += 0.01f * noise[i], nn += 1e-4 * noise[i] * noise[i], wn += static_cast<double>(w[i]) * w[i];
  EXPECT_LT(error(truncated_svd(noisy, rows, cols, k, 9), noisy), 1.05 * std::sqrt(nn / wn));
  // Deterministic for a seed.
  EXPECT_EQ(truncated_svd(noisy, rows, cols, k, 9).a, truncated_svd(noisy, rows, cols, k, 9).a);
}

// The engine's path for a low-rank projection: y = A (B x), B x shared by a group, at every
// storage type of the factors, against float64 over the stored (dequantized) factors.
TEST(Compress, LowRankProductsMatchFloat64OfTheStoredFactors) {
  const int rows = 70, cols = 96, k = 32;
  ThreadPool pool3(3);
  const std::vector<float> fa = randn(static_cast<std::size_t>(rows) * k, 21),
                           fb = randn(static_cast<std::size_t>(k) * cols, 22);
  for (GgmlType t : {GgmlType::f32, GgmlType::f16, GgmlType::bf16, GgmlType::q8_0})
    for (int ntok : {1, 5}) {
      const Matrix lr = Matrix::from_factors(Matrix::from_floats(t, rows, k, fa), Matrix::from_floats(t, k, cols, fb));
      const Matrix dense = Matrix::from_floats(GgmlType::f32, 24, cols, randn(24 * cols, 23));
      EXPECT_EQ(lr.rows(), rows);
      EXPECT_EQ(lr.cols(), cols);
      const std::vector<float> x = randn(static_cast<std::size_t>(ntok) * cols, 24);
      // float64 of the stored factors: t = B x, then A t (the activations of block types are
      // Q8_0-rounded by the kernels, so they get a looser bound below)
      std::vector<float> da(fa.size()), db(fb.size());
      for (int o = 0; o < rows; ++o) lr.factors()->a.dequantize_row(o, da.data() + static_cast<std::size_t>(o) * k);
      for (int j = 0; j < k; ++j) lr.factors()->b.dequantize_row(j, db.data() + static_cast<std::size_t>(j) * cols);
      const std::vector<double> tt = product(db, k, cols, x, ntok);
      const std::vector<float> tf(tt.begin(), tt.end());
      const std::vector<double> want = product(da, rows, k, tf, ntok);
      const double tol = t == GgmlType::q8_0 ? 0.2 : t == GgmlType::bf16 ? 0.05 : 1e-4;
      for (SimdLevel lv : levels())
        for (ThreadPool* pool : {static_cast<ThreadPool*>(nullptr), &pool3}) {
          std::vector<float> y(static_cast<std::size_t>(rows) * ntok, NAN), yd(24 * static_cast<std::size_t>(ntok));
          std::vector<std::uint8_t> scratch(matmul_scratch_bytes(t, ntok, cols));
          const Product ps[] = {{&lr, y.data(), static_cast<std::size_t>(rows)}, {&dense, yd.data(), 24}};
          matmul_group(ps, x.data(), cols, ntok, {.simd = lv, .pool = pool}, scratch.data());
          // scaled by the outputs' size: about sqrt(k) times the inner sums' sqrt(cols)
          EXPECT_LT(worst(y, want, cols * k / 8), tol) << to_string(t) << " ntok " << ntok << " " << name(lv);
          const std::vector<double> dwant = product(randn(24 * cols, 23), 24, cols, x, ntok);
          EXPECT_LT(worst(yd, dwant, cols), 1e-5) << "the dense member of the group";
        }
    }
}

// share=2 on tiny's synthetic weights: half the layer sets, each the mean of its pair, and
// the engine runs set l / 2 at layer l.
TEST(Compress, SharedLayersAreTheGroupMeans) {
  const ModelConfig cfg = model_config("tiny");
  const LlamaModel full = synthetic_model(cfg, 5, Precision::fp32, false);
  TensorSource src;
  src.floats = [](const TensorSpec& s) { return synthetic_tensor(s, 5); };
  const LlamaModel shared = build_model(cfg, src, Precision::fp32, false, {.share = 2});
  ASSERT_EQ(shared.layers.size(), 3u);
  EXPECT_EQ(&shared.layer(2), &shared.layer(3));
  std::vector<float> a(cfg.dim), b(cfg.dim), m(cfg.dim);
  full.layers[2].wq.dequantize_row(7, a.data());
  full.layers[3].wq.dequantize_row(7, b.data());
  shared.layer(3).wq.dequantize_row(7, m.data());
  for (int i = 0; i < cfg.dim; ++i) EXPECT_FLOAT_EQ(m[i], (a[i] + b[i]) / 2) << i;
  EXPECT_EQ(shared.layer(5).attn_norm[3], (full.layers[4].attn_norm[3] + full.layers[5].attn_norm[3]) / 2);
  auto layer_bytes = [](const LlamaModel& m) {
    return static_cast<double>(m.weight_bytes() - m.tok_embd.resident_bytes() - m.output.resident_bytes() -
                               m.output_norm.size() * 4);
  };
  EXPECT_DOUBLE_EQ(layer_bytes(shared), layer_bytes(full) / 2);
  // It runs: a shared model's forward gives finite logits.
  Engine e(shared, EngineOptions{}, 1, 8);
  const int toks[] = {5, 6, 7};
  const int seqs[] = {0, 0, 0};
  std::vector<float> logits(cfg.vocab_size);
  e.forward(toks, seqs, 3, false, logits.data());
  for (float v : logits) ASSERT_TRUE(std::isfinite(v));
}

// A compressed tiny model's forward equals the float64-checked kernels' composition: the
// engine's output with sparsity at every SIMD level agrees with the scalar reference run.
TEST(Compress, CompressedEnginesAgreeAcrossLevels) {
  const ModelConfig cfg = model_config("tiny");
  TensorSource src;
  src.floats = [](const TensorSpec& s) { return synthetic_tensor(s, 6); };
  for (const Compression c : {Compression{.sparsity = Sparsity::u70}, Compression{.sparsity = Sparsity::two_of_four},
                              Compression{.lowrank_percent = 25}}) {
    const LlamaModel m = build_model(cfg, src, Precision::fp32, false, c);
    EXPECT_LT(m.weight_bytes(), synthetic_model(cfg, 6, Precision::fp32, false).weight_bytes());
    std::vector<float> ref;
    for (SimdLevel lv : levels()) {
      Engine e(m, EngineOptions{.simd = lv, .threads = lv == SimdLevel::scalar ? 1 : 2}, 1, 16);
      const int toks[] = {3, 9, 27, 81, 243};
      const int seqs[] = {0, 0, 0, 0, 0};
      std::vector<float> logits(static_cast<std::size_t>(cfg.vocab_size) * 5);
      e.forward(toks, seqs, 5, true, logits.data());
      if (ref.empty()) {
        ref = logits;
        continue;
      }
      double e2 = 0, r2 = 0;
      for (std::size_t i = 0; i < ref.size(); ++i)
        e2 += (logits[i] - ref[i]) * (logits[i] - ref[i]), r2 += ref[i] * ref[i];
      EXPECT_LT(std::sqrt(e2 / r2), 1e-5) << name(lv);
    }
  }
}

}  // namespace
}  // namespace sb::llm

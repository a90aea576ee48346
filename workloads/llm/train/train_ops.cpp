#include "stratbench/workloads/llm/train_ops.hpp"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

#include "stratbench/workloads/thread_pool.hpp"

namespace sb::llm::train {
namespace {

int range_begin(int n, int parts, int p) { return static_cast<int>(static_cast<long long>(n) * p / parts); }

// fn(begin, end) over [0, n) in fixed chunks, one per task.
template <class F>
void parallel_rows(int n, ThreadPool* pool, F&& fn) {
  const int tasks = pool ? std::min(pool->size(), std::max(n, 1)) : 1;
  if (tasks <= 1) {
    fn(0, n);
    return;
  }
  pool->run(tasks, [&](int task) { fn(range_begin(n, tasks, task), range_begin(n, tasks, task + 1)); });
}

template <class T>
void gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, const T* a, int lda, const T* b, int ldb, T beta,
          T* c, int ldc, T alpha = T(1)) {
  if constexpr (std::is_same_v<T, float>)
    cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  else
    cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

}  // namespace

// OpenBLAS runs single-threaded (pool_for in trainer.cpp) and the products are split over
// our pool by rows of the output: one set of threads, so no two pools spin against each
// other on few cores, and fixed blocks keep the bits independent of scheduling.
template <class T>
void linear_fwd(const T* x, int n, int in, const T* w, int out, T* y, bool accumulate, ThreadPool* pool) {
  parallel_rows(n, pool, [&](int b, int e) {
    if (e > b)
      gemm<T>(CblasNoTrans, CblasTrans, e - b, out, in, x + static_cast<std::size_t>(b) * in, in, w, in,
              accumulate ? T(1) : T(0), y + static_cast<std::size_t>(b) * out, out);
  });
}

template <class T>
void linear_bwd(const T* x, const T* dy, int n, int in, const T* w, int out, T* dx, T* dw, bool accumulate_dx,
                ThreadPool* pool) {
  if (dx)
    parallel_rows(n, pool, [&](int b, int e) {
      if (e > b)
        gemm<T>(CblasNoTrans, CblasNoTrans, e - b, in, out, dy + static_cast<std::size_t>(b) * out, out, w, in,
                accumulate_dx ? T(1) : T(0), dx + static_cast<std::size_t>(b) * in, in);
    });
  parallel_rows(out, pool, [&](int b, int e) {
    if (e > b)
      gemm<T>(CblasTrans, CblasNoTrans, e - b, in, n, dy + b, out, x, in, T(1), dw + static_cast<std::size_t>(b) * in,
              in);
  });
}

template <class T>
void rmsnorm_fwd(const T* x, const T* g, int n, int dim, T eps, T* y, T* r, ThreadPool* pool) {
  parallel_rows(n, pool, [&](int b, int e) {
    for (int row = b; row < e; ++row) {
      const T* xr = x + static_cast<std::size_t>(row) * dim;
      T* yr = y + static_cast<std::size_t>(row) * dim;
      // The engine sums squares in double (llama_engine.cpp inv_rms): so do we.
      double ss = 0;
      for (int i = 0; i < dim; ++i) ss += static_cast<double>(xr[i]) * xr[i];
      const T s = static_cast<T>(1.0 / std::sqrt(ss / dim + static_cast<double>(eps)));
      r[row] = s;
      for (int i = 0; i < dim; ++i) yr[i] = xr[i] * s * g[i];
    }
  });
}

template <class T>
void rmsnorm_bwd(const T* x, const T* g, const T* r, const T* dy, int n, int dim, T* dx, T* dg, ThreadPool* pool) {
  const int tasks = pool ? std::min(pool->size(), std::max(n, 1)) : 1;
  std::vector<T> part(static_cast<std::size_t>(tasks) * dim, T(0));
  auto work = [&](int task) {
    T* pg = part.data() + static_cast<std::size_t>(task) * dim;
    for (int row = range_begin(n, tasks, task); row < range_begin(n, tasks, task + 1); ++row) {
      const std::size_t o = static_cast<std::size_t>(row) * dim;
      const T s = r[row];
      T dot = 0;  // sum_j dy_j g_j x_j
      for (int i = 0; i < dim; ++i) {
        dot += dy[o + i] * g[i] * x[o + i];
        pg[i] += dy[o + i] * x[o + i] * s;
      }
      const T c = dot * s * s * s / static_cast<T>(dim);
      for (int i = 0; i < dim; ++i) dx[o + i] = dy[o + i] * g[i] * s - x[o + i] * c;
    }
  };
  if (tasks > 1)
    pool->run(tasks, work);
  else
    work(0);
  for (int t = 0; t < tasks; ++t)
    for (int i = 0; i < dim; ++i) dg[i] += part[static_cast<std::size_t>(t) * dim + i];
}

template <class T>
void rope(T* x, int n, int seq, int ld, int heads, int hd, float theta, bool inverse, ThreadPool* pool) {
  // The engine's frequencies: float of a double power (llama_engine.cpp's constructor).
  std::vector<double> inv_freq(hd / 2);
  for (int i = 0; i < hd / 2; ++i) inv_freq[i] = std::pow(static_cast<double>(theta), -2.0 * i / hd);
  parallel_rows(n, pool, [&](int b, int e) {
    std::vector<T> cs(hd / 2), sn(hd / 2);
    for (int row = b; row < e; ++row) {
      const int pos = row % seq;
      for (int i = 0; i < hd / 2; ++i) {
        if constexpr (std::is_same_v<T, float>) {
          const float a = static_cast<float>(pos) * static_cast<float>(inv_freq[i]);
          cs[i] = std::cos(a), sn[i] = std::sin(a);
        } else {
          const double a = pos * inv_freq[i];
          cs[i] = std::cos(a), sn[i] = std::sin(a);
        }
        if (inverse) sn[i] = -sn[i];
      }
      for (int h = 0; h < heads; ++h) {
        T* v = x + static_cast<std::size_t>(row) * ld + static_cast<std::size_t>(h) * hd;
        for (int i = 0; i < hd / 2; ++i) {
          const T a = v[2 * i], c = v[2 * i + 1];
          v[2 * i] = a * cs[i] - c * sn[i];
          v[2 * i + 1] = a * sn[i] + c * cs[i];
        }
      }
    }
  });
}

// Attention per (sequence, head) as three products on OpenBLAS (single-threaded inside our
// tasks): the scores of every pair, masked after the product. The product computes the
// masked half too, and is still several times faster than loops over the causal half.
template <class T>
void attention_fwd(const AttentionShape& s, const T* q, const T* k, const T* v, T* p, T* o, ThreadPool* pool) {
  const int group = s.heads / s.kv_heads, S = s.seq;
  const T sc = T(1) / std::sqrt(static_cast<T>(s.hd));
  const auto SS = static_cast<std::size_t>(S) * S;
  parallel_rows(s.batch * s.heads, pool, [&](int b0, int e0) {
    for (int bh = b0; bh < e0; ++bh) {
      const int b = bh / s.heads, h = bh % s.heads, kvh = h / group;
      const std::size_t row0 = static_cast<std::size_t>(b) * S;
      const T* qh = q + row0 * s.ldq + static_cast<std::size_t>(h) * s.hd;
      const T* kh = k + row0 * s.ldkv + static_cast<std::size_t>(kvh) * s.hd;
      const T* vh = v + row0 * s.ldkv + static_cast<std::size_t>(kvh) * s.hd;
      T* pb = p + static_cast<std::size_t>(bh) * SS;
      gemm<T>(CblasNoTrans, CblasTrans, S, S, s.hd, qh, s.ldq, kh, s.ldkv, T(0), pb, S, sc);
      for (int t = 0; t < S; ++t) {
        T* pt = pb + static_cast<std::size_t>(t) * S;
        const T mx = *std::max_element(pt, pt + t + 1);
        T sum = 0;
        for (int j = 0; j <= t; ++j) sum += pt[j] = std::exp(pt[j] - mx);
        const T inv = T(1) / sum;
        for (int j = 0; j <= t; ++j) pt[j] *= inv;
        std::fill(pt + t + 1, pt + S, T(0));
      }
      gemm<T>(CblasNoTrans, CblasNoTrans, S, s.hd, S, pb, S, vh, s.ldkv, T(0),
              o + row0 * s.ldo + static_cast<std::size_t>(h) * s.hd, s.ldo);
    }
  });
}

template <class T>
void attention_bwd(const AttentionShape& s, const T* q, const T* k, const T* v, const T* p, const T* dout, T* dq, T* dk,
                   T* dv, ThreadPool* pool) {
  const int group = s.heads / s.kv_heads, S = s.seq;
  const T sc = T(1) / std::sqrt(static_cast<T>(s.hd));
  const auto SS = static_cast<std::size_t>(S) * S;
  // One task per (sequence, kv head): the query heads of a group add into the same dk, dv.
  parallel_rows(s.batch * s.kv_heads, pool, [&](int b0, int e0) {
    std::vector<T> ds(SS);
    for (int bk = b0; bk < e0; ++bk) {
      const int b = bk / s.kv_heads, kvh = bk % s.kv_heads;
      const std::size_t row0 = static_cast<std::size_t>(b) * S, hk = static_cast<std::size_t>(kvh) * s.hd;
      const T* kh = k + row0 * s.ldkv + hk;
      const T* vh = v + row0 * s.ldkv + hk;
      T* dkh = dk + row0 * s.ldkv + hk;
      T* dvh = dv + row0 * s.ldkv + hk;
      for (int h = kvh * group; h < (kvh + 1) * group; ++h) {
        const T beta = h == kvh * group ? T(0) : T(1);  // the group's first head overwrites
        const std::size_t hq = static_cast<std::size_t>(h) * s.hd;
        const T* pb = p + (static_cast<std::size_t>(b) * s.heads + h) * SS;
        const T* doh = dout + row0 * s.ldo + hq;
        const T* qh = q + row0 * s.ldq + hq;
        // dP = dO V^T; dV += P^T dO
        gemm<T>(CblasNoTrans, CblasTrans, S, S, s.hd, doh, s.ldo, vh, s.ldkv, T(0), ds.data(), S);
        gemm<T>(CblasTrans, CblasNoTrans, S, s.hd, S, pb, S, doh, s.ldo, beta, dvh, s.ldkv);
        // dS = P (dP - rowsum(P dP)) * scale, zero above the diagonal
        for (int t = 0; t < S; ++t) {
          const T* pt = pb + static_cast<std::size_t>(t) * S;
          T* dt = ds.data() + static_cast<std::size_t>(t) * S;
          T sum = 0;
          for (int j = 0; j <= t; ++j) sum += pt[j] * dt[j];
          for (int j = 0; j <= t; ++j) dt[j] = pt[j] * (dt[j] - sum) * sc;
          std::fill(dt + t + 1, dt + S, T(0));
        }
        // dQ = dS K; dK += dS^T Q
        gemm<T>(CblasNoTrans, CblasNoTrans, S, s.hd, S, ds.data(), S, kh, s.ldkv, T(0), dq + row0 * s.ldq + hq, s.ldq);
        gemm<T>(CblasTrans, CblasNoTrans, S, s.hd, S, ds.data(), S, qh, s.ldq, beta, dkh, s.ldkv);
      }
    }
  });
}

template <class T>
void swiglu_fwd(const T* a, const T* u, std::size_t count, T* h, ThreadPool* pool) {
  const int chunks = static_cast<int>((count + 4095) / 4096);
  parallel_rows(chunks, pool, [&](int b, int e) {
    const std::size_t i1 = std::min(count, static_cast<std::size_t>(e) * 4096);
    for (std::size_t i = static_cast<std::size_t>(b) * 4096; i < i1; ++i) h[i] = a[i] / (T(1) + std::exp(-a[i])) * u[i];
  });
}

template <class T>
void swiglu_bwd(const T* a, const T* u, const T* dh, std::size_t count, T* da, T* du, ThreadPool* pool) {
  const int chunks = static_cast<int>((count + 4095) / 4096);
  parallel_rows(chunks, pool, [&](int b, int e) {
    const std::size_t i1 = std::min(count, static_cast<std::size_t>(e) * 4096);
    for (std::size_t i = static_cast<std::size_t>(b) * 4096; i < i1; ++i) {
      const T sg = T(1) / (T(1) + std::exp(-a[i]));
      const T silu = a[i] * sg;
      du[i] = dh[i] * silu;
      da[i] = dh[i] * u[i] * sg * (T(1) + a[i] * (T(1) - sg));
    }
  });
}

template <class T>
double cross_entropy(T* logits, const int* targets, int n, int vocab, bool grad, ThreadPool* pool) {
  int counted = 0;
  for (int r = 0; r < n; ++r) counted += targets[r] >= 0;
  const int tasks = pool ? std::min(pool->size(), std::max(n, 1)) : 1;
  std::vector<double> part(tasks, 0.0);
  auto work = [&](int task) {
    for (int r = range_begin(n, tasks, task); r < range_begin(n, tasks, task + 1); ++r) {
      T* lg = logits + static_cast<std::size_t>(r) * vocab;
      if (targets[r] < 0) {
        if (grad) std::fill(lg, lg + vocab, T(0));
        continue;
      }
      const T mx = *std::max_element(lg, lg + vocab);
      double sum = 0;
      for (int i = 0; i < vocab; ++i) sum += std::exp(static_cast<double>(lg[i] - mx));
      const double lse = std::log(sum) + mx;
      part[task] += lse - lg[targets[r]];
      if (grad) {
        const double inv = 1.0 / counted;
        for (int i = 0; i < vocab; ++i) lg[i] = static_cast<T>(std::exp(lg[i] - lse) * inv);
        lg[targets[r]] -= static_cast<T>(inv);
      }
    }
  };
  if (tasks > 1)
    pool->run(tasks, work);
  else
    work(0);
  double total = 0;
  for (double v : part) total += v;
  return counted ? total / counted : 0.0;
}

// A type cannot be parenthesized where it is a parameter's type.
// NOLINTBEGIN(bugprone-macro-parentheses)
template <class T>
double distill_loss(T* logits, const T* teacher, const int* targets, int n, int vocab, double temperature, double alpha,
                    bool grad, ThreadPool* pool) {
  int counted = 0;
  for (int r = 0; r < n; ++r) counted += targets[r] >= 0;
  const int tasks = pool ? std::min(pool->size(), std::max(n, 1)) : 1;
  std::vector<double> part(tasks, 0.0);
  const double inv_t = 1.0 / temperature;
  // log-sum-exp of z / t, in double.
  auto lse = [vocab](const T* z, double t_inv) {
    const double mx = *std::max_element(z, z + vocab) * t_inv;
    double sum = 0;
    for (int i = 0; i < vocab; ++i) sum += std::exp(z[i] * t_inv - mx);
    return std::log(sum) + mx;
  };
  auto work = [&](int task) {
    for (int r = range_begin(n, tasks, task); r < range_begin(n, tasks, task + 1); ++r) {
      T* z = logits + static_cast<std::size_t>(r) * vocab;
      const T* zt = teacher + static_cast<std::size_t>(r) * vocab;
      if (targets[r] < 0) {
        if (grad) std::fill(z, z + vocab, T(0));
        continue;
      }
      const double hard_lse = lse(z, 1.0), soft_lse = lse(z, inv_t), teacher_lse = lse(zt, inv_t);
      double kl = 0;
      for (int i = 0; i < vocab; ++i) {
        const double lpt = zt[i] * inv_t - teacher_lse;
        kl += std::exp(lpt) * (lpt - (z[i] * inv_t - soft_lse));
      }
      part[task] += (1 - alpha) * (hard_lse - z[targets[r]]) + alpha * temperature * temperature * kl;
      if (grad) {
        const double inv = 1.0 / counted;
        for (int i = 0; i < vocab; ++i) {
          const double ps = std::exp(z[i] - hard_lse);
          const double pst = std::exp(z[i] * inv_t - soft_lse), ptt = std::exp(zt[i] * inv_t - teacher_lse);
          z[i] = static_cast<T>(((1 - alpha) * ps + alpha * temperature * (pst - ptt)) * inv);
        }
        z[targets[r]] -= static_cast<T>((1 - alpha) * inv);
      }
    }
  };
  if (tasks > 1)
    pool->run(tasks, work);
  else
    work(0);
  double total = 0;
  for (double v : part) total += v;
  return counted ? total / counted : 0.0;
}

#define SB_TRAIN_OPS(T)                                                                                               \
  template void linear_fwd<T>(const T*, int, int, const T*, int, T*, bool, ThreadPool*);                              \
  template void linear_bwd<T>(const T*, const T*, int, int, const T*, int, T*, T*, bool, ThreadPool*);                \
  template void rmsnorm_fwd<T>(const T*, const T*, int, int, T, T*, T*, ThreadPool*);                                 \
  template void rmsnorm_bwd<T>(const T*, const T*, const T*, const T*, int, int, T*, T*, ThreadPool*);                \
  template void rope<T>(T*, int, int, int, int, int, float, bool, ThreadPool*);                                       \
  template void attention_fwd<T>(const AttentionShape&, const T*, const T*, const T*, T*, T*, ThreadPool*);           \
  template void attention_bwd<T>(const AttentionShape&, const T*, const T*, const T*, const T*, const T*, T*, T*, T*, \
                                 ThreadPool*);                                                                        \
  template void swiglu_fwd<T>(const T*, const T*, std::size_t, T*, ThreadPool*);                                      \
  template void swiglu_bwd<T>(const T*, const T*, const T*, std::size_t, T*, T*, ThreadPool*);                        \
  template double cross_entropy<T>(T*, const int*, int, int, bool, ThreadPool*);                                      \
  template double distill_loss<T>(T*, const T*, const int*, int, int, double, double, bool, ThreadPool*);
SB_TRAIN_OPS(float)
SB_TRAIN_OPS(double)
#undef SB_TRAIN_OPS
// NOLINTEND(bugprone-macro-parentheses)

}  // namespace sb::llm::train

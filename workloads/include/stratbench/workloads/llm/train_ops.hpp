// The forward and backward passes of each operation of the Llama block, for training on
// the CPU: what the engine computes (llama_engine.cpp), plus the gradients. Templated on
// the scalar: float for training, double for the finite-difference checks of the
// gradients (tests/workloads/train_ops_test.cpp).
//
// Activations are N rows, row n = b * S + t for sequence b of B and position t of S.
// Linear weights are `out` rows of `in` (synthetic_weights.hpp's layout): y = x W^T.
// Backward functions ADD into the gradients of weights (so a tied head and the embedding
// can share one buffer) and, where named `dx`, overwrite the input's gradient unless the
// comment says it accumulates. `pool` may be null (one thread); every reduction is split
// into fixed per-task ranges summed in task order, so results do not depend on which worker
// ran which task: a seed and a thread count give the same bits.
#pragma once

#include <cstddef>

namespace sb {
class ThreadPool;
}

namespace sb::llm::train {

// y[N x out] = x[N x in] W^T (+ y when accumulate). OpenBLAS products, split by rows over
// the pool (call OpenBLAS single-threaded: openblas_set_num_threads(1)).
template <class T>
void linear_fwd(const T* x, int n, int in, const T* w, int out, T* y, bool accumulate, ThreadPool* pool);
// dx[N x in] (= or +=) dy W, skipped when dx is null; dW[out x in] += dy^T x.
template <class T>
void linear_bwd(const T* x, const T* dy, int n, int in, const T* w, int out, T* dx, T* dw, bool accumulate_dx,
                ThreadPool* pool);

// y = x * r * g with r[n] = 1/sqrt(mean(x^2) + eps), saved for the backward pass.
template <class T>
void rmsnorm_fwd(const T* x, const T* g, int n, int dim, T eps, T* y, T* r, ThreadPool* pool);
// dx (overwritten) and dg (accumulated).
template <class T>
void rmsnorm_bwd(const T* x, const T* g, const T* r, const T* dy, int n, int dim, T* dx, T* dg, ThreadPool* pool);

// Rotary positions, llama.cpp's "normal" mode: pairs (2i, 2i+1) of each head turn by
// pos * theta^(-2i/hd), pos = n % seq. In place; the backward turns the other way.
// In float the angle is computed as the engine computes it, so trained weights mean the
// same to the engine.
template <class T>
void rope(T* x, int n, int seq, int ld, int heads, int hd, float theta, bool inverse, ThreadPool* pool);

// Causal grouped-query attention over B sequences of S positions. q: N rows of ldq
// (head h at h*hd), k and v: N rows of ldkv (kv head at kvh*hd), o: N rows of ldo.
// p: the softmax weights, [B][heads][S][S], kept for the backward pass.
struct AttentionShape {
  int batch, seq, heads, kv_heads, hd;
  int ldq, ldkv, ldo;
};
template <class T>
void attention_fwd(const AttentionShape& s, const T* q, const T* k, const T* v, T* p, T* o, ThreadPool* pool);
// dq, dk, dv overwritten.
template <class T>
void attention_bwd(const AttentionShape& s, const T* q, const T* k, const T* v, const T* p, const T* dout, T* dq, T* dk,
                   T* dv, ThreadPool* pool);

// h = silu(a) * u, element-wise over count values; backward gives da and du (overwritten).
template <class T>
void swiglu_fwd(const T* a, const T* u, std::size_t count, T* h, ThreadPool* pool);
template <class T>
void swiglu_bwd(const T* a, const T* u, const T* dh, std::size_t count, T* da, T* du, ThreadPool* pool);

// Mean cross-entropy of the logits' rows against targets (a target < 0 is ignored and
// not counted). Overwrites the logits with d(loss)/d(logits) when `grad`. Returns the mean
// loss (0 when no row counts).
template <class T>
double cross_entropy(T* logits, const int* targets, int n, int vocab, bool grad, ThreadPool* pool);

// Knowledge distillation (Hinton et al., 2015): (1 - alpha) * cross-entropy against the
// targets + alpha * T^2 * KL(softmax(teacher / T) || softmax(logits / T)), mean over the
// rows whose target counts. T^2 keeps the soft term's gradient on the hard term's scale
// as T changes. Overwrites the logits with the gradient when `grad`; returns the loss.
template <class T>
double distill_loss(T* logits, const T* teacher, const int* targets, int n, int vocab, double temperature, double alpha,
                    bool grad, ThreadPool* pool);

}  // namespace sb::llm::train

#include "stratbench/workloads/llm/llama_engine.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <random>
#include <utility>

#include "stratbench/profilers/nvtx.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/thread_pool.hpp"

namespace sb::llm {

std::uint8_t* Scratch::bytes(std::size_t n) {
  n = (n + 63) / 64 * 64;  // keep every buffer cache-line aligned
  if (!arena_) {
    blocks_.emplace_back(new std::uint8_t[n + 64]);
    auto p = reinterpret_cast<std::uintptr_t>(blocks_.back().get());
    return reinterpret_cast<std::uint8_t*>((p + 63) / 64 * 64);
  }
  wanted_ += n;
  if (used_ + n > capacity_) {
    // Out of arena during the first forward(s): serve from a side block; reset() grows
    // the arena to the high-water mark so that later forwards allocate nothing.
    blocks_.emplace_back(new std::uint8_t[n + 64]);
    auto p = reinterpret_cast<std::uintptr_t>(blocks_.back().get());
    return reinterpret_cast<std::uint8_t*>((p + 63) / 64 * 64);
  }
  auto base = reinterpret_cast<std::uintptr_t>(blocks_.front().get());
  std::uint8_t* r = reinterpret_cast<std::uint8_t*>((base + 63) / 64 * 64) + used_;
  used_ += n;
  return r;
}

void Scratch::reset() {
  if (!arena_) {
    blocks_.clear();
    return;
  }
  if (wanted_ > capacity_) {
    blocks_.clear();
    blocks_.emplace_back(new std::uint8_t[wanted_ + 64]);
    capacity_ = wanted_;
  } else {
    blocks_.resize(std::min<std::size_t>(blocks_.size(), 1));
  }
  used_ = wanted_ = 0;
}

EngineOptions engine_options(const Strategy& s) {
  EngineOptions o;
  o.simd = llm_simd_level(s.k.simd);
  o.threads = s.k.threads;
  o.blocked = s.k.layout == Layout::blocked;
  o.fused = s.k.fusion;
  o.arena = s.k.memory == Memory::pool;
  o.kv_cache = s.k.kv_cache;
  return o;
}

void prepare_model(LlamaModel& m, const EngineOptions& opt) {
  if (!opt.blocked || opt.simd != SimdLevel::avx512) return;
  // Not the output head: it sees one row per sequence (the last token's), and a copy of
  // its 32000 rows would cost more memory than the few-token products would gain.
  for (LayerWeights& l : m.layers)
    for (Matrix* w : {&l.wq, &l.wk, &l.wv, &l.wqkv, &l.wo, &l.w_gate, &l.w_up, &l.w_down}) w->interleave16();
}

Engine::Engine(const LlamaModel& m, EngineOptions opt, int n_seqs, int capacity)
    : Engine(m, opt, KvCache(m.cfg, n_seqs, capacity)) {}

Engine::Engine(const LlamaModel& m, EngineOptions opt, KvCache cache)
    : m_(m), opt_(opt), cache_(std::move(cache)), scratch_(opt.arena) {
  SB_CHECK(m.folded == opt.fused);
  kopt_.simd = opt.simd;
  kopt_.blocked = opt.blocked;
  kopt_.pool = opt.threads > 1 ? &shared_thread_pool(opt.threads) : nullptr;
  const int hd = m.cfg.head_dim();
  for (int i = 0; i < hd / 2; ++i)
    inv_freq_.push_back(static_cast<float>(std::pow(static_cast<double>(m.cfg.rope_theta), -2.0 * i / hd)));
}

Engine::~Engine() = default;

namespace {

float inv_rms(const float* x, int n, float eps) {
  double ss = 0;
  for (int i = 0; i < n; ++i) ss += static_cast<double>(x[i]) * x[i];
  return static_cast<float>(1.0 / std::sqrt(ss / n + eps));
}

void rmsnorm(const float* x, const float* g, int n, float eps, float* out) {
  const float s = inv_rms(x, n, eps);
  for (int i = 0; i < n; ++i) out[i] = x[i] * s * g[i];
}

inline float silu(float x) { return x / (1.f + std::exp(-x)); }

// llama.cpp's "normal" rope: adjacent pairs (2i, 2i+1) of each head.
void rope(float* x, int heads, int hd, const float* cs, const float* sn) {
  for (int h = 0; h < heads; ++h) {
    float* v = x + h * hd;
    for (int i = 0; i < hd / 2; ++i) {
      const float a = v[2 * i], b = v[2 * i + 1];
      v[2 * i] = a * cs[i] - b * sn[i];
      v[2 * i + 1] = a * sn[i] + b * cs[i];
    }
  }
}

}  // namespace

void Engine::attention(int layer, const float* qkv, const int* seqs, const int* pos, int n, float* out) {
  const ModelConfig& c = m_.cfg;
  const int hd = c.head_dim(), group = c.n_heads / c.n_kv_heads, ld = c.dim + 2 * c.kv_dim();
  const float sc = 1.f / std::sqrt(static_cast<float>(hd));
  const int pairs = n * c.n_heads;
  const int tasks = kopt_.pool ? std::min(pairs, kopt_.pool->size()) : 1;
  float* scores = opt_.fused ? nullptr : scratch_.floats(static_cast<std::size_t>(tasks) * cache_.capacity());
  // Each token's blocks for this layer, once (a contiguous cache has one per sequence).
  const int bs = cache_.block_size();
  std::size_t n_ptrs = 0;
  for (int t = 0; t < n; ++t) n_ptrs += static_cast<std::size_t>((pos[t] + bs) / bs);
  auto** kb = reinterpret_cast<const float**>(scratch_.bytes(sizeof(float*) * 2 * n_ptrs));
  auto** vb = kb + n_ptrs;
  std::size_t* first = reinterpret_cast<std::size_t*>(scratch_.bytes(sizeof(std::size_t) * n));
  for (int t = 0, at = 0; t < n; ++t) {
    first[t] = static_cast<std::size_t>(at);
    const std::vector<int>& table = cache_.table(seqs[t]);
    for (int b = 0; b < (pos[t] + bs) / bs; ++b, ++at) {
      kb[at] = cache_.k_block(table[b], layer);
      vb[at] = cache_.v_block(table[b], layer);
    }
  }
  // Pairs dealt out in turn, not in halves: a causal prompt's later tokens attend to more
  // keys, and in halves the second thread had three times the first one's work.
  auto work = [&](int task) {
    for (int ph = task; ph < pairs; ph += tasks) {
      const int t = ph / c.n_heads, h = ph % c.n_heads, kvh = h / group;
      const float* q = qkv + static_cast<std::size_t>(ld) * t + h * hd;
      const auto head = static_cast<std::size_t>(kvh) * static_cast<std::size_t>(hd),
                 stride = static_cast<std::size_t>(c.kv_dim());
      const KvRows k{kb + first[t], bs, stride, head}, v{vb + first[t], bs, stride, head};
      float* o = out + static_cast<std::size_t>(c.dim) * t + h * hd;
      if (opt_.fused)
        attend_online(q, k, v, pos[t] + 1, hd, sc, o, opt_.simd);
      else
        attend_two_pass(q, k, v, pos[t] + 1, hd, sc, scores + static_cast<std::size_t>(task) * cache_.capacity(), o,
                        opt_.simd);
    }
  };
  if (tasks > 1)
    kopt_.pool->run(tasks, work);
  else
    work(0);
}

// SwiGLU without its two hidden-width intermediates: each task takes slices of 32 hidden
// units, computes gate and up for them while x is hot, and writes silu(gate)*up directly.
// s[t] is the token's RMSNorm scale (the gain is folded into the weights).
void Engine::ffn_fused(const LayerWeights& w, const float* x, const float* s, int n, float* h) {
  const int hidden = w.w_gate.rows(), dim = w.w_gate.cols();
  constexpr int kSlice = 32;
  const int slices = (hidden + kSlice - 1) / kSlice;
  std::uint8_t* xq = scratch_.bytes(matmul_scratch_bytes(w.w_gate.type(), n, dim));
  quantize_activations(w.w_gate.type(), x, dim, n, dim, xq, &kopt_);
  const bool block = matmul_scratch_bytes(w.w_gate.type(), 1, dim) > 0;
  const int tasks = kopt_.pool ? std::min(slices, kopt_.pool->size()) : 1;
  float* up = scratch_.floats(static_cast<std::size_t>(tasks) * n * kSlice);
  auto work = [&](int task) {
    float* u = up + static_cast<std::size_t>(task) * n * kSlice;
    for (int sl = split_begin(slices, tasks, task); sl < split_begin(slices, tasks, task + 1); ++sl) {
      const int j0 = sl * kSlice, j1 = std::min(hidden, j0 + kSlice);
      matmul_rows(w.w_gate, j0, j1, x, dim, block ? xq : nullptr, n, h + j0, hidden, opt_.simd, opt_.blocked);
      matmul_rows(w.w_up, j0, j1, x, dim, block ? xq : nullptr, n, u, kSlice, opt_.simd, opt_.blocked);
      for (int t = 0; t < n; ++t)
        for (int j = j0; j < j1; ++j) {
          float& g = h[static_cast<std::size_t>(hidden) * t + j];
          g = silu(g * s[t]) * (u[kSlice * t + (j - j0)] * s[t]);
        }
    }
  };
  if (tasks > 1)
    kopt_.pool->run(tasks, work);
  else
    work(0);
}

void Engine::observe_inputs(InputNorms* n) {
  SB_CHECK(!n || !opt_.fused);
  if (n) {
    n->layers.resize(static_cast<std::size_t>(m_.cfg.n_layers));
    for (auto& l : n->layers)
      for (int k = 0; k < 4; ++k) l[k].resize(static_cast<std::size_t>(k == 3 ? m_.cfg.hidden_dim : m_.cfg.dim), 0.0);
  }
  observed_ = n;
}

void Engine::forward(const int* tokens, const int* seqs, int n, bool all_logits, float* logits) {
  const ModelConfig& c = m_.cfg;
  const int dim = c.dim, kv = c.kv_dim(), hd = c.head_dim(), hidden = c.hidden_dim, ldq = dim + 2 * kv;
  const std::size_t D = dim, LDQ = ldq, H = hidden;
  for (int t = 0; t < n; ++t)
    if (tokens[t] < 0 || tokens[t] >= c.vocab_size)
      throw InputError("token id " + std::to_string(tokens[t]) + " is outside the vocabulary (0.." +
                       std::to_string(c.vocab_size - 1) + ")");
  int* pos = reinterpret_cast<int*>(scratch_.bytes(sizeof(int) * n));
  // Leave the engine as it was on a refusal: the sequences keep their lengths and blocks,
  // the scratch rewinds.
  auto refuse = [&](int upto, const std::string& why) {
    for (int u = upto - 1; u >= 0; --u) cache_.set_len(seqs[u], pos[u]);
    scratch_.reset();
    throw InputError(why);
  };
  int blocks = 0;  // a paged pool's blocks the new positions take
  for (int t = 0; t < n; ++t) {
    pos[t] = cache_.len(seqs[t]);
    if (pos[t] >= cache_.capacity())
      refuse(t, "sequence " + std::to_string(seqs[t]) + " runs past the context of " +
                    std::to_string(cache_.capacity()) + " positions");
    const int bs = cache_.block_size();
    if (pos[t] % bs == 0 && pos[t] / bs >= static_cast<int>(cache_.table(seqs[t]).size())) ++blocks;
    cache_.set_len(seqs[t], pos[t] + 1);
  }
  if (blocks > cache_.free_blocks())
    refuse(n, "the KV pool has " + std::to_string(cache_.free_blocks()) + " free blocks; this forward needs " +
                  std::to_string(blocks));
  for (int t = 0; t < n; ++t) SB_CHECK(cache_.reserve(seqs[t], pos[t] + 1));
  float* x = scratch_.floats(D * n);
  float* xb = scratch_.floats(D * n);
  float* qkv = scratch_.floats(static_cast<std::size_t>(ldq) * n);
  float* att = scratch_.floats(D * n);
  float* hb = scratch_.floats(H * n);
  float* s = scratch_.floats(n);
  float* cs = scratch_.floats(static_cast<std::size_t>(hd / 2) * n);
  float* sn = scratch_.floats(static_cast<std::size_t>(hd / 2) * n);
  SB_RANGE(prof::Category::llm, "forward");
  for (int t = 0; t < n; ++t) {
    m_.tok_embd.dequantize_row(tokens[t], x + D * t);
    for (int i = 0; i < hd / 2; ++i) {
      const float a = static_cast<float>(pos[t]) * inv_freq_[i];
      cs[(hd / 2) * t + i] = std::cos(a);
      sn[(hd / 2) * t + i] = std::sin(a);
    }
  }
  // A product's scratch: a fresh request per op, so memory=malloc allocates per op.
  auto mm = [&](const Matrix& w, const float* in, std::size_t ldx, float* out, std::size_t ldy) {
    matmul(w, in, ldx, n, out, ldy, kopt_, scratch_.bytes(matmul_scratch_bytes(w.type(), n, w.cols())));
  };
  // Products of one input: one parallel job, the input quantized once (block types).
  auto mm_same_input = [&](std::initializer_list<Product> ps) {
    std::size_t bytes = 0;
    for (const Product& p : ps) bytes = std::max(bytes, matmul_scratch_bytes(p.w->type(), n, p.w->cols()));
    matmul_group(ps, xb, D, n, kopt_, scratch_.bytes(bytes));
  };
  // Logits only where asked: a prompt's last token is all that prefill needs.
  std::vector<int> rows;
  for (int t = 0; t < n; ++t) {
    bool last = true;
    for (int u = t + 1; u < n && last; ++u) last = seqs[u] != seqs[t];
    if (all_logits || last) rows.push_back(t);
  }
  const int nr = static_cast<int>(rows.size());
  // Once the last layer has put every token's keys and values in the cache, only the rows
  // that give logits matter: the rest of that layer (attention, wo, the FFN) runs for them
  // alone, a sixteenth of a 12-layer prefill. Rows move down in place (rows[r] >= r).
  int* live_seqs = reinterpret_cast<int*>(scratch_.bytes(sizeof(int) * n));
  std::copy(seqs, seqs + n, live_seqs);
  auto keep_output_rows = [&] {
    if (nr == n) return;
    for (int r = 0; r < nr; ++r) {
      const int t = rows[r];
      std::memmove(x + D * r, x + D * t, sizeof(float) * D);
      std::memmove(qkv + LDQ * r, qkv + LDQ * t, sizeof(float) * LDQ);
      live_seqs[r] = live_seqs[t];
      pos[r] = pos[t];
    }
    n = nr;
  };
  auto observe = [&](int layer, ProjInput which, const float* in, std::size_t cols) {
    if (!observed_) return;
    std::vector<double>& acc = observed_->layers[static_cast<std::size_t>(layer)][static_cast<int>(which)];
    for (int t = 0; t < n; ++t)
      for (std::size_t i = 0; i < cols; ++i) acc[i] += static_cast<double>(in[cols * t + i]) * in[cols * t + i];
    if (which == ProjInput::attn_in && layer == 0) observed_->tokens += n;
  };
  for (int l = 0; l < c.n_layers; ++l) {
    SB_RANGE_INDEXED(prof::Category::llm, "layer", l);
    const LayerWeights& w = m_.layer(l);
    if (opt_.fused) {
      // RMSNorm folded: its gain is in wqkv, its scale multiplies the product's rows.
      {
        SB_RANGE(prof::Category::llm, "attn_norm");
        for (int t = 0; t < n; ++t) s[t] = inv_rms(x + D * t, dim, c.norm_eps);
      }
      SB_RANGE(prof::Category::llm, "qkv_proj (fused norm)");
      mm(w.wqkv, x, D, qkv, ldq);
      for (int t = 0; t < n; ++t) scale(s[t], qkv + static_cast<std::size_t>(ldq) * t, ldq, opt_.simd);
    } else {
      {
        SB_RANGE(prof::Category::llm, "attn_norm");
        for (int t = 0; t < n; ++t) rmsnorm(x + D * t, w.attn_norm.data(), dim, c.norm_eps, xb + D * t);
      }
      observe(l, ProjInput::attn_in, xb, D);
      SB_RANGE(prof::Category::llm, "qkv_proj");
      mm_same_input({{&w.wq, qkv, LDQ}, {&w.wk, qkv + dim, LDQ}, {&w.wv, qkv + dim + kv, LDQ}});
    }
    {
      SB_RANGE(prof::Category::llm, "rope + kv store");
      for (int t = 0; t < n; ++t) {
        float* row = qkv + static_cast<std::size_t>(ldq) * t;
        rope(row, c.n_heads, hd, cs + (hd / 2) * t, sn + (hd / 2) * t);
        rope(row + dim, c.n_kv_heads, hd, cs + (hd / 2) * t, sn + (hd / 2) * t);
        std::memcpy(cache_.k(seqs[t], l, pos[t]), row + dim, sizeof(float) * kv);
        std::memcpy(cache_.v(seqs[t], l, pos[t]), row + dim + kv, sizeof(float) * kv);
      }
    }
    if (l == c.n_layers - 1) keep_output_rows();
    {
      SB_RANGE(prof::Category::llm, "attention");
      attention(l, qkv, live_seqs, pos, n, att);
    }
    {
      SB_RANGE(prof::Category::llm, "o_proj + residual");
      observe(l, ProjInput::attn_out, att, D);
      mm(w.wo, att, D, xb, D);
      for (std::size_t i = 0; i < D * n; ++i) x[i] += xb[i];
    }
    if (opt_.fused) {
      {
        SB_RANGE(prof::Category::llm, "ffn_norm");
        for (int t = 0; t < n; ++t) s[t] = inv_rms(x + D * t, dim, c.norm_eps);
      }
      SB_RANGE(prof::Category::llm, "gate_up_proj + swiglu (fused norm)");
      ffn_fused(w, x, s, n, hb);
    } else {
      float* hb2 = scratch_.floats(H * n);
      {
        SB_RANGE(prof::Category::llm, "ffn_norm");
        for (int t = 0; t < n; ++t) rmsnorm(x + D * t, w.ffn_norm.data(), dim, c.norm_eps, xb + D * t);
      }
      observe(l, ProjInput::ffn_in, xb, D);
      {
        SB_RANGE(prof::Category::llm, "gate_up_proj");
        mm_same_input({{&w.w_gate, hb, H}, {&w.w_up, hb2, H}});
      }
      SB_RANGE(prof::Category::llm, "swiglu");
      for (std::size_t i = 0; i < H * n; ++i) hb[i] = silu(hb[i]) * hb2[i];
    }
    SB_RANGE(prof::Category::llm, "down_proj + residual");
    observe(l, ProjInput::ffn_mid, hb, H);
    mm(w.w_down, hb, hidden, xb, D);
    for (std::size_t i = 0; i < D * n; ++i) x[i] += xb[i];
  }
  keep_output_rows();  // no layers: nothing did it yet
  {
    SB_RANGE(prof::Category::llm, "output_norm");
    for (int r = 0; r < nr; ++r) rmsnorm(x + D * r, m_.output_norm.data(), dim, c.norm_eps, xb + D * r);
  }
  {
    SB_RANGE(prof::Category::llm, "lm_head");
    matmul(m_.head(), xb, D, nr, logits, c.vocab_size, kopt_,
           scratch_.bytes(matmul_scratch_bytes(m_.head().type(), nr, dim)));
  }
  scratch_.reset();
}

int argmax(const float* x, int n) { return static_cast<int>(std::max_element(x, x + n) - x); }

std::vector<std::vector<int>> make_prompts(int batch, int len, int vocab, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::vector<int>> p(batch, std::vector<int>(len));
  for (auto& s : p)
    for (auto& t : s) t = 3 + static_cast<int>(rng() % static_cast<std::uint64_t>(vocab - 3));
  return p;
}

Generation generate(Engine& e, const std::vector<std::vector<int>>& prompts, int gen_len, bool record,
                    const std::vector<std::vector<int>>* forced) {
  using clock = std::chrono::steady_clock;
  const int B = static_cast<int>(prompts.size()), V = e.model().cfg.vocab_size;
  Generation g;
  g.tokens.assign(B, {});
  std::vector<float> logits(static_cast<std::size_t>(B) * V);
  std::vector<int> toks, seqs;
  auto pick = [&](int step) {
    SB_RANGE(prof::Category::llm, "sample");
    if (record) g.logits.emplace_back();
    for (int b = 0; b < B; ++b) {
      const float* lg = logits.data() + static_cast<std::size_t>(b) * V;
      if (record) g.logits.back().emplace_back(lg, lg + V);
      g.tokens[b].push_back(forced ? (*forced)[b][step] : argmax(lg, V));
    }
  };
  // Whole histories, sequence-major: the prefill, and every step when kv_cache=off.
  auto full = [&](int upto) {
    toks.clear(), seqs.clear();
    for (int b = 0; b < B; ++b) {
      e.reset_seq(b);
      for (int t : prompts[b]) toks.push_back(t), seqs.push_back(b);
      for (int i = 0; i < upto; ++i) toks.push_back(g.tokens[b][i]), seqs.push_back(b);
    }
    e.forward(toks.data(), seqs.data(), static_cast<int>(toks.size()), false, logits.data());
  };
  const auto t0 = clock::now();
  {
    SB_RANGE(prof::Category::llm, "prefill");
    full(0);
    pick(0);
  }
  auto t1 = clock::now();
  g.ttft_s = std::chrono::duration<double>(t1 - t0).count();
  for (int step = 1; step < gen_len; ++step) {
    SB_RANGE_INDEXED(prof::Category::llm, "decode step", step);
    if (e.options().kv_cache) {
      toks.clear(), seqs.clear();
      for (int b = 0; b < B; ++b) toks.push_back(g.tokens[b].back()), seqs.push_back(b);
      e.forward(toks.data(), seqs.data(), B, false, logits.data());
    } else {
      full(step);
    }
    pick(step);
    const auto t2 = clock::now();
    g.step_s.push_back(std::chrono::duration<double>(t2 - t1).count());
    t1 = t2;
  }
  return g;
}

}  // namespace sb::llm

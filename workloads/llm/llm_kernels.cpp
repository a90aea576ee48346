// Scalar kernels, the Matrix container and the run-time dispatch to the AVX2 and AVX-512 files.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/llm/llm_kernels.hpp"
#include "stratbench/workloads/llm/quant.hpp"
#include "stratbench/workloads/thread_pool.hpp"

namespace sb::llm {
namespace {

// fp16 -> fp32 for the scalar paths by table: a call into the exact converter per weight
// would make `precision=fp16+simd=off` a measurement of that call rather than of a scalar
// loop. 256 KiB, built once from the exact converter.
const float* fp16_table() {
  static const std::vector<float> t = [] {
    std::vector<float> v(65536);
    for (std::uint32_t h = 0; h < 65536; ++h) v[h] = fp16_to_fp32(static_cast<std::uint16_t>(h));
    return v;
  }();
  return t.data();
}

inline std::uint16_t load_u16(const std::uint8_t* p) {
  std::uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}

inline float bf16_bits_to_f32(std::uint16_t h) {
  const std::uint32_t u = static_cast<std::uint32_t>(h) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

float dot_f32_scalar(const float* w, const float* x, int n) {
  float s = 0;
  for (int i = 0; i < n; ++i) s += w[i] * x[i];
  return s;
}

float dot_f16_scalar(const std::uint8_t* w, const float* x, int n) {
  const float* t = fp16_table();
  float s = 0;
  for (int i = 0; i < n; ++i) s += t[load_u16(w + 2 * i)] * x[i];
  return s;
}

float dot_bf16_scalar(const std::uint8_t* w, const float* x, int n) {
  float s = 0;
  for (int i = 0; i < n; ++i) s += bf16_bits_to_f32(load_u16(w + 2 * i)) * x[i];
  return s;
}

// Both sides Q8_0: an exact int32 sum per block, scaled by the two block scales.
float dot_q8_0_scalar(const std::uint8_t* w, const std::uint8_t* xq, int n) {
  const float* t = fp16_table();
  float s = 0;
  for (int b = 0; b < n / 32; ++b, w += kQ8_0BlockBytes, xq += kQ8_0BlockBytes) {
    const auto* qw = reinterpret_cast<const std::int8_t*>(w + 2);
    const auto* qx = reinterpret_cast<const std::int8_t*>(xq + 2);
    std::int32_t acc = 0;
    for (int j = 0; j < 32; ++j) acc += qw[j] * qx[j];
    s += t[load_u16(w)] * t[load_u16(xq)] * static_cast<float>(acc);
  }
  return s;
}

// Q4_0 weights: byte j holds element j (low nibble) and j+16 (high nibble), offset by 8.
float dot_q4_0_scalar(const std::uint8_t* w, const std::uint8_t* xq, int n) {
  const float* t = fp16_table();
  float s = 0;
  for (int b = 0; b < n / 32; ++b, w += kQ4_0BlockBytes, xq += kQ8_0BlockBytes) {
    const std::uint8_t* qw = w + 2;
    const auto* qx = reinterpret_cast<const std::int8_t*>(xq + 2);
    std::int32_t acc = 0;
    for (int j = 0; j < 16; ++j) {
      acc += ((qw[j] & 0x0F) - 8) * qx[j];
      acc += ((qw[j] >> 4) - 8) * qx[j + 16];
    }
    s += t[load_u16(w)] * t[load_u16(xq)] * static_cast<float>(acc);
  }
  return s;
}

bool is_block(GgmlType t) { return t == GgmlType::q8_0 || t == GgmlType::q4_0; }

}  // namespace

std::size_t row_bytes(GgmlType type, int cols) {
  return static_cast<std::size_t>(cols) / block_elements(type) * block_bytes(type);
}

Matrix Matrix::from_floats(GgmlType type, int rows, int cols, std::span<const float> values) {
  if (is_block(type) && cols % 32 != 0)
    throw InputError("matrix with " + std::to_string(cols) + " columns cannot be stored as " + to_string(type) +
                     " (columns must be a multiple of 32)");
  SB_CHECK(values.size() == static_cast<std::size_t>(rows) * cols);
  Matrix m;
  m.type_ = type, m.rows_ = rows, m.cols_ = cols, m.row_bytes_ = llm::row_bytes(type, cols);
  m.data_.resize(m.bytes());
  for (int o = 0; o < rows; ++o) {
    std::span<const float> in = values.subspan(static_cast<std::size_t>(o) * cols, cols);
    std::span<std::uint8_t> out(m.data_.data() + m.row_bytes_ * o, m.row_bytes_);
    switch (type) {
      case GgmlType::f32: std::memcpy(out.data(), in.data(), m.row_bytes_); break;
      case GgmlType::f16: fp32_to_fp16_row(in, out); break;
      case GgmlType::bf16: fp32_to_bf16_row(in, out); break;
      case GgmlType::q8_0: quantize_row_q8_0(in, out); break;
      case GgmlType::q4_0: quantize_row_q4_0(in, out); break;
    }
  }
  return m;
}

Matrix Matrix::from_bytes(GgmlType type, int rows, int cols, std::span<const std::uint8_t> bytes) {
  Matrix m;
  m.type_ = type, m.rows_ = rows, m.cols_ = cols, m.row_bytes_ = llm::row_bytes(type, cols);
  if (bytes.size() != m.bytes())
    throw InputError("tensor of " + std::to_string(bytes.size()) + " bytes does not hold " + std::to_string(rows) +
                     "x" + std::to_string(cols) + " " + to_string(type));
  m.data_.assign(bytes.begin(), bytes.end());
  return m;
}

void Matrix::interleave16() {
  // The compressed forms have no row-major rows to interleave (a low-rank matrix's factors
  // run the row-major tiles).
  if (!is_block(type_) || rows_ < 16 || !packed_.empty() || factors_ || sparse()) return;
  const int nb = cols_ / 32, nv = type_ == GgmlType::q4_0 ? 4 : 8;
  const std::size_t bb = block_bytes(type_);
  packed_.resize(group_bytes() * static_cast<std::size_t>(rows_ / 16));
  for (int g = 0; g < rows_ / 16; ++g)
    for (int b = 0; b < nb; ++b) {
      std::uint8_t* o = packed_.data() + group_bytes() * g + group_block_bytes(type_) * b;
      for (int r = 0; r < 16; ++r) {
        const std::uint8_t* blk = row(16 * g + r) + bb * b;
        for (int v = 0; v < nv; ++v) std::memcpy(o + 64 * v + 4 * r, blk + 2 + 4 * v, 4);
        std::memcpy(o + 64 * nv + 2 * r, blk, 2);
        if (type_ == GgmlType::q8_0) {
          std::int32_t sum = 0;
          for (int j = 0; j < 32; ++j) sum += static_cast<std::int8_t>(blk[2 + j]);
          sum *= 128;
          std::memcpy(o + 64 * nv + 32 + 4 * r, &sum, 4);
        }
      }
    }
}

void Matrix::dequantize_row(int o, float* out) const {
  std::span<const std::uint8_t> in(row(o), row_bytes_);
  std::span<float> y(out, cols_);
  switch (type_) {
    case GgmlType::f32: std::memcpy(out, in.data(), row_bytes_); break;
    case GgmlType::f16: fp16_to_fp32_row(in, y); break;
    case GgmlType::bf16: bf16_to_fp32_row(in, y); break;
    case GgmlType::q8_0: dequantize_row_q8_0(in, y); break;
    case GgmlType::q4_0: dequantize_row_q4_0(in, y); break;
  }
}

bool avx512_llm_supported() {
#if defined(__x86_64__)
  // libgcc's checks include the OS's XCR0 state for the zmm and mask registers.
  static const bool ok = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni") &&
                         __builtin_cpu_supports("avx512bf16") && cpu_has_f16c() && __builtin_cpu_supports("fma");
  return ok;
#else
  return false;
#endif
}

SimdLevel best_llm_simd_level() {
  if (avx512_llm_supported()) return SimdLevel::avx512;
#if defined(__x86_64__)
  if (simd_level_supported(SimdLevel::avx2) && cpu_has_f16c()) return SimdLevel::avx2;
#endif
  return SimdLevel::scalar;
}

SimdLevel llm_simd_level(SimdKnob knob) { return simd_level(knob, best_llm_simd_level()); }

std::string llm_simd_unsupported(SimdKnob knob) {
  if (knob == SimdKnob::off) return {};
  if (knob == SimdKnob::avx512 && !avx512_llm_supported())
    return "the engine's AVX-512 kernels need AVX512F, BW, VL, VNNI and BF16 together; this CPU lacks some";
  if (best_llm_simd_level() == SimdLevel::scalar)
    return "this CPU lacks AVX2+FMA+F16C, which the engine's vector kernels need";
  return {};
}

float dot_row(GgmlType type, const std::uint8_t* w, const float* x, const std::uint8_t* xq, int n, SimdLevel simd) {
  const auto* wh = reinterpret_cast<const std::uint16_t*>(w);  // rows are 4-byte aligned: vector storage
  const auto* wf = reinterpret_cast<const float*>(w);
  if (simd == SimdLevel::avx512) {
    switch (type) {
      case GgmlType::f32: return detail::dot_f32_avx512(wf, x, n);
      case GgmlType::f16: return detail::dot_f16_avx512(wh, x, n);
      case GgmlType::bf16: return detail::dot_bf16_avx512(wh, x, n);
      case GgmlType::q8_0: return detail::dot_q8_0_avx512(w, xq, n);
      case GgmlType::q4_0: return detail::dot_q4_0_avx512(w, xq, n);
    }
  }
  const bool v = simd != SimdLevel::scalar;
  switch (type) {
    case GgmlType::f32: return v ? detail::dot_f32_avx2(wf, x, n) : dot_f32_scalar(wf, x, n);
    case GgmlType::f16: return v ? detail::dot_f16_avx2(wh, x, n) : dot_f16_scalar(w, x, n);
    case GgmlType::bf16: return v ? detail::dot_bf16_avx2(wh, x, n) : dot_bf16_scalar(w, x, n);
    case GgmlType::q8_0: return v ? detail::dot_q8_0_avx2(w, xq, n) : dot_q8_0_scalar(w, xq, n);
    case GgmlType::q4_0: return v ? detail::dot_q4_0_avx2(w, xq, n) : dot_q4_0_scalar(w, xq, n);
  }
  return 0;
}

std::size_t matmul_scratch_bytes(GgmlType type, int ntok, int cols) {
  return is_block(type) ? static_cast<std::size_t>(ntok) * row_bytes(GgmlType::q8_0, cols) : 0;
}

void quantize_activations(GgmlType type, const float* x, std::size_t ldx, int ntok, int cols, std::uint8_t* xq,
                          const KernelOptions* opt) {
  if (!is_block(type)) return;
  const std::size_t rb = row_bytes(GgmlType::q8_0, cols);
  const bool vec = opt && opt->simd != SimdLevel::scalar;
  auto rows = [&](int t0, int t1) {
    for (int t = t0; t < t1; ++t) {
      if (vec)
        detail::quantize_row_q8_0_avx2(x + ldx * t, cols, xq + rb * t);
      else
        quantize_row_q8_0({x + ldx * t, static_cast<std::size_t>(cols)}, {xq + rb * t, rb});
    }
  };
  // A prompt's activations are a few hundred rows: serial, they left the second core idle
  // for about a tenth of an int8 prefill.
  const int tasks = opt && opt->pool ? std::min(ntok, opt->pool->size()) : 1;
  if (tasks <= 1) return rows(0, ntok);
  opt->pool->run(tasks, [&](int p) { rows(split_begin(ntok, tasks, p), split_begin(ntok, tasks, p + 1)); });
}

void matmul_rows(const Matrix& w, int r0, int r1, const float* x, std::size_t ldx, const std::uint8_t* xq, int ntok,
                 float* y, std::size_t ldy, SimdLevel simd, bool blocked) {
  SB_CHECK(!w.factors());  // matmul_group runs the two products of a low-rank matrix
  if (w.sparse()) return sparse_rows(w, r0, r1, x, ldx, ntok, y, ldy, simd);
  const int n = w.cols();
  const std::size_t qb = row_bytes(GgmlType::q8_0, n);
  // One token is a row of dot products, bound by the memory's streaming rate: tiles of
  // adjacent rows measured slower than rows one after another (float and Q8_0), except for
  // Q4_0, whose dot product is limited by the arithmetic, not the memory (four rows folded
  // into one register went 1.8x as fast on one core). Blocked, at either vector level: four
  // streams of rows far apart (gemv_avx512, gemv_avx2), which one core reads faster.
  const bool tiles = ntok > 1 || w.type() == GgmlType::q4_0;
  if (blocked && ntok > 1 && simd == SimdLevel::avx512 && w.interleaved()) {
    // The whole groups of 16 inside [r0, r1) by the interleaved copy, the rest row-major.
    const int g0 = (r0 + 15) / 16, g1 = std::min(r1, w.rows() / 16 * 16) / 16;
    if (g0 < g1) {
      if (r0 < 16 * g0) matmul_rows(w, r0, 16 * g0, x, ldx, xq, ntok, y, ldy, simd, true);
      detail::matmul_x16_avx512(w.type(), w.interleaved() + w.group_bytes() * g0, w.group_bytes(), g1 - g0, xq, qb,
                                ntok, n, y + (16 * g0 - r0), ldy);
      if (16 * g1 < r1) matmul_rows(w, 16 * g1, r1, x, ldx, xq, ntok, y + (16 * g1 - r0), ldy, simd, true);
      return;
    }
  }
  if (blocked && tiles && simd == SimdLevel::avx512)
    return detail::matmul_tiles_avx512(w.type(), w.row(r0), w.row_bytes(), r1 - r0, x, ldx, xq, qb, ntok, n, y, ldy);
  if (blocked && tiles && simd != SimdLevel::scalar)
    return detail::matmul_tiles_avx2(w.type(), w.row(r0), w.row_bytes(), r1 - r0, x, ldx, xq, qb, ntok, n, y, ldy);
  if (blocked && ntok == 1 && w.type() != GgmlType::q4_0 && simd == SimdLevel::avx512)
    return detail::gemv_avx512(w.type(), w.row(r0), w.row_bytes(), r1 - r0, x, xq, n, y);
  if (blocked && ntok == 1 && w.type() != GgmlType::q4_0 && simd == SimdLevel::avx2)
    return detail::gemv_avx2(w.type(), w.row(r0), w.row_bytes(), r1 - r0, x, xq, n, y);
  // Row-outer: one weight row is read from memory once and reused from L1 for every token
  // of the batch; that reuse is what makes prefill (and batched decode) a matrix product.
  for (int o = r0; o < r1; ++o) {
    const std::uint8_t* wr = w.row(o);
    for (int t = 0; t < ntok; ++t)
      y[ldy * t + (o - r0)] = dot_row(w.type(), wr, x + ldx * t, xq ? xq + qb * t : nullptr, n, simd);
  }
}

namespace {

// Row ranges [b[i], b[i+1]) for the threads to claim in order, large first and shrinking
// toward the end (guided scheduling): a claim is a fraction of the rows still unclaimed, so
// the last ones are short and the threads finish close together, while most rows go out in
// a few long contiguous runs that keep the memory streaming. A decode step is a hundred
// products of a few microseconds each: half a task of idle per product was a tenth of it.
// Boundaries are multiples of 16 rows (the interleaved Q4_0/Q8_0 groups, and four of the block
// tiles' height) except at the end.
int guided_chunks(int rows, int threads, int ntok, std::array<int, 65>& b) {
  const int min_chunk = ntok > 1 ? 8 : 16;
  int n = 0;
  b[0] = 0;
  for (int r = 0; r < rows && n + 1 < static_cast<int>(b.size()) - 1;) {
    int c = std::max(min_chunk, (rows - r) / (2 * threads));
    c = (c + 15) / 16 * 16;
    r = std::min(rows, r + c);
    b[++n] = r;
  }
  if (b[n] < rows) b[++n] = rows;
  return n;
}

}  // namespace

void matmul(const Matrix& w, const float* x, std::size_t ldx, int ntok, float* y, std::size_t ldy,
            const KernelOptions& opt, std::uint8_t* scratch) {
  const Product p{&w, y, ldy};
  matmul_group({&p, 1}, x, ldx, ntok, opt, scratch);
}

namespace {

// One product of a parallel job: its own input (and Q8_0 copy for block types).
struct Job {
  const Matrix* w;
  const float* x;
  std::size_t ldx;
  const std::uint8_t* xq;
  float* y;
  std::size_t ldy;
};

// A group's products without a heap allocation per call: a decode step makes a hundred
// calls, and memory=malloc's allocation count is one of the figures.
template <class T>
struct Few {
  std::array<T, 8> items;
  std::size_t n = 0;
  void push_back(const T& v) {
    SB_CHECK(n < items.size());
    items[n++] = v;
  }
  bool empty() const { return n == 0; }
  operator std::span<const T>() const { return {items.data(), n}; }
  const T* begin() const { return items.data(); }
  const T* end() const { return items.data() + n; }
};

// The jobs' rows laid end to end, shared out as one parallel job.
void run_jobs(std::span<const Job> jobs, int ntok, const KernelOptions& opt) {
  int total = 0;
  for (const Job& j : jobs) total += j.w->rows();
  // Rows [g0, g1) of the jobs' rows, job by job.
  auto rows = [&](int g0, int g1) {
    int base = 0;
    for (const Job& j : jobs) {
      const int r0 = std::max(g0, base) - base, r1 = std::min(g1, base + j.w->rows()) - base;
      if (r0 < r1) matmul_rows(*j.w, r0, r1, j.x, j.ldx, j.xq, ntok, j.y + r0, j.ldy, opt.simd, opt.blocked);
      base += j.w->rows();
    }
  };
  const int threads = opt.pool ? opt.pool->size() : 1;
  if (threads <= 1) return rows(0, total);
  std::array<int, 65> b;
  const int tasks = guided_chunks(total, threads, ntok, b);
  opt.pool->run(tasks, [&](int p) { rows(b[p], b[p + 1]); });
}

// Low-rank members (Matrix::from_factors): t = B x for all of them as one group, since they
// share x, then y = A t for all of them as one job (each A its own input); the others as
// one group. t and its Q8_0 copies live in buffers per thread that grow to the largest
// request and stay.
void matmul_group_factored(std::span<const Product> ps, const float* x, std::size_t ldx, int ntok,
                           const KernelOptions& opt, std::uint8_t* scratch) {
  thread_local std::vector<float> t;
  thread_local std::vector<std::uint8_t> tq;
  Few<Product> plain, inner;
  Few<Job> outer;
  Few<std::uint8_t*> quantized;  // outer's Q8_0 inputs, written once t is known; null for float types
  std::size_t need = 0, qneed = 0;
  for (const Product& p : ps)
    if (const auto* f = p.w->factors()) {
      need += static_cast<std::size_t>(f->a.cols()) * ntok;
      qneed += matmul_scratch_bytes(f->a.type(), ntok, f->a.cols());
    }
  if (t.size() < need) t.resize(need);
  if (tq.size() < qneed) tq.resize(qneed);
  std::size_t off = 0, qoff = 0;
  for (const Product& p : ps) {
    const auto* f = p.w->factors();
    if (!f) {
      plain.push_back(p);
      continue;
    }
    const std::size_t k = f->a.cols();
    inner.push_back({&f->b, t.data() + off, k});
    std::uint8_t* xq = is_block(f->a.type()) ? tq.data() + qoff : nullptr;
    quantized.push_back(xq);
    outer.push_back({&f->a, t.data() + off, k, xq, p.y, p.ldy});
    off += k * ntok;
    qoff += matmul_scratch_bytes(f->a.type(), ntok, f->a.cols());
  }
  if (!plain.empty()) matmul_group(plain, x, ldx, ntok, opt, scratch);
  matmul_group(inner, x, ldx, ntok, opt, scratch);
  for (std::size_t i = 0; i < outer.n; ++i)
    if (quantized.items[i])
      quantize_activations(outer.items[i].w->type(), outer.items[i].x, outer.items[i].ldx, ntok,
                           outer.items[i].w->cols(), quantized.items[i], &opt);
  run_jobs(outer, ntok, opt);
}

}  // namespace

void matmul_group(std::span<const Product> ps, const float* x, std::size_t ldx, int ntok, const KernelOptions& opt,
                  std::uint8_t* scratch) {
  for (const Product& p : ps)
    if (p.w->factors()) return matmul_group_factored(ps, x, ldx, ntok, opt, scratch);
  const std::uint8_t* xq = nullptr;
  Few<Job> jobs;
  for (const Product& p : ps) {
    SB_CHECK(p.w->cols() == ps[0].w->cols());
    if (is_block(p.w->type()) && !xq) {
      quantize_activations(p.w->type(), x, ldx, ntok, p.w->cols(), scratch, &opt);
      xq = scratch;
    }
  }
  for (const Product& p : ps) jobs.push_back({p.w, x, ldx, is_block(p.w->type()) ? xq : nullptr, p.y, p.ldy});
  run_jobs(jobs, ntok, opt);
}

float dot_f32(const float* a, const float* b, int n, SimdLevel simd) {
  if (simd == SimdLevel::avx512) return detail::dot_f32_avx512(a, b, n);
  return simd != SimdLevel::scalar ? detail::dot_f32_avx2(a, b, n) : dot_f32_scalar(a, b, n);
}

void axpy(float a, const float* x, float* y, int n, SimdLevel simd) {
  if (simd != SimdLevel::scalar) return detail::axpy_f32_avx2(a, x, y, n);
  for (int i = 0; i < n; ++i) y[i] += a * x[i];
}

void scale(float a, float* y, int n, SimdLevel simd) {
  if (simd != SimdLevel::scalar) return detail::scale_f32_avx2(a, y, n);
  for (int i = 0; i < n; ++i) y[i] *= a;
}

namespace {
// f(j, row) for rows 0..len-1, a block at a time (no division per row).
template <class F>
void for_rows(const KvRows& r, int len, F&& f) {
  for (int b = 0, j = 0; j < len; ++b) {
    const float* p = r.blocks[b] + r.offset;
    for (const int end = std::min(len, j + r.block); j < end; ++j, p += r.stride) f(j, p);
  }
}
}  // namespace

void attend_two_pass(const float* q, KvRows k, KvRows v, int len, int head_dim, float sc, float* scores, float* out,
                     SimdLevel simd) {
  float mx = -INFINITY;
  for_rows(k, len, [&](int j, const float* kr) {
    scores[j] = dot_f32(q, kr, head_dim, simd) * sc;
    mx = std::max(mx, scores[j]);
  });
  float sum = 0;
  for (int j = 0; j < len; ++j) {
    scores[j] = std::exp(scores[j] - mx);
    sum += scores[j];
  }
  std::fill(out, out + head_dim, 0.f);
  const float inv = 1.f / sum;
  for_rows(v, len, [&](int j, const float* vr) { axpy(scores[j] * inv, vr, out, head_dim, simd); });
}

void attend_online(const float* q, KvRows k, KvRows v, int len, int head_dim, float sc, float* out, SimdLevel simd) {
  float m = -INFINITY, l = 0;
  std::fill(out, out + head_dim, 0.f);
  for (int b = 0, j = 0; j < len; ++b) {
    const float* kr = k.blocks[b] + k.offset;
    const float* vr = v.blocks[b] + v.offset;
    for (const int end = std::min(len, j + k.block); j < end; ++j, kr += k.stride, vr += v.stride) {
      const float s = dot_f32(q, kr, head_dim, simd) * sc;
      if (s > m) {
        // A new maximum: what was summed so far was weighted against the old one.
        const float r = std::exp(m - s);  // exp(-inf) = 0 on the first key
        l *= r;
        scale(r, out, head_dim, simd);
        m = s;
      }
      const float p = std::exp(s - m);
      l += p;
      axpy(p, vr, out, head_dim, simd);
    }
  }
  scale(1.f / l, out, head_dim, simd);
}

}  // namespace sb::llm

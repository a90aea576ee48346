// The engine's compute kernels: weight matrices in one of five storage types, products of a
// weight matrix with a batch of activation rows, and one head of causal attention.
//
// Every kernel has a scalar version (the honest reference of the `simd=off` strategies), an
// AVX2+FMA+F16C version and an AVX-512 version (F, BW, VL, VNNI and BF16 together), reached
// through run-time dispatch on the SimdLevel: llm_kernels_avx2.cpp and
// llm_kernels_avx512.cpp are the only files built with those flags.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <vector>

#include "stratbench/workloads/cpu_features.hpp"
#include "stratbench/workloads/llm/gguf.hpp"

namespace sb {
class ThreadPool;
}

namespace sb::llm {

// Storage whose first byte is on a cache line: with rows a multiple of 64 bytes long (fp32
// rows of 768 or 2048 inputs), no 32-byte load of a weight row straddles two lines. From
// malloc's 16-byte alignment, half of them did, and the fp32 register tiles ran a third
// slower for it.
template <class T>
struct LineAligned {
  using value_type = T;
  LineAligned() = default;
  template <class U>
  LineAligned(const LineAligned<U>&) {}
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new (n * sizeof(T), std::align_val_t{64})); }
  void deallocate(T* p, std::size_t) { ::operator delete (p, std::align_val_t{64}); }
  bool operator==(const LineAligned&) const = default;
};

// A linear weight W with `rows` outputs of `cols` inputs, W[o][i] in row o, stored as one of
// f32, f16, bf16, q8_0, q4_0 with ggml's byte layouts (quant.hpp): y = W x is one dot product
// per row. Two compressed forms (compress.hpp) hold the same logical matrix:
// - sparse (from_pruned): fp32 non-zeros packed row after row, and per row one 16-bit mask
//   per 16 columns saying which columns they sit in: an AVX-512 expand-load turns a mask and
//   the next popcount(mask) values back into 16 lanes, so a product reads
//   4 * nonzeros + cols / 8 bytes a row instead of 4 * cols;
// - low rank (from_factors): W = A B with A rows x k and B k x cols, two skinny products.
class Matrix {
 public:
  Matrix() = default;
  // `values` row-major rows x cols; cols a multiple of 32 for the block types (InputError).
  static Matrix from_floats(GgmlType type, int rows, int cols, std::span<const float> values);
  // Bytes already in `type` (a GGUF tensor), copied.
  static Matrix from_bytes(GgmlType type, int rows, int cols, std::span<const std::uint8_t> bytes);

  GgmlType type() const { return type_; }
  int rows() const { return rows_; }
  int cols() const { return cols_; }
  std::size_t row_bytes() const { return row_bytes_; }
  std::size_t bytes() const { return row_bytes_ * static_cast<std::size_t>(rows_); }
  const std::uint8_t* row(int o) const { return data_.data() + row_bytes_ * static_cast<std::size_t>(o); }
  // Row o back to floats (embedding lookup; tests).
  void dequantize_row(int o, float* out) const;
  bool empty() const { return rows_ == 0; }

  // A second copy of a Q4_0 or Q8_0 matrix with its rows interleaved 16 at a time, for the
  // AVX-512 prefill tiles (matmul_x16_avx512). Per group of 16 rows and per block:
  // - Q4_0: four 64-byte vectors (vector g, lane r: bytes 4g..4g+3 of row r's block, so a
  //   lane's low nibbles are elements 4g..4g+3 and its high ones 16+4g..16+4g+3), then the
  //   16 rows' fp16 scales;
  // - Q8_0: eight such vectors (elements 4g..4g+3), the 16 fp16 scales, then the 16 rows'
  //   128 * (sum of the block's weights) as int32 (the term that the unsigned x + 128
  //   that vpdpbusd needs adds).
  // A row of the product is then one lane of a vector, and a vpdpbusd against a token's
  // four broadcast bytes sums 16 rows at once with no horizontal folds. Rows past the last
  // full group stay in the row-major copy only. No-op for the float types.
  void interleave16();
  const std::uint8_t* interleaved() const { return packed_.empty() ? nullptr : packed_.data(); }
  static constexpr std::size_t group_block_bytes(GgmlType t) {
    return t == GgmlType::q4_0 ? 4 * 64 + 32 : 8 * 64 + 32 + 64;
  }
  std::size_t group_bytes() const { return static_cast<std::size_t>(cols_) / 32 * group_block_bytes(type_); }
  // Bytes held: the row-major weights and any interleaved copy, or the compressed form.
  std::size_t resident_bytes() const;

  // `values` row-major rows x cols, mostly zeros: kept as the sparse form (fp32 non-zeros).
  // two_of_four: the values have at most two non-zeros in every aligned four columns
  // (InputError otherwise), and the matrix also keeps the 2:4 form below.
  static Matrix from_pruned(int rows, int cols, std::span<const float> values, bool two_of_four = false);
  bool sparse() const { return !masks_.empty(); }
  // The 2:4 form: every aligned four columns store exactly two values (a zero is stored
  // where a group had fewer non-zeros, its mask bit set like any other), so a row holds
  // cols / 2 values, and per full block of 32 columns one word of 2-bit offsets: the
  // block's value j sits in column 4 (j / 2) + offset j. The one-token AVX-512 kernel then
  // needs no masks and no popcounts: one permute of two input vectors per 32 columns.
  bool two_of_four() const { return two_of_four_; }
  int offset_blocks() const { return cols_ / 32; }
  const std::uint32_t* offsets(int o) const { return offsets_.data() + static_cast<std::size_t>(o) * offset_blocks(); }
  int mask_groups() const { return (cols_ + 15) / 16; }
  // Row o's masks (mask_groups() of them; bit j of mask g: column 16 g + j is stored) and
  // its packed non-zeros, in column order.
  const std::uint16_t* masks(int o) const { return masks_.data() + static_cast<std::size_t>(o) * mask_groups(); }
  const float* values(int o) const { return values_.data() + value_start_[o]; }
  std::size_t nonzeros() const { return value_start_.empty() ? 0 : value_start_.back(); }

  // W = a b: rows and cols are a's rows and b's cols; type() is a's.
  static Matrix from_factors(Matrix a, Matrix b);
  struct Factors;
  const Factors* factors() const { return factors_.get(); }

 private:
  GgmlType type_ = GgmlType::f32;
  int rows_ = 0, cols_ = 0;
  std::size_t row_bytes_ = 0;
  std::vector<std::uint8_t, LineAligned<std::uint8_t>> data_;
  std::vector<std::uint8_t, LineAligned<std::uint8_t>> packed_;
  std::vector<std::uint16_t> masks_;
  std::vector<float, LineAligned<float>> values_;  // 16 zeros of padding past the last row
  std::vector<std::size_t> value_start_;           // rows + 1 offsets into values_
  std::vector<std::uint32_t> offsets_;             // the 2:4 form's, offset_blocks() a row
  bool two_of_four_ = false;
  std::shared_ptr<const Factors> factors_;
};

struct Matrix::Factors {
  Matrix a, b;  // rows x k, k x cols
};

std::size_t row_bytes(GgmlType type, int cols);

// Where and how a product runs. pool == nullptr or a pool of size 1: the calling thread only.
struct KernelOptions {
  SimdLevel simd = SimdLevel::scalar;
  ThreadPool* pool = nullptr;
  // layout=blocked: products over several tokens run register tiles of rows x tokens
  // (vector kernels only; a one-token product stays a row of dot products).
  bool blocked = false;
};

// Bytes of scratch that matmul needs for `ntok` activation rows of `cols` inputs: the
// activations quantized to Q8_0 for the q8_0/q4_0 types (integer dot products need both
// sides in integers), nothing for the float types.
std::size_t matmul_scratch_bytes(GgmlType type, int ntok, int cols);

// Y[t*ldy + (o - r0)] = sum_i W[o][i] * X[t*ldx + i] for t < ntok and rows o in [r0, r1)
// (y points at row r0's output column), with
// xq the activations already quantized (quantize_activations) for block types, else null.
// Single-threaded: the building block that matmul shares out and fused kernels reuse.
// blocked: register tiles (detail::matmul_tiles_avx2/avx512) when simd is on and ntok > 1, or for
// Q4_0 at any ntok; at the AVX-512 level with ntok > 1, the whole groups of 16 rows of an
// interleaved matrix (Matrix::interleave16) by detail::matmul_x16_avx512.
void matmul_rows(const Matrix& w, int r0, int r1, const float* x, std::size_t ldx, const std::uint8_t* xq, int ntok,
                 float* y, std::size_t ldy, SimdLevel simd, bool blocked = false);
// Q8_0 rows of the activations for a block-type product (no-op for float types).
// With opt: the rows shared over opt.pool, and the AVX2 quantizer when opt.simd is on (it
// rounds ties to even, as ggml's own vector quantizer does; the scalar one rounds them
// away from zero, as ggml's reference does: the two differ only on exact ties).
void quantize_activations(GgmlType type, const float* x, std::size_t ldx, int ntok, int cols, std::uint8_t* xq,
                          const KernelOptions* opt = nullptr);
// The whole product, rows shared over opt.pool. scratch: matmul_scratch_bytes(...) bytes.
void matmul(const Matrix& w, const float* x, std::size_t ldx, int ntok, float* y, std::size_t ldy,
            const KernelOptions& opt, std::uint8_t* scratch);

// One product of a group that shares its input: token t's outputs at y + t * ldy.
struct Product {
  const Matrix* w;
  float* y;
  std::size_t ldy;
};
// Products of one input (q, k and v; gate and up) as one parallel job: the rows of all of
// them are shared out together, so the threads meet once instead of once per product, and
// the input is quantized once for the block types (every block type takes the same Q8_0
// activations). Every w has `cols` inputs. scratch: the largest matmul_scratch_bytes of them.
void matmul_group(std::span<const Product> ps, const float* x, std::size_t ldx, int ntok, const KernelOptions& opt,
                  std::uint8_t* scratch);

// True when the CPU (and the OS, for the zmm state) has everything the AVX-512 kernels
// use: AVX512F, BW, VL, VNNI and BF16 (Ice Lake/Zen 4 and later have them all but BF16;
// Cooper Lake, Sapphire Rapids and Zen 4 have the five).
bool avx512_llm_supported();
// simd=auto for the engine: avx512 where avx512_llm_supported(), else avx2 where the CPU
// has AVX2+FMA+F16C, else scalar.
SimdLevel best_llm_simd_level();
// The level for a strategy's simd knob (off, auto, avx2, avx512), and why this CPU cannot
// run it (empty when it can).
SimdLevel llm_simd_level(SimdKnob knob);
std::string llm_simd_unsupported(SimdKnob knob);

// Rows [r0, r1) of a sparse matrix against ntok tokens (fp32 x): Y[t*ldy + (o - r0)].
// Scalar, AVX2 (a permutation table per byte of mask in place of the expand) or AVX-512.
void sparse_rows(const Matrix& w, int r0, int r1, const float* x, std::size_t ldx, int ntok, float* y, std::size_t ldy,
                 SimdLevel simd);

// Dot products of one stored row with fp32 (or, for block types, Q8_0) activations.
// Exposed for the kernel tests; `n` is the number of elements.
float dot_row(GgmlType type, const std::uint8_t* w, const float* x, const std::uint8_t* xq, int n, SimdLevel simd);

// Splits [0, n) into `parts` near-equal ranges (part p gets [begin, end)).
inline int split_begin(int n, int parts, int p) { return static_cast<int>(static_cast<long long>(n) * p / parts); }

namespace detail {
// AVX2 versions (llm_kernels_avx2.cpp; the fp32, fp16, bf16 and Q8_0 dot products and
// gemv_avx2 in gemv_streams_avx2.cpp), reached only after best_simd_level() saw AVX2+FMA;
// the F16C conversions they use come with every AVX2 CPU this project targets (checked in
// simd_supported_for_llm()).
float dot_f32_avx2(const float* w, const float* x, int n);
float dot_f16_avx2(const std::uint16_t* w, const float* x, int n);
float dot_bf16_avx2(const std::uint16_t* w, const float* x, int n);
float dot_q8_0_avx2(const std::uint8_t* w, const std::uint8_t* xq, int n);
float dot_q4_0_avx2(const std::uint8_t* w, const std::uint8_t* xq, int n);
void axpy_f32_avx2(float a, const float* x, float* y, int n);
// Y[t*ldy + r] = row r of the nrows rows at w (stride ws bytes) . token t, for ntok tokens:
// fp32 activations x (stride ldx floats) for the float types, Q8_0 activations xq (stride
// ldq bytes) for the block types; n inputs.
void matmul_tiles_avx2(GgmlType type, const std::uint8_t* w, std::size_t ws, int nrows, const float* x, std::size_t ldx,
                       const std::uint8_t* xq, std::size_t ldq, int ntok, int n, float* y, std::size_t ldy);
void scale_f32_avx2(float a, float* y, int n);
// AVX-512 versions (llm_kernels_avx512.cpp; the fp32, fp16, bf16 and Q8_0 dot products and
// gemv_avx512 in gemv_streams_avx512.cpp), reached only where avx512_llm_supported().
// The bf16 ones round the activations to bf16 for vdpbf16ps (ties to even); the others
// compute what their AVX2 twins do, in another order of the float sums.
float dot_f32_avx512(const float* w, const float* x, int n);
float dot_f16_avx512(const std::uint16_t* w, const float* x, int n);
float dot_bf16_avx512(const std::uint16_t* w, const float* x, int n);
float dot_q8_0_avx512(const std::uint8_t* w, const std::uint8_t* xq, int n);
float dot_q4_0_avx512(const std::uint8_t* w, const std::uint8_t* xq, int n);
// y[o] = row o of the nrows rows at w (ws bytes apart) . one token: x for the float types,
// its Q8_0 copy xq for Q8_0 (not Q4_0); n inputs. The rows are read as four streams
// (gemv_streams_avx512.cpp), each row's sum the same float as its dot_*_avx512.
void gemv_avx512(GgmlType type, const std::uint8_t* w, std::size_t ws, int nrows, const float* x,
                 const std::uint8_t* xq, int n, float* y);
// Rows [0, 16 * ngroups) of an interleaved Q4_0 or Q8_0 matrix (groups at pk,
// group_bytes apart) against ntok Q8_0 activation rows: Y[t*ldy + r].
void matmul_x16_avx512(GgmlType type, const std::uint8_t* pk, std::size_t group_bytes, int ngroups,
                       const std::uint8_t* xq, std::size_t ldq, int ntok, int n, float* y, std::size_t ldy);
void matmul_tiles_avx512(GgmlType type, const std::uint8_t* w, std::size_t ws, int nrows, const float* x,
                         std::size_t ldx, const std::uint8_t* xq, std::size_t ldq, int ntok, int n, float* y,
                         std::size_t ldy);
void sparse_rows_avx2(const Matrix& w, int r0, int r1, const float* x, std::size_t ldx, int ntok, float* y,
                      std::size_t ldy);
void sparse_rows_avx512(const Matrix& w, int r0, int r1, const float* x, std::size_t ldx, int ntok, float* y,
                        std::size_t ldy);
// One row of n (a multiple of 32) floats to Q8_0 blocks; ties round to even.
void quantize_row_q8_0_avx2(const float* x, int n, std::uint8_t* out);
// gemv_avx512's twin at the AVX2 level (gemv_streams_avx2.cpp).
void gemv_avx2(GgmlType type, const std::uint8_t* w, std::size_t ws, int nrows, const float* x, const std::uint8_t* xq,
               int n, float* y);
}  // namespace detail

// y += a * x and y *= a (attention's weighted sums of V).
void axpy(float a, const float* x, float* y, int n, SimdLevel simd);
void scale(float a, float* y, int n, SimdLevel simd);
float dot_f32(const float* a, const float* b, int n, SimdLevel simd);

// Rows of keys (or values) of one kv head, spread over blocks of `block` rows: row j is at
// blocks[j / block] + offset + stride * (j % block). One block holds the contiguous case.
// k and v of one call share the block size.
struct KvRows {
  const float* const* blocks;
  int block;
  std::size_t stride;
  std::size_t offset = 0;  // the kv head's columns
};

// One query against keys/values 0..len-1 of one kv head, into out[head_dim].
// two_pass: scores into `scores` (len floats), max, exp, normalize, weighted sum: the
// textbook softmax, three passes over the scores. online: one pass over keys and values
// with a running max and sum (the rescaling trick of FlashAttention), no scores buffer.
// scale = 1/sqrt(head_dim).
void attend_two_pass(const float* q, KvRows k, KvRows v, int len, int head_dim, float scale, float* scores, float* out,
                     SimdLevel simd);
void attend_online(const float* q, KvRows k, KvRows v, int len, int head_dim, float scale, float* out, SimdLevel simd);
// Contiguous keys and values, rows `stride` floats apart.
inline void attend_two_pass(const float* q, const float* k, const float* v, std::size_t stride, int len, int head_dim,
                            float scale, float* scores, float* out, SimdLevel simd) {
  attend_two_pass(q, {&k, len, stride}, {&v, len, stride}, len, head_dim, scale, scores, out, simd);
}
inline void attend_online(const float* q, const float* k, const float* v, std::size_t stride, int len, int head_dim,
                          float scale, float* out, SimdLevel simd) {
  attend_online(q, {&k, len, stride}, {&v, len, stride}, len, head_dim, scale, out, simd);
}

}  // namespace sb::llm

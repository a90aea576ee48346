#include "stratbench/workloads/llm/compress.hpp"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "seeded_normal.hpp"
#include "stratbench/result/errors.hpp"

// LAPACK as OpenBLAS ships it (Fortran calling convention; the trailing lengths are the
// hidden lengths of the character arguments).
extern "C" {
void dgeqrf_(const int* m, const int* n, double* a, const int* lda, double* tau, double* work, const int* lwork,
             int* info);
void dorgqr_(const int* m, const int* n, const int* k, double* a, const int* lda, const double* tau, double* work,
             const int* lwork, int* info);
void dsyevd_(const char* jobz, const char* uplo, const int* n, double* a, const int* lda, double* w, double* work,
             const int* lwork, int* iwork, const int* liwork, int* info, std::size_t, std::size_t);
}

namespace sb::llm {

Compression compression_of(const Knobs& k) {
  return {.sparsity = k.sparsity, .lowrank_percent = k.lowrank, .share = k.share};
}

double zero_share(Sparsity s) {
  switch (s) {
    case Sparsity::off: return 0;
    case Sparsity::u50: return 0.5;
    case Sparsity::u70: return 0.7;
    case Sparsity::u90: return 0.9;
    case Sparsity::two_of_four: return 0.5;
  }
  return 0;
}

LayerTensor layer_tensor(const std::string& name) {
  if (!name.starts_with("blk.")) return {};
  const std::size_t dot = name.find('.', 4);
  if (dot == std::string::npos) return {};
  return {std::stoi(name.substr(4, dot - 4)), name.substr(dot + 1)};
}

std::optional<ProjInput> projection_input(const std::string& name) {
  const LayerTensor t = layer_tensor(name);
  if (t.layer < 0) return std::nullopt;
  if (t.rest == "attn_q.weight" || t.rest == "attn_k.weight" || t.rest == "attn_v.weight") return ProjInput::attn_in;
  if (t.rest == "attn_output.weight") return ProjInput::attn_out;
  if (t.rest == "ffn_gate.weight" || t.rest == "ffn_up.weight") return ProjInput::ffn_in;
  if (t.rest == "ffn_down.weight") return ProjInput::ffn_mid;
  return std::nullopt;
}

const std::vector<double>* InputNorms::of(const std::string& tensor) const {
  const std::optional<ProjInput> in = projection_input(tensor);
  const auto layer = static_cast<std::size_t>(layer_tensor(tensor).layer);
  if (!in || layer >= layers.size()) return nullptr;
  return &layers[layer][static_cast<int>(*in)];
}

void prune(std::span<float> w, int rows, int cols, Sparsity s, const std::vector<double>* col_sumsq) {
  SB_CHECK(w.size() == static_cast<std::size_t>(rows) * cols);
  SB_CHECK(!col_sumsq || col_sumsq->size() == static_cast<std::size_t>(cols));
  if (s == Sparsity::off) return;
  std::vector<double> norm(static_cast<std::size_t>(cols), 1.0);
  if (col_sumsq)
    for (int i = 0; i < cols; ++i) norm[i] = std::sqrt((*col_sumsq)[i]);
  auto smaller = [&norm](const float* r) {
    return [r, &norm](int a, int b) {
      const double x = std::fabs(r[a]) * norm[a], y = std::fabs(r[b]) * norm[b];
      return x < y || (x == y && a < b);
    };
  };
  if (s == Sparsity::two_of_four) {
    if (cols % 4 != 0)
      throw InputError("sparsity=2of4 needs inputs in fours; a matrix has " + std::to_string(cols) + " columns");
    for (int o = 0; o < rows; ++o) {
      float* r = w.data() + static_cast<std::size_t>(o) * cols;
      for (int i = 0; i < cols; i += 4) {
        int idx[4] = {i, i + 1, i + 2, i + 3};
        std::sort(idx, idx + 4, smaller(r));
        r[idx[0]] = r[idx[1]] = 0.0f;
      }
    }
    return;
  }
  const int zeros = static_cast<int>(std::lround(zero_share(s) * cols));
  std::vector<int> idx(static_cast<std::size_t>(cols));
  for (int o = 0; o < rows; ++o) {
    float* r = w.data() + static_cast<std::size_t>(o) * cols;
    std::iota(idx.begin(), idx.end(), 0);
    std::nth_element(idx.begin(), idx.begin() + zeros, idx.end(), smaller(r));
    for (int i = 0; i < zeros; ++i) r[idx[static_cast<std::size_t>(i)]] = 0.0f;
  }
}

int low_rank_k(int rows, int cols, int percent, bool blocks) {
  const int full = std::min(rows, cols);
  int k = std::max(1, static_cast<int>(std::lround(full * percent / 100.0)));
  if (blocks) k = std::max(32, (k + 16) / 32 * 32);
  return std::min(k, full);
}

namespace {

// Y (n x l, column-major) <- an orthonormal basis of its columns (QR, Q kept).
void orthonormalize(std::vector<double>& y, int n, int l) {
  std::vector<double> tau(static_cast<std::size_t>(l));
  int info = 0, lwork = -1;
  double q = 0;
  dgeqrf_(&n, &l, y.data(), &n, tau.data(), &q, &lwork, &info);
  lwork = std::max(1, static_cast<int>(q));
  std::vector<double> work(static_cast<std::size_t>(lwork));
  dgeqrf_(&n, &l, y.data(), &n, tau.data(), work.data(), &lwork, &info);
  SB_CHECK(info == 0);
  lwork = -1;
  dorgqr_(&n, &l, &l, y.data(), &n, tau.data(), &q, &lwork, &info);
  lwork = std::max(1, static_cast<int>(q));
  work.resize(static_cast<std::size_t>(lwork));
  dorgqr_(&n, &l, &l, y.data(), &n, tau.data(), work.data(), &lwork, &info);
  SB_CHECK(info == 0);
}

// The eigenvectors of the symmetric l x l matrix g (column-major), in place, eigenvalues
// ascending.
void eigenvectors(std::vector<double>& g, int l) {
  std::vector<double> ev(static_cast<std::size_t>(l));
  int info = 0, lwork = -1, liwork = -1, iq = 0;
  double q = 0;
  dsyevd_("V", "U", &l, g.data(), &l, ev.data(), &q, &lwork, &iq, &liwork, &info, 1, 1);
  lwork = std::max(1, static_cast<int>(q));
  liwork = std::max(1, iq);
  std::vector<double> work(static_cast<std::size_t>(lwork));
  std::vector<int> iwork(static_cast<std::size_t>(liwork));
  dsyevd_("V", "U", &l, g.data(), &l, ev.data(), work.data(), &lwork, iwork.data(), &liwork, &info, 1, 1);
  SB_CHECK(info == 0);
}

}  // namespace

// In column-major terms the row-major W is Wt (cols x rows, leading dimension cols).
// Range finder: Q = orth(W Omega), refined by two power iterations; then Bm = Q^T W
// (l x cols), and the top k eigenvectors V of Bm Bm^T give W ~ Q Q^T W ~ (Q V)(V^T Bm).
Factors truncated_svd(std::span<const float> w, int rows, int cols, int k, std::uint64_t seed) {
  SB_CHECK(w.size() == static_cast<std::size_t>(rows) * cols && k >= 1 && k <= std::min(rows, cols));
  const int l = std::min(k + 16, std::min(rows, cols));
  // One OpenBLAS thread: these products are small, and OpenBLAS's own threads, spinning
  // against a busy machine, made a model's factoring 15x slower in wall time.
  struct OneThread {
    int was = openblas_get_num_threads();
    OneThread() { openblas_set_num_threads(1); }
    ~OneThread() { openblas_set_num_threads(was); }
  } one_thread;
  const std::vector<double> wd(w.begin(), w.end());
  std::vector<double> omega(static_cast<std::size_t>(cols) * l);
  Normal rng(tensor_seed(seed, "lowrank", static_cast<std::uint64_t>(rows) * 65536 + cols));
  for (double& v : omega) v = rng.next();
  std::vector<double> y(static_cast<std::size_t>(rows) * l), z(static_cast<std::size_t>(cols) * l);
  auto w_times = [&](const std::vector<double>& in) {  // y = W in (in: cols x l)
    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, rows, l, cols, 1.0, wd.data(), cols, in.data(), cols, 0.0,
                y.data(), rows);
    orthonormalize(y, rows, l);
  };
  w_times(omega);
  for (int it = 0; it < 2; ++it) {
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, cols, l, rows, 1.0, wd.data(), cols, y.data(), rows, 0.0,
                z.data(), cols);
    orthonormalize(z, cols, l);
    w_times(z);
  }
  std::vector<double> bm(static_cast<std::size_t>(l) * cols), g(static_cast<std::size_t>(l) * l);
  cblas_dgemm(CblasColMajor, CblasTrans, CblasTrans, l, cols, rows, 1.0, y.data(), rows, wd.data(), cols, 0.0,
              bm.data(), l);
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, l, l, cols, 1.0, bm.data(), l, bm.data(), l, 0.0, g.data(), l);
  eigenvectors(g, l);
  std::vector<double> v(static_cast<std::size_t>(l) * k);  // the top k, largest first
  for (int j = 0; j < k; ++j)
    std::copy_n(g.data() + static_cast<std::size_t>(l) * (l - 1 - j), l, v.data() + static_cast<std::size_t>(l) * j);
  std::vector<double> a(static_cast<std::size_t>(rows) * k), b(static_cast<std::size_t>(k) * cols);
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, rows, k, l, 1.0, y.data(), rows, v.data(), l, 0.0, a.data(),
              rows);
  cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, k, cols, l, 1.0, v.data(), l, bm.data(), l, 0.0, b.data(), k);
  Factors f;
  f.k = k;
  f.a.resize(a.size()), f.b.resize(b.size());
  for (int o = 0; o < rows; ++o)
    for (int j = 0; j < k; ++j)
      f.a[static_cast<std::size_t>(o) * k + j] = static_cast<float>(a[o + static_cast<std::size_t>(rows) * j]);
  for (int j = 0; j < k; ++j)
    for (int i = 0; i < cols; ++i)
      f.b[static_cast<std::size_t>(j) * cols + i] = static_cast<float>(b[j + static_cast<std::size_t>(k) * i]);
  return f;
}

}  // namespace sb::llm

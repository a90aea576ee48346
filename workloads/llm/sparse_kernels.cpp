// The compressed forms of a Matrix (sparse and low rank), and the scalar sparse product
// with its dispatch to the AVX2 and AVX-512 files.
#include <bit>
#include <string>

#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/llm/llm_kernels.hpp"

namespace sb::llm {

std::size_t Matrix::resident_bytes() const {
  if (factors_) return factors_->a.resident_bytes() + factors_->b.resident_bytes();
  return bytes() + packed_.size() + masks_.size() * sizeof(std::uint16_t) + nonzeros() * sizeof(float) +
         value_start_.size() * sizeof(std::size_t) + offsets_.size() * sizeof(std::uint32_t);
}

Matrix Matrix::from_pruned(int rows, int cols, std::span<const float> values, bool two_of_four) {
  SB_CHECK(rows > 0 && cols > 0 && values.size() == static_cast<std::size_t>(rows) * cols);
  if (two_of_four && cols % 4 != 0)
    throw InputError("a 2:4 matrix needs inputs in fours; this one has " + std::to_string(cols) + " columns");
  Matrix m;
  m.type_ = GgmlType::f32, m.rows_ = rows, m.cols_ = cols, m.row_bytes_ = 0, m.two_of_four_ = two_of_four;
  const int groups = m.mask_groups();
  m.masks_.assign(static_cast<std::size_t>(rows) * groups, 0);
  m.value_start_.reserve(static_cast<std::size_t>(rows) + 1);
  m.value_start_.push_back(0);
  if (two_of_four) m.offsets_.assign(static_cast<std::size_t>(rows) * m.offset_blocks(), 0);
  auto keep = [&m, groups](int o, int i, float v) {
    m.masks_[static_cast<std::size_t>(o) * groups + i / 16] |= static_cast<std::uint16_t>(1u << (i % 16));
    m.values_.push_back(v);
  };
  for (int o = 0; o < rows; ++o) {
    const float* w = values.data() + static_cast<std::size_t>(o) * cols;
    if (!two_of_four) {
      for (int i = 0; i < cols; ++i)
        if (w[i] != 0.0f) keep(o, i, w[i]);
      m.value_start_.push_back(m.values_.size());
      continue;
    }
    for (int i = 0; i < cols; i += 4) {
      // The group's non-zeros, then its first zeros until there are two, in column order.
      bool stored[4];
      int n = 0;
      for (int j = 0; j < 4; ++j) n += (stored[j] = w[i + j] != 0.0f);
      if (n > 2)
        throw InputError("a 2:4 matrix has three or more non-zeros in row " + std::to_string(o) + ", columns " +
                         std::to_string(i) + " to " + std::to_string(i + 3));
      for (int j = 0; j < 4 && n < 2; ++j)
        if (!stored[j]) stored[j] = true, ++n;
      int at[2], na = 0;
      for (int j = 0; j < 4; ++j)
        if (stored[j]) at[na++] = j;
      for (int k = 0; k < 2; ++k) {
        keep(o, i + at[k], w[i + at[k]]);
        const int b = i / 32, slot = (i % 32) / 2 + k;  // the value's place in its block
        if (b < m.offset_blocks())
          m.offsets_[static_cast<std::size_t>(o) * m.offset_blocks() + b] |= static_cast<std::uint32_t>(at[k])
                                                                             << (2 * slot);
      }
    }
    m.value_start_.push_back(m.values_.size());
  }
  // The AVX2 kernel loads 8 values at a time whatever its mask says: never past the end.
  m.values_.resize(m.values_.size() + 16, 0.0f);
  return m;
}

Matrix Matrix::from_factors(Matrix a, Matrix b) {
  SB_CHECK(a.cols() == b.rows() && a.type() == b.type() && !a.factors() && !b.factors());
  Matrix m;
  m.type_ = a.type(), m.rows_ = a.rows(), m.cols_ = b.cols(), m.row_bytes_ = 0;
  m.factors_ = std::make_shared<const Factors>(Factors{std::move(a), std::move(b)});
  return m;
}

namespace {

// The reference the vector kernels are tested against: each stored weight times its
// column's input, in column order.
void sparse_rows_scalar(const Matrix& w, int r0, int r1, const float* x, std::size_t ldx, int ntok, float* y,
                        std::size_t ldy) {
  const int groups = w.mask_groups();
  for (int o = r0; o < r1; ++o) {
    const std::uint16_t* mk = w.masks(o);
    for (int t = 0; t < ntok; ++t) {
      const float* v = w.values(o);
      const float* xt = x + ldx * t;
      float s = 0;
      for (int g = 0; g < groups; ++g)
        for (unsigned m = mk[g]; m != 0; m &= m - 1) s += *v++ * xt[16 * g + std::countr_zero(m)];
      y[ldy * t + (o - r0)] = s;
    }
  }
}

}  // namespace

void sparse_rows(const Matrix& w, int r0, int r1, const float* x, std::size_t ldx, int ntok, float* y, std::size_t ldy,
                 SimdLevel simd) {
  SB_CHECK(w.sparse());
  switch (simd) {
    case SimdLevel::avx512: return detail::sparse_rows_avx512(w, r0, r1, x, ldx, ntok, y, ldy);
    case SimdLevel::avx2: return detail::sparse_rows_avx2(w, r0, r1, x, ldx, ntok, y, ldy);
    default: return sparse_rows_scalar(w, r0, r1, x, ldx, ntok, y, ldy);
  }
}

}  // namespace sb::llm

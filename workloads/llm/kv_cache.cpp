#include "stratbench/workloads/llm/kv_cache.hpp"

#include "stratbench/result/errors.hpp"

namespace sb::llm {

KvCache::KvCache(const ModelConfig& c, int n_seqs, int capacity)
    : paged_(false),
      layers_(c.n_layers),
      capacity_(capacity),
      kv_dim_(c.kv_dim()),
      block_(capacity),
      len_(n_seqs, 0),
      tables_(n_seqs),
      refs_(n_seqs, 1) {
  SB_CHECK(n_seqs >= 1 && capacity >= 1);
  const std::size_t n = static_cast<std::size_t>(n_seqs) * layers_ * capacity_ * kv_dim_;
  k_.assign(n, 0.f);
  v_.assign(n, 0.f);
  for (int s = 0; s < n_seqs; ++s) tables_[s] = {s};
}

KvCache::KvCache(const ModelConfig& c, int n_seqs, int capacity, int block, int n_blocks)
    : paged_(true),
      layers_(c.n_layers),
      capacity_(capacity),
      kv_dim_(c.kv_dim()),
      block_(block),
      len_(n_seqs, 0),
      tables_(n_seqs),
      refs_(n_blocks, 0) {
  SB_CHECK(n_seqs >= 1 && capacity >= 1 && block >= 1 && n_blocks >= 1);
  const std::size_t n = static_cast<std::size_t>(n_blocks) * layers_ * block_ * kv_dim_;
  k_.assign(n, 0.f);
  v_.assign(n, 0.f);
  for (int b = n_blocks - 1; b >= 0; --b) free_.push_back(b);
}

int KvCache::blocks_needed(int seq, int n) const {
  if (!paged_) return 0;
  const int want = (n + block_ - 1) / block_;
  const int have = static_cast<int>(tables_[seq].size());
  return want > have ? want - have : 0;
}

bool KvCache::reserve(int seq, int n) {
  if (n > capacity_) return false;
  const int need = blocks_needed(seq, n);
  if (need > free_blocks()) return false;
  for (int i = 0; i < need; ++i) {
    const int b = free_.back();
    free_.pop_back();
    refs_[b] = 1;
    tables_[seq].push_back(b);
  }
  return true;
}

void KvCache::unref(int b) {
  SB_CHECK(refs_[b] > 0);
  if (--refs_[b] == 0) free_.push_back(b);
}

void KvCache::reset(int seq) {
  len_[seq] = 0;
  if (!paged_) return;
  for (int b : tables_[seq]) unref(b);
  tables_[seq].clear();
}

void KvCache::share(int seq, int b) {
  SB_CHECK(paged_ && len_[seq] == static_cast<int>(tables_[seq].size()) * block_);
  ref(b);
  tables_[seq].push_back(b);
  len_[seq] += block_;
}

}  // namespace sb::llm

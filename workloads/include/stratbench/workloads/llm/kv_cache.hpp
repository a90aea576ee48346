// The engine's KV cache: keys and values of every layer, fp32, in blocks of `block`
// positions laid out [block][layer][position in block][kv_dim]. A sequence reads its
// positions through its table of blocks.
//   contiguous  one block of the whole context per sequence, its own for good: the
//               max-length allocation of a naive server (and of the offline workloads).
//   paged       a pool of small blocks shared by all sequences, taken as a sequence grows
//               and given back when it is reset (vLLM's PagedAttention, Kwon et al. 2023).
//               Blocks carry reference counts, so a full block of a shared prompt prefix can
//               sit in several tables at once (the server's prefix cache) and is reused
//               only once nothing refers to it.
#pragma once

#include <cstddef>
#include <vector>

#include "stratbench/workloads/llm/model_config.hpp"

namespace sb::llm {

class KvCache {
 public:
  // Contiguous: n_seqs blocks of `capacity` positions.
  KvCache(const ModelConfig& c, int n_seqs, int capacity);
  // Paged: a pool of n_blocks blocks of `block` positions for n_seqs sequences of up to
  // `capacity` positions each.
  KvCache(const ModelConfig& c, int n_seqs, int capacity, int block, int n_blocks);

  bool paged() const { return paged_; }
  int block_size() const { return block_; }
  int capacity() const { return capacity_; }
  int sequences() const { return static_cast<int>(len_.size()); }
  int len(int seq) const { return len_[seq]; }
  void set_len(int seq, int n) { len_[seq] = n; }

  // Position `pos` of `seq`; its block must be in the sequence's table (reserve).
  float* k(int seq, int layer, int pos) { return at(k_, seq, layer, pos); }
  float* v(int seq, int layer, int pos) { return at(v_, seq, layer, pos); }
  // The start of block b's rows for `layer` (block_size() rows of kv_dim floats).
  const float* k_block(int b, int layer) const { return k_.data() + base(b, layer); }
  const float* v_block(int b, int layer) const { return v_.data() + base(b, layer); }

  // Makes room for positions 0..n-1 of seq: paged, takes the missing blocks from the pool.
  // False, with nothing taken, when n is past the capacity or the pool is short.
  bool reserve(int seq, int n);
  // Blocks reserve(seq, n) would still take.
  int blocks_needed(int seq, int n) const;
  // Empties seq: length 0; paged, its table's references are dropped (a block nobody else
  // refers to goes back to the pool).
  void reset(int seq);
  // Paged: appends block b, a full block written by another sequence, to seq's table and
  // takes a reference; seq's length becomes its table's length. Its positions must not be
  // written again (the caller shares full prompt blocks only).
  void share(int seq, int b);
  void ref(int b) { ++refs_[b]; }
  int refs(int b) const { return refs_[b]; }
  void unref(int b);
  const std::vector<int>& table(int seq) const { return tables_[seq]; }

  int total_blocks() const { return static_cast<int>(refs_.size()); }
  int free_blocks() const { return static_cast<int>(free_.size()); }
  std::size_t bytes() const { return (k_.size() + v_.size()) * sizeof(float); }

 private:
  std::size_t base(int b, int layer) const {
    return ((static_cast<std::size_t>(b) * layers_ + layer) * block_) * kv_dim_;
  }
  float* at(std::vector<float>& a, int seq, int layer, int pos) {
    return a.data() + base(tables_[seq][pos / block_], layer) + static_cast<std::size_t>(pos % block_) * kv_dim_;
  }
  bool paged_;
  int layers_, capacity_, kv_dim_, block_;
  std::vector<float> k_, v_;
  std::vector<int> len_;
  std::vector<std::vector<int>> tables_;
  std::vector<int> refs_;  // per block
  std::vector<int> free_;  // blocks with no reference, taken from the back
};

}  // namespace sb::llm

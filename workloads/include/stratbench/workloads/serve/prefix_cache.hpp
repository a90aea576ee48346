// The server's prefix cache (prefix_cache=on, over a paged KV pool): full KV blocks of
// prompts already computed stay in the pool under a reference of the cache, keyed by the
// exact tokens from the prompt's start to the block's end, so a later prompt beginning
// with the same tokens shares those blocks and feeds only the rest (vLLM's automatic
// prefix caching). Keys are whole token prefixes, not hashes: no collision can hand a
// request another prompt's keys and values. Blocks only the cache refers to are evicted
// least recently used first when the pool runs short.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "stratbench/workloads/llm/kv_cache.hpp"

namespace sb::serve {

class PrefixCache {
 public:
  explicit PrefixCache(llm::KvCache& kv) : kv_(kv) {}
  // Full blocks at the start of `prompt` the cache holds, at most those before its last
  // token (which must be fed to give logits).
  int hits(const std::vector<int>& prompt) const;
  // Appends those blocks to seq's (empty) table; returns the positions they cover.
  int attach(int seq, const std::vector<int>& prompt);
  // Records seq's full blocks among the first `fed` positions of `prompt` (already in the
  // cache) so that later requests can share them.
  void insert(int seq, const std::vector<int>& prompt, int fed);
  // Blocks held by the cache alone, which make_room may free.
  int evictable() const;
  // Evicts least recently used blocks only the cache holds until `want` blocks are free;
  // true when they are.
  bool make_room(int want);
  int blocks() const { return static_cast<int>(map_.size()); }
  std::uint64_t hit_blocks() const { return hit_blocks_; }
  std::uint64_t evictions() const { return evictions_; }

 private:
  struct Entry {
    int block;
    std::uint64_t used;  // last use, in calls
  };
  static std::string key(const std::vector<int>& prompt, std::size_t tokens);
  llm::KvCache& kv_;
  std::unordered_map<std::string, Entry> map_;
  std::uint64_t clock_ = 0, hit_blocks_ = 0, evictions_ = 0;
};

}  // namespace sb::serve

#include "stratbench/workloads/serve/prefix_cache.hpp"

#include <algorithm>
#include <cstring>
#include <tuple>

namespace sb::serve {

std::string PrefixCache::key(const std::vector<int>& prompt, std::size_t tokens) {
  std::string k(tokens * sizeof(int), '\0');
  std::memcpy(k.data(), prompt.data(), k.size());
  return k;
}

int PrefixCache::hits(const std::vector<int>& prompt) const {
  const std::size_t bs = static_cast<std::size_t>(kv_.block_size());
  int n = 0;
  for (std::size_t end = bs; end < prompt.size(); end += bs, ++n)
    if (map_.find(key(prompt, end)) == map_.end()) break;
  return n;
}

int PrefixCache::attach(int seq, const std::vector<int>& prompt) {
  const std::size_t bs = static_cast<std::size_t>(kv_.block_size());
  ++clock_;
  int n = 0;
  for (std::size_t end = bs; end < prompt.size(); end += bs, ++n) {
    auto it = map_.find(key(prompt, end));
    if (it == map_.end()) break;
    it->second.used = clock_;
    kv_.share(seq, it->second.block);
    ++hit_blocks_;
  }
  return n * kv_.block_size();
}

void PrefixCache::insert(int seq, const std::vector<int>& prompt, int fed) {
  const std::size_t bs = static_cast<std::size_t>(kv_.block_size());
  const std::vector<int>& table = kv_.table(seq);
  ++clock_;
  for (std::size_t b = 0; (b + 1) * bs <= static_cast<std::size_t>(fed) && b < table.size(); ++b) {
    auto [it, added] = map_.try_emplace(key(prompt, (b + 1) * bs), Entry{table[b], clock_});
    if (added)
      kv_.ref(table[b]);
    else
      it->second.used = clock_;
  }
}

int PrefixCache::evictable() const {
  int n = 0;
  for (const auto& [k, e] : map_) n += kv_.refs(e.block) == 1 ? 1 : 0;
  return n;
}

bool PrefixCache::make_room(int want) {
  if (kv_.free_blocks() >= want) return true;
  // Least recently used first; within one use, the deepest block first, so that a chain
  // loses its tail before the head that makes the tail reachable.
  std::vector<std::tuple<std::uint64_t, std::size_t, const std::string*>> idle;
  for (const auto& [k, e] : map_)
    if (kv_.refs(e.block) == 1) idle.emplace_back(e.used, ~k.size(), &k);
  std::sort(idle.begin(), idle.end());
  std::vector<std::string> gone;
  for (const auto& [used, depth, k] : idle) {
    if (kv_.free_blocks() >= want) break;
    kv_.unref(map_.at(*k).block);
    gone.push_back(*k);
    ++evictions_;
  }
  for (const auto& k : gone) map_.erase(k);
  return kv_.free_blocks() >= want;
}

}  // namespace sb::serve

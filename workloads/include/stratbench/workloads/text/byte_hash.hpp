// A fast 64-bit hash of short byte strings (tokens, words), for the text workloads' own
// hash tables. Not cryptographic; inputs are not adversarial to it beyond slower probing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace sb::text {

inline std::uint64_t byte_hash(const unsigned char* p, std::size_t n) {
  std::uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xC2B2AE3D27D4EB4Full);
  while (n >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0xFF51AFD7ED558CCDull;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  if (n) {
    std::uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
  }
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ull;
  h ^= h >> 32;
  return h;
}

inline std::uint64_t byte_hash(std::string_view s) {
  return byte_hash(reinterpret_cast<const unsigned char*>(s.data()), s.size());
}

// Hashes string_view and std::string alike, so unordered maps keyed by std::string can be
// probed with a string_view (heterogeneous lookup) without building a string.
struct ByteHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return static_cast<std::size_t>(byte_hash(s)); }
};

}  // namespace sb::text

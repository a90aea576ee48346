// Seeded normal deviates shared by synthetic weights and the initialization of training:
// both fully specified, so the same seed gives the same bits with any standard library.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <string_view>

namespace sb::llm {

// FNV-1a over the tensor name, then a splitmix64 finalizer with the user's seed: each
// tensor gets its own well-mixed stream, independent of the order tensors are made in.
inline std::uint64_t tensor_seed(std::uint64_t seed, std::string_view name, std::uint64_t stream) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char ch : name) {
    h ^= ch;
    h *= 1099511628211ull;
  }
  std::uint64_t z = seed ^ h ^ (stream * 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// Standard normal deviates by Box-Muller: std::normal_distribution's algorithm is left to
// each standard library, this one is fixed.
class Normal {
 public:
  explicit Normal(std::uint64_t seed) : rng_(seed) {}
  double next() {
    if (have_spare_) {
      have_spare_ = false;
      return spare_;
    }
    const double u1 = (static_cast<double>(rng_() >> 11) + 1.0) * 0x1p-53;  // (0, 1]: log is finite
    const double u2 = static_cast<double>(rng_() >> 11) * 0x1p-53;          // [0, 1)
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double t = 6.283185307179586476925 * u2;
    spare_ = r * std::sin(t);
    have_spare_ = true;
    return r * std::cos(t);
  }

 private:
  std::mt19937_64 rng_;
  double spare_ = 0;
  bool have_spare_ = false;
};

}  // namespace sb::llm

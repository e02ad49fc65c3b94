// Counter-based random numbers for the sample-cohort generator: each record gets its own small stream,
// keyed by (seed, stream, index), so record i can be generated alone, on any thread, in any order, and
// comes out bit-identical on every platform. No std::*_distribution is used: their output is not specified
// by the standard and differs between standard libraries.
//
// Thread-safety: RecordRng is a value type (one per record, not shared); WeightedTable is immutable after
// construction and safe to share.
#ifndef PASSERELLE_ENGINE_SAMPLE_COUNTER_RNG_H_
#define PASSERELLE_ENGINE_SAMPLE_COUNTER_RNG_H_

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/types/span.h"

namespace passerelle::engine::sample {

// The splitmix64 output function (Steele, Lea, Flood 2014): a bijective 64-bit mixer.
// SplitMix64Step(state) advances `state` by the golden gamma and returns the mixed value, so that seeding
// with 0 yields 0xe220a8397b1dcdaf first, as in the reference implementation.
inline constexpr uint64_t kGoldenGamma = 0x9e3779b97f4a7c15ULL;
inline constexpr uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
inline constexpr uint64_t SplitMix64Step(uint64_t& state) {
  state += kGoldenGamma;
  return Mix64(state);
}

// xoshiro256** (Blackman, Vigna 2018), seeded from Mix64(seed, stream, index) through splitmix64.
class RecordRng {
 public:
  RecordRng(uint64_t seed, uint64_t stream, uint64_t index) {
    uint64_t key = Mix64(Mix64(seed ^ Mix64(stream)) + index * kGoldenGamma);
    for (uint64_t& word : s_) word = SplitMix64Step(key);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform integer in [0, n); n = 0 gives 0. Lemire's multiply-shift with rejection: exactly uniform.
  uint64_t Below(uint64_t n) {
    if (n == 0) return 0;
    unsigned __int128 m = static_cast<unsigned __int128>(Next()) * n;
    uint64_t low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<unsigned __int128>(Next()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }

  // Uniform integer in [lo, hi] (inclusive); requires lo <= hi.
  int64_t Between(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1)); }

  // Uniform double in [0, 1) with 53 random bits.
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  // True with probability p (p <= 0: never, p >= 1: always).
  bool Chance(double p) { return Unit() < p; }

  // Index i with probability weights[i] / sum(weights) (integer weights, linear scan: for short lists).
  // All-zero weights pick index 0.
  size_t Pick(absl::Span<const uint32_t> weights) {
    uint64_t total = 0;
    for (uint32_t w : weights) total += w;
    uint64_t x = Below(total);
    for (size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    return 0;
  }

 private:
  static constexpr uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// Sampling from a fixed discrete distribution with integer weights: a cumulative array and a binary
// search, O(log n) per draw. Entries with weight 0 are never drawn; if every weight is 0 (or the table is
// built empty of weight) the draw is uniform over the entries.
class WeightedTable {
 public:
  WeightedTable() = default;
  explicit WeightedTable(absl::Span<const uint64_t> weights) {
    cumulative_.reserve(weights.size());
    uint64_t total = 0;
    for (uint64_t w : weights) cumulative_.push_back(total += w);
    uniform_ = (total == 0);
  }

  size_t size() const { return cumulative_.size(); }
  bool empty() const { return cumulative_.empty(); }
  uint64_t total_weight() const { return cumulative_.empty() ? 0 : cumulative_.back(); }
  uint64_t weight(size_t i) const { return cumulative_[i] - (i == 0 ? 0 : cumulative_[i - 1]); }

  // Requires !empty().
  size_t Sample(RecordRng& rng) const {
    if (uniform_) return static_cast<size_t>(rng.Below(cumulative_.size()));
    const uint64_t x = rng.Below(cumulative_.back());
    // First entry whose cumulative weight exceeds x: skips zero-weight entries.
    return static_cast<size_t>(std::upper_bound(cumulative_.begin(), cumulative_.end(), x) - cumulative_.begin());
  }

 private:
  std::vector<uint64_t> cumulative_;
  bool uniform_ = true;
};

}  // namespace passerelle::engine::sample

#endif  // PASSERELLE_ENGINE_SAMPLE_COUNTER_RNG_H_

// A small, portable, seeded random generator (splitmix64): identical
// streams on every platform and standard library, unlike std distributions.
#pragma once
#include <cmath>
#include <cstdint>

namespace sss {

class SplitMix64 {
public:
    explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // Uniform in [0, 1).
    double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
    // Uniform in (0, 1].
    double uniform_open0() { return 1.0 - uniform(); }
    // Standard normal (Box-Muller, one value per call).
    double normal() {
        const double u = uniform_open0(), v = uniform();
        return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
    }

private:
    std::uint64_t state_;
};

}  // namespace sss

#include "common/kmeans.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/errors.hpp"
#include "common/parallel.hpp"

namespace sss {
namespace {

constexpr index_t kKMeansBlock = 16384;
constexpr index_t kAssignBatch = 256;  // points per vectorised assignment batch (divides kKMeansBlock)

std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

// xoshiro256** (Blackman & Vigna), seeded through splitmix64.
class Rng {
public:
    explicit Rng(std::uint64_t seed) {
        for (auto& s : s_) s = splitmix64(seed);
    }
    std::uint64_t next() {
        const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t s_[4];
};

struct Blocks {
    index_t n, count;
    explicit Blocks(index_t n_) : n(n_), count((n_ + kKMeansBlock - 1) / kKMeansBlock) {}
    index_t begin(index_t b) const { return b * kKMeansBlock; }
    index_t end(index_t b) const { return std::min(n, (b + 1) * kKMeansBlock); }
};

double sqdist(const double* a, const double* b, index_t d) {
    double s = 0.0;
    for (index_t j = 0; j < d; ++j) {
        const double t = a[j] - b[j];
        s += t * t;
    }
    return s;
}

// k-means++ seeding. Returns the chosen centres (k' x d, k' <= k: stops early
// when every point coincides with a centre).
std::vector<double> seed_centres(const double* X, index_t n, index_t d, index_t k, Rng& rng) {
    const Blocks blocks(n);
    std::vector<double> centres;
    centres.reserve(static_cast<size_t>(k * d));
    const index_t first = std::min<index_t>(n - 1, static_cast<index_t>(rng.uniform() * n));
    centres.insert(centres.end(), X + first * d, X + (first + 1) * d);
    std::vector<double> d2(static_cast<size_t>(n), std::numeric_limits<double>::infinity());
    std::vector<double> partial(static_cast<size_t>(blocks.count));
    for (index_t c = 1;; ++c) {
        const double* centre = centres.data() + (c - 1) * d;
        parallel_for(0, blocks.count, [&](index_t b) {
            double s = 0.0;
            for (index_t i = blocks.begin(b); i < blocks.end(b); ++i) {
                d2[i] = std::min(d2[i], sqdist(X + i * d, centre, d));
                s += d2[i];
            }
            partial[b] = s;
        });
        if (c == k) break;
        double total = 0.0;
        for (double s : partial) total += s;
        if (!(total > 0.0)) break;  // fewer distinct points than k
        const double target = rng.uniform() * total;
        index_t chosen = -1;
        double acc = 0.0;
        for (index_t b = 0; b < blocks.count && chosen < 0; ++b) {
            if (acc + partial[b] <= target && b + 1 < blocks.count) {
                acc += partial[b];
                continue;
            }
            for (index_t i = blocks.begin(b); i < blocks.end(b); ++i) {
                acc += d2[i];
                if (acc > target && d2[i] > 0.0) {
                    chosen = i;
                    break;
                }
            }
        }
        if (chosen < 0)  // rounding at the very end: take the last point off the centres
            for (index_t i = n - 1; i >= 0 && chosen < 0; --i)
                if (d2[i] > 0.0) chosen = i;
        centres.insert(centres.end(), X + chosen * d, X + (chosen + 1) * d);
    }
    return centres;
}

// Nearest centre of each of kAssignBatch points stored coordinate-major (xs:
// d rows of kAssignBatch), centres transposed (ct: d x k), vectorised across
// the points. D > 0 fixes d at compile time, so that each distance stays in
// a register up to the comparison; the run-time-d path goes through dist[].
// Strictly smaller distances win: ties stay with the lowest centre index.
template <int D>
void assign_batch(const double* xs, const double* ct, index_t k, index_t d, double* dist,
                  double* best_d, std::int64_t* best_c) {
    for (index_t i = 0; i < kAssignBatch; ++i) {
        best_d[i] = std::numeric_limits<double>::infinity();
        best_c[i] = 0;
    }
    for (index_t c = 0; c < k; ++c) {
        if constexpr (D > 0) {
            double cc[D];
            for (int j = 0; j < D; ++j) cc[j] = ct[j * k + c];
            for (index_t i = 0; i < kAssignBatch; ++i) {
                double s = 0.0;
                for (int j = 0; j < D; ++j) {
                    const double t = xs[j * kAssignBatch + i] - cc[j];
                    s += t * t;
                }
                const bool closer = s < best_d[i];
                best_d[i] = closer ? s : best_d[i];
                best_c[i] = closer ? c : best_c[i];
            }
        } else {
            for (index_t i = 0; i < kAssignBatch; ++i) dist[i] = 0.0;
            for (index_t j = 0; j < d; ++j) {
                const double cj = ct[j * k + c];
                const double* xj = xs + j * kAssignBatch;
                for (index_t i = 0; i < kAssignBatch; ++i) {
                    const double t = xj[i] - cj;
                    dist[i] += t * t;
                }
            }
            for (index_t i = 0; i < kAssignBatch; ++i) {
                const bool closer = dist[i] < best_d[i];
                best_d[i] = closer ? dist[i] : best_d[i];
                best_c[i] = closer ? c : best_c[i];
            }
        }
    }
}

struct Run {
    std::vector<std::int32_t> labels;
    std::vector<double> centres;
    index_t k = 0;
    double distortion = 0.0;
    int iterations = 0;
};

// Lloyd iterations from the given centres; empty clusters are dropped.
Run lloyd(const double* X, index_t n, index_t d, std::vector<double> centres,
          const KMeansOptions& opt) {
    const Blocks blocks(n);
    Run run;
    index_t k = static_cast<index_t>(centres.size()) / d;
    run.labels.assign(static_cast<size_t>(n), -1);
    // Per block: k counts, k*d coordinate sums, distortion, changed labels
    // (sized for the initial k; k only shrinks).
    std::vector<double> partial(static_cast<size_t>(blocks.count * (k * (d + 1) + 2)));
    double previous = std::numeric_limits<double>::infinity();
    for (int it = 0;; ++it) {
        std::vector<double> ct(static_cast<size_t>(d * k));  // transposed centres d x k
        for (index_t c = 0; c < k; ++c)
            for (index_t j = 0; j < d; ++j) ct[j * k + c] = centres[c * d + j];
        const index_t st = k * (d + 1) + 2;
        parallel_for(0, blocks.count, [&](index_t b) {
            double* part = partial.data() + b * st;
            std::fill(part, part + st, 0.0);
            // Points in batches of kAssignBatch, stored coordinate-major (xs),
            // so that the distance to one centre and the running minimum are
            // computed across the batch in vector lanes; a point-by-point
            // argmin over the centres (one unpredictable branch per centre)
            // took ~190 cycles a point at k = 40, d = 3.
            std::vector<double> xs(static_cast<size_t>(d * kAssignBatch));
            std::vector<double> dist(kAssignBatch), best_d(kAssignBatch);
            std::vector<std::int64_t> best_c(kAssignBatch);
            for (index_t i0 = blocks.begin(b); i0 < blocks.end(b); i0 += kAssignBatch) {
                const index_t nb = std::min(kAssignBatch, blocks.end(b) - i0);
                for (index_t i = 0; i < nb; ++i)
                    for (index_t j = 0; j < d; ++j) xs[j * kAssignBatch + i] = X[(i0 + i) * d + j];
                if (d == 3)
                    assign_batch<3>(xs.data(), ct.data(), k, 3, dist.data(), best_d.data(), best_c.data());
                else
                    assign_batch<0>(xs.data(), ct.data(), k, d, dist.data(), best_d.data(), best_c.data());
                for (index_t i = 0; i < nb; ++i) {
                    const index_t best = best_c[i];
                    const double* x = X + (i0 + i) * d;
                    part[best] += 1.0;
                    for (index_t j = 0; j < d; ++j) part[k + best * d + j] += x[j];
                    part[k * (d + 1)] += best_d[i];
                    if (run.labels[i0 + i] != best) {
                        part[k * (d + 1) + 1] += 1.0;
                        run.labels[i0 + i] = static_cast<std::int32_t>(best);
                    }
                }
            }
        });
        std::vector<double> total(static_cast<size_t>(st), 0.0);
        for (index_t b = 0; b < blocks.count; ++b)
            for (index_t j = 0; j < st; ++j) total[j] += partial[b * st + j];
        const double distortion = total[k * (d + 1)];
        const double changed = total[k * (d + 1) + 1];
        // New centres = means; empty clusters drop (labels renumbered).
        std::vector<index_t> remap(static_cast<size_t>(k), -1);
        std::vector<double> next;
        index_t kept = 0;
        for (index_t c = 0; c < k; ++c) {
            if (total[c] == 0.0) continue;
            remap[c] = kept++;
            for (index_t j = 0; j < d; ++j) next.push_back(total[k + c * d + j] / total[c]);
        }
        if (kept != k) {
            parallel_for(0, blocks.count, [&](index_t b) {
                for (index_t i = blocks.begin(b); i < blocks.end(b); ++i)
                    run.labels[i] = static_cast<std::int32_t>(remap[run.labels[i]]);
            });
        }
        const bool done = changed == 0.0 || it + 1 >= opt.max_iter ||
                          previous - distortion <= opt.tol * distortion;
        centres.swap(next);
        k = kept;
        previous = distortion;
        run.iterations = it + 1;
        run.distortion = distortion;
        if (done) break;
    }
    run.centres = std::move(centres);
    run.k = k;
    return run;
}

}  // namespace

KMeansResult kmeans(const double* X, index_t n, index_t d, const KMeansOptions& opt) {
    require(n >= 1 && d >= 1, "kmeans: need at least one point with at least one coordinate");
    require(opt.n_clusters >= 1, "kmeans: n_clusters must be >= 1");
    require(opt.n_init >= 1 && opt.max_iter >= 1, "kmeans: n_init and max_iter must be >= 1");
    const index_t k = std::min(opt.n_clusters, n);
    std::uint64_t seeder = opt.seed;
    Run best;
    bool have = false;
    for (int r = 0; r < opt.n_init; ++r) {
        Rng rng(splitmix64(seeder));
        Run run = lloyd(X, n, d, seed_centres(X, n, d, k, rng), opt);
        if (!have || run.distortion < best.distortion) {
            best = std::move(run);
            have = true;
        }
    }
    KMeansResult out;
    out.labels = std::move(best.labels);
    out.centers = std::move(best.centres);
    out.k = best.k;
    out.distortion = best.distortion;
    out.iterations = best.iterations;
    out.status.iterations = best.iterations;
    out.status.residual = best.distortion;
    // Lloyd ran to its cap without settling (no tolerance is missed: the cap is a budget).
    if (best.iterations >= opt.max_iter) out.status.status = SolveStatus::max_iterations;
    return out;
}

}  // namespace sss

#include "grouping/grouping.hpp"

#include <algorithm>
#include <string>

#include "common/errors.hpp"
#include "common/parallel.hpp"
#include "common/kmeans.hpp"

namespace sss {

GroupingResult group_components(const double* alpha, index_t K, index_t N, const double* f,
                                index_t C, const GroupingOptions& options) {
    const index_t n_layers = options.n_layers;
    require(K >= 1 && N >= 1 && C >= 1, "group_components: need K >= 1 components, N >= 1, C >= 1");
    require(n_layers >= 1, "group_components: n_layers must be >= 1");
    reset_interrupt();
    GroupingResult res;
    res.means.assign(static_cast<size_t>(K * C), 0.0);
    std::vector<int> bad(static_cast<size_t>(K), 0);
    // Each component's mean is summed by one iteration, in pixel order.
    parallel_for(0, K, [&](index_t i) {
        const double* a = alpha + i * N;
        std::vector<double> num(static_cast<size_t>(C), 0.0);
        double den = 0.0;
        for (index_t p = 0; p < N; ++p) {
            den += a[p];
            for (index_t c = 0; c < C; ++c) num[c] += a[p] * f[p * C + c];
        }
        if (!(den > 0.0)) {  // fall back to the positive part
            std::fill(num.begin(), num.end(), 0.0);
            den = 0.0;
            for (index_t p = 0; p < N; ++p) {
                const double w = std::max(a[p], 0.0);
                den += w;
                for (index_t c = 0; c < C; ++c) num[c] += w * f[p * C + c];
            }
        }
        if (!(den > 0.0)) {
            bad[static_cast<size_t>(i)] = 1;
            return;
        }
        for (index_t c = 0; c < C; ++c) res.means[static_cast<size_t>(i * C + c)] = num[c] / den;
    });
    for (index_t i = 0; i < K; ++i)
        if (bad[static_cast<size_t>(i)])
            throw InvalidArgument("components: component " + std::to_string(i) +
                                  " has no positive alpha; remove it before grouping");

    if (K <= n_layers) {
        res.n_layers = K;
        res.layers.assign(alpha, alpha + K * N);
        res.group.resize(static_cast<size_t>(K));
        for (index_t i = 0; i < K; ++i) res.group[static_cast<size_t>(i)] = static_cast<std::int32_t>(i);
        return res;
    }
    KMeansOptions opt;
    opt.n_clusters = n_layers;
    opt.n_init = options.n_init;
    opt.max_iter = 300;
    opt.tol = 0.0;
    opt.seed = options.seed;
    KMeansResult km = kmeans(res.means.data(), K, C, opt);
    res.group = km.labels;
    res.n_layers = km.k;
    res.status = km.status;
    const index_t L = km.k;
    res.layers.assign(static_cast<size_t>(L * N), 0.0);
    constexpr index_t block = 8192;
    parallel_for(0, (N + block - 1) / block, [&](index_t b) {
        const index_t p0 = b * block, p1 = std::min(N, p0 + block);
        for (index_t i = 0; i < K; ++i) {
            double* out = res.layers.data() + res.group[static_cast<size_t>(i)] * N;
            const double* a = alpha + i * N;
            for (index_t p = p0; p < p1; ++p) out[p] += a[p];
        }
    });
    return res;
}

}  // namespace sss

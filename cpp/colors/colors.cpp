#include "colors/colors.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <string>

#include "common/errors.hpp"
#include "common/parallel.hpp"

namespace sss {

namespace {
constexpr index_t kMaxChannels = 4;
}

// ---- the system's arrays ------------------------------------------------------------

ColorSystem::ColorSystem(const double* layers, index_t k_, index_t h, index_t w, double epsilon,
                         double prior_weight)
    : height(h), width(w), k(k_) {
    require(k >= 1, "layer_colors: need at least one layer");
    require(h >= 1 && w >= 1, "layer_colors: empty image");
    require(std::isfinite(epsilon) && epsilon >= 0.0, "layer_colors: epsilon must be >= 0");
    require(std::isfinite(prior_weight) && prior_weight >= 0.0,
            "layer_colors: prior must be >= 0");
    const index_t n = h * w;
    const auto nk = static_cast<std::size_t>(n * k);
    alpha.assign(nk, 0.0);
    wx.assign(nk, 0.0);
    wy.assign(nk, 0.0);
    diag.assign(nk, 0.0);
    inv_diag.assign(nk, 0.0);
    prior.assign(nk, 0.0);
    scale.assign(static_cast<std::size_t>(n), 0.0);

    // α interleaved, then the edge weights (each written by its left/upper pixel).
    for_each_chunk(n, 1, [&](index_t b, index_t e) {
        for (index_t p = b; p < e; ++p)
            for (index_t i = 0; i < k; ++i) {
                const double a = layers[i * n + p];
                alpha[static_cast<std::size_t>(p * k + i)] = a;
                prior[static_cast<std::size_t>(p * k + i)] = prior_weight * (1.0 - a) * (1.0 - a);
            }
    });
    for_each_chunk(n, 1, [&](index_t b, index_t e) {
        for (index_t p = b; p < e; ++p) {
            const index_t x = p % w, y = p / w;
            for (index_t i = 0; i < k; ++i) {
                const double a = layers[i * n + p];
                if (x + 1 < w)
                    wx[static_cast<std::size_t>(p * k + i)] =
                        std::abs(a - layers[i * n + p + 1]) + epsilon;
                if (y + 1 < h)
                    wy[static_cast<std::size_t>(p * k + i)] =
                        std::abs(a - layers[i * n + p + w]) + epsilon;
            }
        }
    });
    // Degrees, the preconditioner's inverse diagonal and Sherman–Morrison scale.
    std::atomic<bool> singular{false};
    for_each_chunk(n, 1, [&](index_t b, index_t e) {
        bool bad = false;
        for (index_t p = b; p < e; ++p) {
            const index_t x = p % w, y = p / w;
            double s = 1.0;
            for (index_t i = 0; i < k; ++i) {
                const auto pi = static_cast<std::size_t>(p * k + i);
                double d = wx[pi] + wy[pi] + prior[pi];
                if (x > 0) d += wx[pi - static_cast<std::size_t>(k)];
                if (y > 0) d += wy[pi - static_cast<std::size_t>(w * k)];
                diag[pi] = d;
                if (!(d > 0.0)) {
                    bad = true;
                    continue;
                }
                inv_diag[pi] = 1.0 / d;
                s += alpha[pi] * alpha[pi] / d;
            }
            scale[static_cast<std::size_t>(p)] = 1.0 / s;
        }
        if (bad) singular.store(true);
    });
    require(!singular.load(),
            "layer_colors: a pixel has no smoothness weight (epsilon = 0 on a flat layer, or "
            "a 1-pixel image); use epsilon > 0 or prior > 0");
}

ColorOperator ColorSystem::op(index_t channels) const {
    return ColorOperator{height, width, k, channels, alpha.data(), wx.data(), wy.data(),
                         diag.data()};
}

ColorBlockPreconditioner ColorSystem::preconditioner(index_t channels) const {
    return ColorBlockPreconditioner{k, channels, alpha.data(), inv_diag.data(), scale.data()};
}

// ---- operator -------------------------------------------------------------------

double ColorOperator::apply_dot(const double* x, double* y) const {
    const index_t w = width, h = height, c = channels, kc = k * c;
    return chunked_sums<1>(rows(), kc, [&](index_t b, index_t e, double* out) {
        double acc = 0.0;
        for (index_t p = b / kc; p < e / kc; ++p) {
            const index_t col = p % w, row = p / w;
            const double* a = alpha + p * k;
            const double* xp = x + p * kc;
            double* yp = y + p * kc;
            std::array<double, kMaxChannels> s{};
            for (index_t i = 0; i < k; ++i)
                for (index_t ch = 0; ch < c; ++ch) s[ch] += a[i] * xp[i * c + ch];
            const double* xl = col > 0 ? xp - kc : nullptr;
            const double* xr = col + 1 < w ? xp + kc : nullptr;
            const double* xu = row > 0 ? xp - w * kc : nullptr;
            const double* xd = row + 1 < h ? xp + w * kc : nullptr;
            for (index_t i = 0; i < k; ++i) {
                const index_t pi = p * k + i;
                const double wl = xl ? wx[pi - k] : 0.0;
                const double wr = xr ? wx[pi] : 0.0;
                const double wu = xu ? wy[pi - w * k] : 0.0;
                const double wd = xd ? wy[pi] : 0.0;
                for (index_t ch = 0; ch < c; ++ch) {
                    const index_t j = i * c + ch;
                    double v = a[i] * s[ch] + diag[pi] * xp[j];
                    if (xl) v -= wl * xl[j];
                    if (xr) v -= wr * xr[j];
                    if (xu) v -= wu * xu[j];
                    if (xd) v -= wd * xd[j];
                    yp[j] = v;
                    acc += xp[j] * v;
                }
            }
        }
        out[0] += acc;
    })[0];
}

// ---- preconditioner --------------------------------------------------------------

void ColorBlockPreconditioner::apply_range(const double* r, double* z, index_t begin,
                                           index_t end) const {
    const index_t c = channels, kc = k * c;
    for (index_t p = begin / kc; p < end / kc; ++p) {
        const double* a = alpha + p * k;
        const double* id = inv_diag + p * k;
        const double* rp = r + p * kc;
        double* zp = z + p * kc;
        std::array<double, kMaxChannels> t{};
        for (index_t i = 0; i < k; ++i)
            for (index_t ch = 0; ch < c; ++ch) t[ch] += a[i] * id[i] * rp[i * c + ch];
        const double sp = scale[p];
        for (index_t i = 0; i < k; ++i) {
            const double u = a[i] * id[i] * sp;
            for (index_t ch = 0; ch < c; ++ch)
                zp[i * c + ch] = id[i] * rp[i * c + ch] - u * t[ch];
        }
    }
}

// ---- the stage --------------------------------------------------------------------

ColorResult layer_colors(const ImageView<double>& image, const double* layers, index_t k,
                         const ColorOptions& params) {
    const auto t0 = std::chrono::steady_clock::now();
    const index_t h = image.height, w = image.width, c = image.channels, n = h * w;
    require(c >= 1 && c <= kMaxChannels,
            "layer_colors: image must have 1 to 4 channels, got " + std::to_string(c));
    require(params.max_iterations >= 0, "layer_colors: max_iterations must be >= 0");
    const ColorSystem sys(layers, k, h, w, params.epsilon, params.prior);
    const index_t kc = k * c, len = n * kc;

    // b = (α + prior) I; warm start F_i = I for every layer (a perfect
    // reconstruction, so the initial residual is the smoothness term alone).
    std::vector<double> rhs(static_cast<std::size_t>(len)), x(static_cast<std::size_t>(len));
    for_each_chunk(len, kc, [&](index_t b, index_t e) {
        for (index_t p = b / kc; p < e / kc; ++p)
            for (index_t i = 0; i < k; ++i) {
                const double a = sys.alpha[static_cast<std::size_t>(p * k + i)] +
                                 sys.prior[static_cast<std::size_t>(p * k + i)];
                for (index_t ch = 0; ch < c; ++ch) {
                    const double v = image.data[p * c + ch];
                    const auto j = static_cast<std::size_t>(p * kc + i * c + ch);
                    rhs[j] = a * v;
                    x[j] = v;
                }
            }
    });

    PcgOptions opt;
    opt.tolerance = params.tolerance;
    opt.max_iterations = params.max_iterations;
    const PcgResult pr = pcg(sys.op(c), sys.preconditioner(c), rhs.data(), x.data(), opt);

    ColorResult out;
    out.status = pr;
    out.k = k;
    out.height = h;
    out.width = w;
    out.channels = c;
    // De-interleave to (K, N, C), clipping if asked.
    rhs.clear();
    rhs.shrink_to_fit();
    out.colors.assign(static_cast<std::size_t>(len), 0.0);
    const bool clip = params.clip;
    for_each_chunk(n, 1, [&](index_t b, index_t e) {
        for (index_t i = 0; i < k; ++i)
            for (index_t p = b; p < e; ++p)
                for (index_t ch = 0; ch < c; ++ch) {
                    double v = x[static_cast<std::size_t>(p * kc + i * c + ch)];
                    if (clip) v = std::min(1.0, std::max(0.0, v));
                    out.colors[static_cast<std::size_t>((i * n + p) * c + ch)] = v;
                }
    });
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return out;
}

}  // namespace sss

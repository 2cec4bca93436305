#include "laplacian/laplacian.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "affinity/matting.hpp"
#include "common/errors.hpp"
#include "common/parallel.hpp"

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace sss {

namespace {

// Number of in-image positions in [c - 2, c + 2].
inline index_t span5(index_t c, index_t n) {
    return std::min<index_t>(c + 2, n - 1) - std::max<index_t>(c - 2, 0) + 1;
}

inline bool in_stencil(index_t p, index_t q, index_t w) {
    const index_t dy = q / w - p / w, dx = q % w - p % w;
    return dy >= -2 && dy <= 2 && dx >= -2 && dx <= 2;
}

// Per extra row, the number of its columns outside the 5x5 stencil, prefix-summed.
std::vector<index_t> outside_prefix(const SparseRows& extra, index_t w) {
    std::vector<index_t> pre(static_cast<std::size_t>(extra.rows() + 1), 0);
    for (index_t u = 0; u < extra.rows(); ++u) {
        index_t n = 0;
        for (index_t e = extra.ptr[u]; e < extra.ptr[u + 1]; ++e)
            n += in_stencil(extra.row_pixel[u], extra.col[e], w) ? 0 : 1;
        pre[u + 1] = pre[u] + n;
    }
    return pre;
}

// Sizes v to n elements, first asking the kernel for transparent huge pages
// on the (still untouched) buffer: the Laplacian's arrays are 100+ MB, and
// 4 KiB page faults cost about as much as filling them.
template <class T>
void resize_large(std::vector<T>& v, index_t n) {
    v.reserve(static_cast<std::size_t>(n));
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr std::uintptr_t huge = std::uintptr_t(1) << 21;
    const std::uintptr_t b = reinterpret_cast<std::uintptr_t>(v.data());
    const std::uintptr_t e = b + static_cast<std::uintptr_t>(n) * sizeof(T);
    const std::uintptr_t ab = (b + huge - 1) & ~(huge - 1), ae = e & ~(huge - 1);
    if (ae > ab) (void)madvise(reinterpret_cast<void*>(ab), ae - ab, MADV_HUGEPAGE);
#endif
    v.resize(static_cast<std::size_t>(n));
}

void check_extra(const SparseRows& extra, index_t n) {
    require(static_cast<index_t>(extra.ptr.size()) == extra.rows() + 1,
            "stencil assembly: malformed extra rows");
    for (index_t u = 0; u < extra.rows(); ++u) {
        require(extra.row_pixel[u] >= 0 && extra.row_pixel[u] < n &&
                    (u == 0 || extra.row_pixel[u - 1] < extra.row_pixel[u]),
                "stencil assembly: extra rows must be sorted pixel indices");
        for (index_t e = extra.ptr[u]; e < extra.ptr[u + 1]; ++e)
            require(extra.col[e] >= 0 && extra.col[e] < n &&
                        (e == extra.ptr[u] || extra.col[e - 1] < extra.col[e]),
                    "stencil assembly: extra columns must be sorted pixel indices");
    }
}

}  // namespace

index_t stencil_nnz(index_t height, index_t width, const SparseRows& extra) {
    index_t nx = 0, ny = 0;
    for (index_t x = 0; x < width; ++x) nx += span5(x, width);
    for (index_t y = 0; y < height; ++y) ny += span5(y, height);
    return nx * ny + outside_prefix(extra, width).back();
}

template <class I>
CsrMatrix<I> assemble_stencil(const ImageView<double>& image, double eps, const SparseRows& extra,
                              StencilMode mode) {
    const index_t H = image.height, W = image.width, N = H * W;
    require(image.channels == 3 && H >= 3 && W >= 3,
            "stencil assembly: image must be H x W x 3 with H, W >= 3");
    require(eps > 0.0, "eps must be > 0");  // the local colour model's 3x3 inverse
    check_extra(extra, N);
    const bool laplacian = mode == StencilMode::Laplacian;

    index_t nx = 0;
    for (index_t x = 0; x < W; ++x) nx += span5(x, W);
    std::vector<index_t> ny_before(static_cast<std::size_t>(H + 1), 0);
    for (index_t y = 0; y < H; ++y) ny_before[y + 1] = ny_before[y] + span5(y, H);
    const std::vector<index_t> out_before = outside_prefix(extra, W);
    const index_t nnz = nx * ny_before[H] + out_before.back();

    CsrMatrix<I> m;
    m.rows = m.cols = N;
    m.indptr.resize(static_cast<std::size_t>(N + 1));
    resize_large(m.indices, nnz);
    resize_large(m.data, nnz);
    m.indptr[0] = 0;
    // Column offsets of the 25-point stencil, in column order.
    index_t coff[MattingRowAccumulator::kStencil];
    for (int o = 0; o < MattingRowAccumulator::kStencil; ++o) coff[o] = (o / 5 - 2) * W + (o % 5 - 2);

    // Blocks of image rows; each block recomputes the (at most two) window
    // rows it shares with its neighbours, so blocks are independent and the
    // result does not depend on how rows are split.
    const index_t nt = max_threads();
    const index_t rows_per_block = std::max<index_t>(8, (H + 4 * nt - 1) / (4 * nt));
    const index_t n_blocks = (H + rows_per_block - 1) / rows_per_block;
    I* const indptr = m.indptr.data();
    I* const indices = m.indices.data();
    double* const data = m.data.data();

    parallel_for(
        0, n_blocks,
        [&](index_t blk) {
            const index_t y0 = blk * rows_per_block, y1 = std::min(H, y0 + rows_per_block);
            MattingRowAccumulator acc(image, eps);
            acc.begin(y0);
            index_t u = std::lower_bound(extra.row_pixel.begin(), extra.row_pixel.end(), y0 * W) -
                        extra.row_pixel.begin();
            index_t pos = nx * ny_before[y0] + out_before[u];
            double a[MattingRowAccumulator::kStencil];
            for (index_t y = y0; y < y1; ++y) {
                const double* planes = acc.row(y);
                const index_t dy0 = std::max<index_t>(-2, -y), dy1 = std::min<index_t>(2, H - 1 - y);
                const bool inner_row = dy0 == -2 && dy1 == 2;
                for (index_t x = 0; x < W; ++x) {
                    const index_t p = y * W + x;
                    const bool extra_here = u < extra.rows() && extra.row_pixel[u] == p;
                    if (inner_row && x >= 2 && x < W - 2 && !extra_here) {
                        // Fast path: the full stencil and nothing else.
                        I* ci = indices + pos;
                        double* vi = data + pos;
                        for (int o = 0; o < MattingRowAccumulator::kStencil; ++o)
                            ci[o] = static_cast<I>(p + coff[o]);
                        if (laplacian) {
                            double sum = 0.0;
                            for (int o = 0; o < MattingRowAccumulator::kStencil; ++o) {
                                if (o == 12) continue;
                                const double v = planes[o * W + x];
                                vi[o] = -v;
                                sum += v;
                            }
                            vi[12] = sum;
                        } else {
                            for (int o = 0; o < MattingRowAccumulator::kStencil; ++o)
                                vi[o] = planes[o * W + x];
                        }
                        pos += MattingRowAccumulator::kStencil;
                        indptr[p + 1] = static_cast<I>(pos);
                        continue;
                    }
                    for (int off = 0; off < MattingRowAccumulator::kStencil; ++off)
                        a[off] = planes[off * W + x];
                    const index_t dx0 = std::max<index_t>(-2, -x),
                                  dx1 = std::min<index_t>(2, W - 1 - x);
                    index_t e = 0, e_end = 0;
                    if (extra_here) {
                        e = extra.ptr[u];
                        e_end = extra.ptr[u + 1];
                        ++u;
                        for (index_t q = e; q < e_end; ++q)
                            if (in_stencil(p, extra.col[q], W)) {
                                const index_t c = extra.col[q];
                                a[(c / W - y + 2) * 5 + (c % W - x + 2)] += extra.val[q];
                            }
                    }
                    I* ci = indices + pos;
                    double* vi = data + pos;
                    index_t k = 0, diag = 0;
                    double sum = 0.0;
                    auto emit = [&](index_t col, double v) {
                        ci[k] = static_cast<I>(col);
                        if (!laplacian) {
                            vi[k] = v;
                        } else if (col == p) {
                            diag = k;
                        } else {
                            vi[k] = -v;
                            sum += v;
                        }
                        ++k;
                    };
                    for (index_t dy = dy0; dy <= dy1; ++dy) {
                        const index_t rowbase = p + dy * W;
                        for (index_t dx = dx0; dx <= dx1; ++dx) {
                            const index_t q = rowbase + dx;
                            for (; e < e_end && extra.col[e] < q; ++e)
                                if (!in_stencil(p, extra.col[e], W))
                                    emit(extra.col[e], extra.val[e]);
                            emit(q, a[(dy + 2) * 5 + dx + 2]);
                        }
                    }
                    for (; e < e_end; ++e)
                        if (!in_stencil(p, extra.col[e], W)) emit(extra.col[e], extra.val[e]);
                    if (laplacian) vi[diag] = sum;
                    pos += k;
                    indptr[p + 1] = static_cast<I>(pos);
                }
            }
        },
        /*dynamic=*/true);
    return m;
}

template <class I>
CsrMatrix<I> sparse_rows_to_csr(const SparseRows& rows, index_t n_pixels) {
    check_extra(rows, n_pixels);
    CsrMatrix<I> m;
    m.rows = m.cols = n_pixels;
    m.indptr.assign(static_cast<std::size_t>(n_pixels + 1), 0);
    m.indices.resize(static_cast<std::size_t>(rows.nnz()));
    m.data.assign(rows.val.begin(), rows.val.end());
    for (index_t e = 0; e < rows.nnz(); ++e) m.indices[e] = static_cast<I>(rows.col[e]);
    index_t u = 0, pos = 0;
    for (index_t p = 0; p < n_pixels; ++p) {
        if (u < rows.rows() && rows.row_pixel[u] == p) {
            pos = rows.ptr[u + 1];
            ++u;
        }
        m.indptr[p + 1] = static_cast<I>(pos);
    }
    return m;
}

template CsrMatrix<std::int32_t> assemble_stencil<std::int32_t>(const ImageView<double>&, double,
                                                                const SparseRows&, StencilMode);
template CsrMatrix<std::int64_t> assemble_stencil<std::int64_t>(const ImageView<double>&, double,
                                                                const SparseRows&, StencilMode);
template CsrMatrix<std::int32_t> sparse_rows_to_csr<std::int32_t>(const SparseRows&, index_t);
template CsrMatrix<std::int64_t> sparse_rows_to_csr<std::int64_t>(const SparseRows&, index_t);

}  // namespace sss

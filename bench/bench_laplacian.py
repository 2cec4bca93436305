"""Benchmark: affinities + Laplacian (SPEC §1–5) on docia 640×640.

Native sss_fast vs the vectorised NumPy/SciPy reference (tests/reference) vs
pymatting's ``cf_laplacian`` (matting Laplacian only; optional), in one run,
threads pinned. Prints a table of median times and the ratios.

    python bench/bench_laplacian.py [--threads 2] [--repeat 7] [--data PATH]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def parse():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--threads", type=int, default=2, help="native/BLAS/numba threads (default 2)")
    ap.add_argument("--repeat", type=int, default=7, help="runs of each native timing (default 7)")
    ap.add_argument("--ref-repeat", type=int, default=3, help="runs of the reference (default 3)")
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "docia.png",
                    help="docia.png (left half image, right half features)")
    ap.add_argument("--size", type=int, default=640, help="crop side (default 640, the full image)")
    return ap.parse_args()


args = parse()
# Pin every thread pool before numpy/scipy/numba are imported.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[var] = str(args.threads)
sys.path[:0] = [str(ROOT / "python"), str(ROOT / "tests")]

import time  # noqa: E402

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

import sss_fast  # noqa: E402
from sss_fast.stages import affinity, laplacian, superpixels  # noqa: E402
from sss_fast._native import core  # noqa: E402
from reference import affinity_ref, laplacian_ref  # noqa: E402


MINS = {}


def timed(fn, repeat):
    """Median wall time of ``repeat`` runs (the minimum is kept in MINS: on a
    shared machine it is the better estimate of the uncontended time)."""
    out, times = None, []
    for _ in range(repeat):
        out = None
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    med = float(np.median(times))
    MINS[med] = min(times)
    return med, out


def rel_err(a, b):
    return abs(a - b).max() / abs(b).max()


def region_graph(img):
    if hasattr(superpixels, "superpixels"):
        try:
            return superpixels.superpixels(img), "SLICO (sss_fast.stages.superpixels)"
        except Exception as exc:  # noqa: BLE001 - fall back to the grid below
            print(f"superpixels() failed ({exc!r}); using a grid labelling")
    h, w = img.shape[:2]
    side = max(1, round((h * w / 2500) ** 0.5))
    yy, xx = np.mgrid[0:h, 0:w]
    labels = (yy // side) * (-(-w // side)) + xx // side
    return affinity_ref.make_region_graph(labels), f"grid of {side}×{side} blocks"


def main():
    core.set_num_threads(args.threads)
    with Image.open(args.data) as im:
        a = np.asarray(im.convert("RGB"), dtype=np.float64) / 255.0
    s = args.size
    img = np.ascontiguousarray(a[:s, :s])
    feat = np.ascontiguousarray(a[:s, 640:640 + s])
    graph, how = region_graph(img)
    cm = affinity_ref.region_means(graph.labels, img)
    fm = affinity_ref.region_means(graph.labels, feat)
    p = sss_fast.Params()
    print(f"docia {s}×{s}, {graph.n_regions} regions ({how}), threads={args.threads}, "
          f"OpenMP={core.openmp_enabled()}")

    rows = []
    laplacian.build_laplacian(img, graph, cm, fm)  # warm-up
    t_nat, lap = timed(lambda: laplacian.build_laplacian(img, graph, cm, fm, p), args.repeat)
    t_ml, ml = timed(lambda: laplacian.matting_laplacian(img, p.matting_eps), args.repeat)
    t_wc, _ = timed(lambda: affinity.color_affinity(graph, cm), args.repeat)
    t_ws, _ = timed(lambda: affinity.semantic_affinity(graph, fm), args.repeat)
    t_ref, lap_ref = timed(lambda: laplacian_ref.build_laplacian(img, graph, cm, fm, p),
                           args.ref_repeat)
    rows += [("native  L = D − (W_L + σS WS + σC WC)", t_nat),
             ("native  matting Laplacian D_L − W_L", t_ml),
             ("native  W_C (colour) alone", t_wc),
             ("native  W_S (semantic) alone", t_ws),
             ("reference (NumPy/SciPy, vectorised) L", t_ref)]
    t_pym = None
    try:
        from pymatting import cf_laplacian
    except ImportError:
        print("pymatting not installed: skipping its column")
    else:
        cf_laplacian(img[:16, :16])  # numba compilation
        t_pym, pym = timed(lambda: cf_laplacian(img, epsilon=p.matting_eps, radius=1), args.repeat)
        rows.append(("pymatting cf_laplacian (matting only)", t_pym))

    print(f"\n{'what':44s} {'median s':>10s} {'min s':>10s}")
    for name, t in rows:
        print(f"{name:44s} {t:10.4f} {MINS[t]:10.4f}")
    print(f"\nL: nnz {lap.nnz}, index dtype {lap.indices.dtype}, "
          f"max|native − reference|/max|reference| = {rel_err(lap, lap_ref):.2e}, "
          f"max |L·1| = {np.abs(lap @ np.ones(lap.shape[0])).max():.1e}")
    print(f"load average at the end: {os.getloadavg()[0]:.2f} (ratios of medians; of minima)")
    print(f"ratio reference / native (full L):            {t_ref / t_nat:8.1f}×  "
          f"{MINS[t_ref] / MINS[t_nat]:8.1f}×")
    if t_pym is not None:
        print(f"ratio pymatting / native (matting Laplacian): {t_pym / t_ml:8.2f}×  "
              f"{MINS[t_pym] / MINS[t_ml]:8.2f}×")
        print(f"ratio pymatting matting-only / native full L: {t_pym / t_nat:8.2f}×  "
              f"{MINS[t_pym] / MINS[t_nat]:8.2f}×")
        print(f"native vs pymatting matting Laplacian: max rel diff {rel_err(ml, pym):.1e} "
              f"(pymatting uses the one-pass covariance and an explicit inverse)")


if __name__ == "__main__":
    main()

"""End-to-end benchmark of ``sss_fast.segment`` on the docia photo.

Each size and variant runs in its own subprocess (clean peak-memory reading
from /proc/self/status VmHWM), threads pinned. Prints per-stage wall times,
peak memory, and the ratios against the best existing Python port's figures
for the same image on this machine (../shared/data/README.md: 179 s / 1.5 GB
at 320×320, 620 s / 5.9 GB at 640×640 — that port cannot be run here, so its
recorded figures are the baseline).

Variants, side by side in the same run (``--variants``):

* ``default`` – ``Params()`` as shipped (constrained stage on a pixel
  subsample, float32 Krylov basis from 256²);
* ``exact``   – ``Params(constrained_stride=1, eig_basis="float64")``: the
  paper's reference path;
* ``fast``    – ``segment(..., preset="fast")``;
* ``float64-basis`` – the defaults with a float64 Krylov basis (not run
  unless asked for).

Each variant's layers are compared with the ``exact`` run's (layers matched
by overlap): mean |Δα| and the fraction of pixels where some layer moved by
more than 0.1.

    python bench/bench_pipeline.py [--sizes 320,640] [--variants default,exact,fast]
                                   [--threads 2] [--out bench/results]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BASELINE = {320: {"total": 179.0, "peak_gb": 1.5, "eigenvectors": 47.0, "constrained": 113.0,
                  "relaxed": 8.5},
            640: {"total": 620.0, "peak_gb": 5.9, "eigenvectors": 184.0, "constrained": 360.0,
                  "relaxed": 44.0}}

CHILD = r"""
import json, sys, time
import numpy as np
from PIL import Image
size, data, seed = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
variant, layers_out = json.loads(sys.argv[4]), sys.argv[5]
a = np.asarray(Image.open(data).convert("RGB"), dtype=np.float64) / 255.0
img, feat = a[:, :640], a[:, 640:]
f = 640 // size
if f > 1:
    img = img.reshape(size, f, size, f, 3).mean(axis=(1, 3))
    feat = feat.reshape(size, f, size, f, 3).mean(axis=(1, 3))
import sss_fast
P = sss_fast.Params(**variant.get("params", {}))
t = time.perf_counter()
r = sss_fast.segment(np.ascontiguousarray(img), np.ascontiguousarray(feat), seed=seed, params=P,
                     preset=variant.get("preset"))
wall = time.perf_counter() - t
np.save(layers_out, r.layers)
from sss_fast.stages.constrained import grid_sample_count
f = r.info["spectral_scale"]
hs = -(-size // f)
con_pixels = grid_sample_count(hs, hs, r.info["constrained_stride"])
hwm = 0
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        hwm = int(line.split()[1]) * 1024
eig = {k: v for k, v in r.info["eigen"].items() if isinstance(v, (int, float, bool, str))}
con = {k: np.asarray(v).tolist() for k, v in r.info["constrained"].items()}
print(json.dumps({"size": size, "wall": wall, "timings": r.timings, "peak_bytes": hwm,
                  "eigen": eig, "constrained": con, "n_components": r.info["n_components"],
                  "n_eigenvectors": P.n_eigenvectors, "eig_block": P.eig_block,
                  "spectral_scale": f, "spectral_pixels": hs * hs,
                  "constrained_stride": r.info["constrained_stride"],
                  "constrained_pixels": con_pixels,
                  "sum_error": float(abs(r.layers.sum(0) - 1).max())}))
"""

# The machine's own ceilings, measured in the same run with the same pinned
# threads: double-precision matrix multiply (NumPy's BLAS, 4096², best of 3)
# and a streaming read (sum of 512 MB, best of 3).
PROBE = r"""
import json, time
import numpy as np
def best_of_3(f):
    f()  # warm-up
    times = []
    for _ in range(3):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)
a = np.random.default_rng(1).random((4096, 4096)); b = a.T.copy()
best = best_of_3(lambda: a @ b)
x = np.ones(64_000_000)
rd = best_of_3(x.sum)
print(json.dumps({"dgemm_gflops": 2 * 4096 ** 3 / best / 1e9, "read_gbs": x.nbytes / rd / 1e9}))
"""


def work_bounds(rec, probe):
    """Flops (and bytes) the two heavy stages execute, from the run's own solver
    statistics, and the time they need at the machine's measured ceilings.

    eigenvectors: the factorisation (its flop count) and the shift-invert
    solves (one forward and one backward sweep of the factor per block of
    eig_block vectors: 4·nnz flops per vector, 2·nnz·8 bytes streamed per
    block). The Krylov basis work (orthogonalisation, restarts) is not
    counted. constrained (SPEC §7 as implemented, M eigenvectors, N pixels,
    K_t components in iteration t): Gram updates gram_work_t·K_t·N·M(M+1);
    per CG step the operator Eᵀ(W∘(E Z)), 4·N·M·K_t; per iteration the
    right-hand side with the warm start's residual, 4·N·M·K_t, and α = E Y,
    2·N·M·(K_t − 1), N the stage's (sampled) pixels; with a stride, the
    final lift α = E Y over all pixels. The weight passes (2·K·N powers) are
    not counted.
    """
    n = rec["constrained_pixels"]  # the constrained stage's pixels (its subsample)
    m = rec["n_eigenvectors"]
    eig = rec["eigen"]
    nnz = eig["factor_nonzeros"]
    blocks = eig["n_applied"] / rec["eig_block"]
    solve_flops = 4.0 * nnz * eig["n_applied"]
    solve_bytes = 2.0 * nnz * 8 * blocks
    con = rec["constrained"]
    ks = con["n_components"]
    gram = sum(g * k * n * m * (m + 1) for g, k in zip(con["gram_work"], ks))
    ops = sum((4.0 * c + 4.0) * n * m * k + 2.0 * n * m * (k - 1)
              for c, k in zip(con["pcg_iterations"], ks) if k > 1)
    ops += 2.0 * rec["spectral_pixels"] * m * (ks[-1] - 1)  # the lift to every pixel
    peak, bw = probe["dgemm_gflops"] * 1e9, probe["read_gbs"] * 1e9
    t_eig = eig["factor_flops"] / peak + max(solve_flops / peak, solve_bytes / bw)
    t_con = (gram + ops) / peak
    return {"eigen_factor_flops": eig["factor_flops"], "eigen_solve_flops": solve_flops,
            "eigen_solve_bytes": solve_bytes, "eigen_bound_s": t_eig,
            "constrained_gram_flops": gram, "constrained_product_flops": ops,
            "constrained_bound_s": t_con}


VARIANTS = {"default": {}, "exact": {"params": {"constrained_stride": 1, "eig_basis": "float64"}},
            "fast": {"preset": "fast"},
            # the Krylov basis in float64 (the eigen stage before float32 bases)
            "float64-basis": {"params": {"eig_basis": "float64"}}}


def compare_layers(a, b):
    """Mean and largest |Δα| and the fraction of pixels where some layer moved by
    more than 0.1, after matching b's layers to a's by overlap (Hungarian)."""
    from scipy.optimize import linear_sum_assignment

    if a.shape != b.shape:
        return {"layers": [a.shape[0], b.shape[0]]}
    rows, cols = linear_sum_assignment(-np.einsum("khw,jhw->kj", a, b))
    d = np.abs(a[rows] - b[cols])
    return {"mean_abs_diff": float(d.mean()), "max_abs_diff": float(d.max()),
            "pixels_moved_0.1": float((d.max(0) > 0.1).mean())}


def print_run(rec, args, base):
    t = rec["timings"]
    print(f"\n== docia {rec['size']}×{rec['size']}, {rec['variant']}, {args.threads} threads "
          f"(spectral part at {rec['spectral_pixels']} px, constrained stage on "
          f"{rec['constrained_pixels']} px, stride {rec['constrained_stride']}) ==")
    for k in ("superpixels", "laplacian", "eigenvectors", "constrained", "grouping",
              "relaxed", "cleanup", "total"):
        line = f"  {k:13s} {t[k]:8.2f} s"
        if base and k in base:
            line += f"   baseline {base[k]:7.1f} s   ×{base[k] / t[k]:6.1f}"
        print(line)
    gb = rec["peak_bytes"] / 1e9
    line = f"  peak memory   {gb:8.2f} GB"
    if base:
        line += f"   baseline {base['peak_gb']:7.1f} GB   ×{base['peak_gb'] / gb:6.1f} less"
    print(line)
    print(f"  eigen: {rec['eigen']}")
    e = rec["eigen"]
    if "time_orthogonalise" in e:
        print(f"  eigen split: factor {e['time_factor']:.2f} s, block solves {e['time_apply']:.2f} s "
              f"({e['n_applied']} vectors), basis ({e.get('basis', '?')}): orthogonalise "
              f"{e['time_orthogonalise']:.2f}, Rayleigh-Ritz/tests {e['time_check']:.2f}, restarts "
              f"{e['time_restart']:.2f}, Ritz vectors {e['time_vectors']:.2f}, true residuals "
              f"{e['time_residuals']:.2f} s")
    wb = rec["work_bounds"]
    rest = t["total"] - t["eigenvectors"] - t["constrained"]
    floor = wb["eigen_bound_s"] + wb["constrained_bound_s"] + rest
    print("  work at the machine's ceilings (lower bounds; see work_bounds):")
    print(f"    eigenvectors  factor {wb['eigen_factor_flops']:.2e} + solves "
          f"{wb['eigen_solve_flops']:.2e} flop ({wb['eigen_solve_bytes'] / 1e9:.0f} GB streamed)"
          f" → ≥ {wb['eigen_bound_s']:5.1f} s, measured {t['eigenvectors']:5.1f} s")
    print(f"    constrained   Gram {wb['constrained_gram_flops']:.2e} + products "
          f"{wb['constrained_product_flops']:.2e} flop → ≥ {wb['constrained_bound_s']:5.1f} s, "
          f"measured {t['constrained']:5.1f} s "
          f"({100 * wb['constrained_bound_s'] / t['constrained']:.0f} % of peak)")
    line = f"    end to end    ≥ {floor:5.1f} s with the other stages as measured"
    if base:
        line += f" → at most ×{base['total'] / floor:.1f} against the baseline's {base['total']:.0f} s"
    print(line)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="320,640")
    ap.add_argument("--variants", default="default,exact,fast",
                    help=f"comma-separated subset of {', '.join(VARIANTS)}")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=20180812)
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "docia.png"))
    ap.add_argument("--out", default=str(ROOT / "bench" / "results"))
    args = ap.parse_args()
    variants = [v for v in args.variants.split(",") if v]
    unknown = sorted(set(variants) - set(VARIANTS))
    if unknown:
        ap.error(f"unknown variants {unknown}; choose from {sorted(VARIANTS)}")
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(args.threads)
    if (ROOT / "python" / "sss_fast").exists() and any((ROOT / "python" / "sss_fast").glob("_core*.so")):
        env["PYTHONPATH"] = str(ROOT / "python") + os.pathsep + env.get("PYTHONPATH", "")
    probe = json.loads(subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                                      text=True, check=True).stdout.strip().splitlines()[-1])
    print(f"machine ceilings ({args.threads} threads): DGEMM {probe['dgemm_gflops']:.1f} GFlop/s, "
          f"streaming read {probe['read_gbs']:.1f} GB/s")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in [int(s) for s in args.sizes.split(",")]:
            layers = {}
            for name in variants:
                path = os.path.join(tmp, f"{size}-{name}.npy")
                out = subprocess.run([sys.executable, "-c", CHILD, str(size), args.data,
                                      str(args.seed), json.dumps(VARIANTS[name]), path],
                                     env=env, capture_output=True, text=True, check=True)
                rec = json.loads(out.stdout.strip().splitlines()[-1])
                rec["variant"] = name
                rec["work_bounds"] = work_bounds(rec, probe)
                layers[name] = np.load(path)
                rows.append(rec)
                print_run(rec, args, BASELINE.get(size))
            if "exact" in layers:
                print(f"\n  {size}×{size} side by side (layers against the exact run's):")
                ex = [r for r in rows if r["size"] == size and r["variant"] == "exact"][0]
                for name in variants:
                    rec = [r for r in rows if r["size"] == size and r["variant"] == name][0]
                    rec["vs_exact"] = compare_layers(layers["exact"], layers[name])
                    print(f"    {name:8s} total {rec['timings']['total']:6.1f} s "
                          f"(×{ex['timings']['total'] / rec['timings']['total']:.2f} vs exact), "
                          f"peak {rec['peak_bytes'] / 1e9:.2f} GB, vs exact {rec['vs_exact']}")
    meta = {"date": time.strftime("%Y-%m-%d %H:%M:%S"), "host": platform.node(),
            "machine": platform.processor() or platform.machine(), "threads": args.threads,
            "load_avg": os.getloadavg(), "baseline": BASELINE, "machine_ceilings": probe,
            "runs": rows}
    try:
        meta["commit"] = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                                        text=True).stdout.strip()
    except OSError:
        pass
    Path(args.out).mkdir(parents=True, exist_ok=True)
    path = Path(args.out) / f"pipeline-{time.strftime('%Y%m%d-%H%M%S')}-{platform.node()}.json"
    path.write_text(json.dumps(meta, indent=1))
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""sss_fast benchmark suite: speed, memory, scaling and quality, side by side.

    PYTHONPATH=python python bench/run_suite.py            # full suite (long: hours)
    PYTHONPATH=python python bench/run_suite.py --quick    # smoke run, a few minutes
    PYTHONPATH=python python bench/run_suite.py --quality-only
    PYTHONPATH=python python bench/run_suite.py --render bench/results/<stem>.json  # redo md/plots

Writes bench/results/<date>-<host>[-quick|-quality].json, a markdown summary
(.md) next to it and PNG plots (-scaling, -memory, -reference, -quality).

Parts:

1. End to end (docia resized to each --sizes entry, W×H; upscaled above 640²
   with bicubic interpolation, box-averaged below): ``sss_fast.segment`` in one
   subprocess per (size, threads), OMP/OpenBLAS/MKL/numba threads pinned by
   environment; per-stage wall time and per-stage peak resident memory
   (VmHWM, reset between stages through /proc/self/clear_refs), whole-run
   peak, CPU time. Log-log slope of time against pixels per stage (fit over
   0.4–3.2 MP when at least two sizes lie there, else over all sizes; the
   range used is reported).
2. Reference: each native stage against the NumPy/SciPy reference of the same
   math in tests/reference (same inputs, one subprocess per stage, threads =
   the largest --threads), at a per-stage size (--ref-sizes): 640² where the
   reference is affordable, smaller where it is not — the size is printed on
   every row; nothing is extrapolated. Native matting Laplacian against
   pymatting's ``cf_laplacian`` at --pymatting-sizes.
3. Quality (bench/quality.py): synthetic scenes with known soft alphas;
   SSS vs spectral matting vs k-means on features; docia sparsity and
   sum-to-one error.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = ROOT.parent / "shared" / "data" / "docia.png"
STAGES = ("features", "superpixels", "laplacian", "eigenvectors", "constrained", "grouping",
          "relaxed", "cleanup")
REF_STAGES = ("superpixels", "laplacian", "eigenvectors", "constrained", "relaxed")
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS",
               "VECLIB_MAXIMUM_THREADS")
# Figures of the best existing Python port (shared/data/README.md), not runnable here.
BASELINE = {"320x320": {"total": 179.0, "peak_gb": 1.5}, "640x640": {"total": 620.0, "peak_gb": 5.9}}
FULL = dict(sizes="320x320,640x640,1024x1024,2048x1536", threads="1,2",
            ref_sizes="superpixels=640,laplacian=640,eigenvectors=160,constrained=96,relaxed=160",
            ref_constrained_iterations=40,
            pymatting_sizes="320x320,640x640,1024x1024,2048x1536", timeout=5400, ref_timeout=1800,
            quality_size=96, docia_size=320)
QUICK = dict(sizes="96x96,128x128,192x192", threads="1,2",
             ref_sizes="superpixels=192,laplacian=192,eigenvectors=96,constrained=64,relaxed=96",
             ref_constrained_iterations=4,
             pymatting_sizes="128x128,256x256,640x640", timeout=600, ref_timeout=300,
             quality_size=96, docia_size=160)


# --------------------------------------------------------------------------- helpers (both sides)

def proc_status():
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(("VmHWM:", "VmRSS:")):
                out[line.split(":")[0]] = int(line.split()[1]) * 1024
    return out


def reset_peak():
    """Reset VmHWM to the current RSS (Linux >= 4.0); False when not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def parse_size(s):
    s = s.strip().lower()
    if "x" in s:
        w, h = s.split("x")
        return int(w), int(h)
    return int(s), int(s)


def load_docia(w, h, data=DATA):
    """docia image and its features resized to w×h (float64 in [0, 1])."""
    import numpy as np
    from PIL import Image

    with Image.open(data) as im:
        rgb = im.convert("RGB")
        img, feat = rgb.crop((0, 0, 640, 640)), rgb.crop((640, 0, 1280, 640))
    out = []
    for part in (img, feat):
        if (w, h) == (640, 640):
            a = np.asarray(part, dtype=np.float64) / 255.0
        elif 640 % w == 0 and 640 % h == 0 and w == h:  # exact box mean (as bench_pipeline)
            f = 640 // w
            a = (np.asarray(part, dtype=np.float64) / 255.0).reshape(h, f, w, f, 3).mean(axis=(1, 3))
        else:
            rs = Image.BICUBIC if w * h > 640 * 640 else Image.BOX
            a = np.asarray(part.resize((w, h), rs), dtype=np.float64) / 255.0
        out.append(np.ascontiguousarray(np.clip(a, 0.0, 1.0)))
    return out[0], out[1]


def cpu_seconds():
    t = os.times()
    return t.user + t.system


# --------------------------------------------------------------------------- children

def child_e2e(a):
    import numpy as np

    import sss_fast
    from sss_fast._native import core

    core.set_num_threads(a.threads)
    w, h = parse_size(a.size)
    img, feat = load_docia(w, h, a.data)
    pre = proc_status()
    can_reset = reset_peak()
    marks = []

    def progress(stage, i, n):
        st = proc_status()
        marks.append((stage, st["VmHWM"], st["VmRSS"]))
        reset_peak()

    c0, t0 = cpu_seconds(), time.perf_counter()
    r = sss_fast.segment(img, feat, seed=a.seed, progress=progress)
    wall, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    end = proc_status()
    stage_peak, stage_rss0 = {}, {}
    for i, (stage, _, rss) in enumerate(marks):
        nxt = marks[i + 1][1] if i + 1 < len(marks) else end["VmHWM"]
        stage_peak[stage] = nxt
        stage_rss0[stage] = rss
    peak = max([pre["VmHWM"]] + list(stage_peak.values())) if can_reset else end["VmHWM"]
    eig = {k: v for k, v in r.info["eigen"].items() if isinstance(v, (int, float, bool, str))}
    layers = r.layers.astype(np.float64)
    return {"size": a.size, "width": w, "height": h, "pixels": w * h, "threads": a.threads,
            "status": "ok", "wall": wall, "cpu_seconds": cpu, "timings": r.timings,
            "peak_bytes": peak, "pre_run_peak_bytes": pre["VmHWM"], "rss_before_bytes": pre["VmRSS"],
            "stage_peak_bytes": stage_peak if can_reset else None,
            "stage_start_rss_bytes": stage_rss0, "peak_per_stage_measured": can_reset,
            "eigen": eig, "n_components": r.info["n_components"],
            "n_superpixels": r.info["n_superpixels"], "n_layers": int(r.layers.shape[0]),
            "sum_to_one_max": float(np.abs(layers.sum(0) - 1).max()),
            "semi_transparent_pixels": float(((layers > 0.05) & (layers < 0.95)).any(0).mean()),
            "native_threads": int(core.get_num_threads()),
            "openmp": bool(core.openmp_enabled()), "load_avg_end": os.getloadavg()}


def _best(fn, min_total=1.0, max_repeat=3):
    """Best of up to ``max_repeat`` runs (repeats only while the total stays under min_total s)."""
    times, out = [], None
    while True:
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
        if len(times) >= max_repeat or sum(times) > min_total:
            return min(times), len(times), out


def child_reference(a):
    """One stage, native vs reference at one size, same inputs."""
    import numpy as np

    from dataclasses import replace

    import sss_fast
    from sss_fast import constrained, laplacian, relaxed, spectral, superpixels
    from sss_fast._native import core

    sys.path.insert(0, str(ROOT / "tests"))
    from reference import affinity_ref, constrained_ref, laplacian_ref, relaxed_ref, superpixels_ref

    core.set_num_threads(a.threads)
    w, h = parse_size(a.size)
    img, feat = load_docia(w, h, a.data)
    p = sss_fast.Params()
    row = {"stage": a.stage, "size": a.size, "pixels": w * h, "threads": a.threads}

    def graph_and_means():
        g = superpixels.superpixels(img, n_segments=p.n_superpixels, iterations=p.slic_iterations)
        return g, superpixels.region_means(g.labels, img, g.n_regions), \
            superpixels.region_means(g.labels, feat, g.n_regions)

    if a.stage == "superpixels":
        tn, rep, (g, _, _) = _best(graph_and_means)

        def ref():
            lab = superpixels_ref.slico(img, p.n_superpixels, p.slic_iterations)
            n, _, _ = superpixels_ref.region_graph(lab)
            superpixels_ref.region_means(lab, img, n)
            superpixels_ref.region_means(lab, feat, n)
            return lab
        t = time.perf_counter()
        lab = ref()
        tr = time.perf_counter() - t
        row.update(agreement=float((lab == g.labels).mean()), agreement_what="fraction of equal labels",
                   native_what="superpixels.superpixels + 2× region_means",
                   reference_what="superpixels_ref.slico + region_graph + 2× region_means")
    elif a.stage == "laplacian":
        g, cm, fm = graph_and_means()
        tn, rep, lap = _best(lambda: laplacian.build_laplacian(img, g, cm, fm, p))
        cmr, fmr = affinity_ref.region_means(g.labels, img), affinity_ref.region_means(g.labels, feat)
        t = time.perf_counter()
        lr = laplacian_ref.build_laplacian(img, g, cmr, fmr, p)
        tr = time.perf_counter() - t
        row.update(agreement=float(abs(lap - lr).max() / abs(lr).max()),
                   agreement_what="max |L_native − L_ref| / max |L_ref|",
                   native_what="laplacian.build_laplacian (W_L + σS·WS + σC·WC)",
                   reference_what="laplacian_ref.build_laplacian")
    elif a.stage == "pymatting":
        from pymatting import cf_laplacian

        cf_laplacian(img[:16, :16], epsilon=p.matting_eps, radius=1)  # numba compilation, untimed
        tn, rep, ml = _best(lambda: laplacian.matting_laplacian(img, p.matting_eps))
        tr, _, pm = _best(lambda: cf_laplacian(img, epsilon=p.matting_eps, radius=1))
        row.update(agreement=float(abs(ml - pm).max() / abs(pm).max()),
                   agreement_what="max |L_native − L_pymatting| / max |L_pymatting|",
                   native_what="laplacian.matting_laplacian",
                   reference_what="pymatting.cf_laplacian(radius=1), numba, compile excluded")
    elif a.stage == "eigenvectors":
        import scipy.sparse.linalg as sla

        g, cm, fm = graph_and_means()
        lap = laplacian.build_laplacian(img, g, cm, fm, p)
        n = min(p.n_eigenvectors, max(2, (w * h - 2) // 2))
        tn, rep, eig = _best(lambda: spectral.smallest_eigenpairs(
            lap, (h, w), params=p, seed=a.seed, special=g.centroids))
        t = time.perf_counter()
        vals, _ = sla.eigsh(lap.tocsc(), n, sigma=0, which="LM")
        tr = time.perf_counter() - t
        vals = np.sort(vals)
        row.update(agreement=float(np.abs(np.sort(eig.values) - vals).max() / np.abs(vals).max()),
                   agreement_what="max |λ_native − λ_ref| / max |λ_ref|",
                   native_what=f"spectral.smallest_eigenpairs ({n} pairs, tol {p.eig_tolerance:g})",
                   reference_what=f"scipy eigsh shift-invert σ=0 (SuperLU), {n} pairs")
    elif a.stage == "constrained":
        g, cm, fm = graph_and_means()
        lap = laplacian.build_laplacian(img, g, cm, fm, p)
        n = min(p.n_eigenvectors, max(2, (w * h - 2) // 2))
        eig = spectral.smallest_eigenpairs(lap, (h, w), params=p, seed=a.seed, special=g.centroids)
        init = constrained.initial_components(feat, p.n_initial_components, seed=a.seed)
        its = a.ref_constrained_iterations
        if its != p.constrained_iterations:
            p = replace(p, constrained_iterations=its,
                        prune_after=tuple(i for i in p.prune_after if i <= its) or (max(1, its - 1),))
        tn, rep, comps = _best(lambda: constrained.constrained_sparsify(eig.vectors, eig.values,
                                                                        init, p, method="pcg"))
        # the native "exact" method (all K weighted Grams every iteration, as the reference)
        tx, _, comps_x = _best(lambda: constrained.constrained_sparsify(eig.vectors, eig.values,
                                                                        init, p, method="exact"))
        t = time.perf_counter()
        cr, _, _ = constrained_ref.constrained_ref(
            eig.vectors, eig.values, np.asarray(init), iterations=p.constrained_iterations,
            gamma=p.sparsity_gamma, w0=p.sparsity_weight, w1=p.sparsity_weight,
            floor=p.sparsity_floor, prune_threshold=p.prune_threshold, prune_after=p.prune_after)
        tr = time.perf_counter() - t
        comps = np.asarray(comps).reshape(comps.shape[0], -1)
        agree = float(np.abs(comps - cr).max()) if comps.shape == cr.shape else None
        comps_x = np.asarray(comps_x).reshape(comps_x.shape[0], -1)
        row.update(agreement=agree, agreement_what="max |α_native − α_ref| (None: K differs)",
                   k_native=int(comps.shape[0]), k_reference=int(cr.shape[0]),
                   native_exact_s=tx, ratio_exact=tr / tx,
                   agreement_exact=(float(np.abs(comps_x - cr).max()) if comps_x.shape == cr.shape
                                    else None),
                   native_what=f"constrained.constrained_sparsify method='pcg' (default; 'exact' "
                               f"{tx:.3f} s = {tr / tx:.1f}× in the JSON) (M={n}, K0={int(init.max()) + 1}, "
                               f"{p.constrained_iterations} its, prune after {p.prune_after}; k-means init untimed, "
                               "shared)",
                   reference_what="constrained_ref.constrained_ref (einsum Grams, dense solve)")
    elif a.stage == "relaxed":
        g, cm, fm = graph_and_means()
        lap = laplacian.build_laplacian(img, g, cm, fm, p)
        # soft k-means assignments of the features stand in for the grouped layers
        f = feat.reshape(-1, 3)
        rng = np.random.default_rng(52711)
        c = f[rng.choice(len(f), 5, replace=False)]
        for _ in range(10):
            d = ((f[:, None] - c[None]) ** 2).sum(-1)
            lab = d.argmin(1)
            c = np.array([f[lab == j].mean(0) if (lab == j).any() else c[j] for j in range(5)])
        d = ((f[:, None] - c[None]) ** 2).sum(-1)
        al = np.exp(-(d - d.min(1, keepdims=True)) / 0.01)
        alpha = np.ascontiguousarray((al / al.sum(1, keepdims=True)).T)
        tn, rep, out = _best(lambda: relaxed.relaxed_sparsify(alpha, lap, img, p))
        t = time.perf_counter()
        rr, _, _ = relaxed_ref.relaxed_sparsify(
            alpha, lap, img, lam=p.sum_to_one_weight, iterations=p.relaxed_iterations,
            floor=p.relaxed_floor, gamma_base=p.gamma_base, gamma_cap=p.gamma_gradient_cap,
            clean_low=p.clean_low, clean_high=p.clean_high, tol=p.cg_tolerance, jacobi=True)
        tr = time.perf_counter() - t
        row.update(agreement=float(np.abs(np.asarray(out).reshape(5, -1) - rr).max()),
                   agreement_what="max |α_native − α_ref| (both CG to rel. residual 1e-6)",
                   native_what="relaxed.relaxed_sparsify (K=5; matrix-free block PCG)",
                   reference_what="relaxed_ref.relaxed_sparsify (explicit 5N×5N, SciPy Jacobi CG)")
    else:
        raise ValueError(a.stage)
    row.update(status="ok", native_s=tn, native_repeats=rep, reference_s=tr, ratio=tr / tn,
               load_avg_end=os.getloadavg())
    return row


# --------------------------------------------------------------------------- parent

def child_env(threads):
    env = dict(os.environ)
    for v in THREAD_VARS:
        env[v] = str(threads)
    paths = [str(ROOT / "python"), str(HERE)]
    env["PYTHONPATH"] = os.pathsep.join(paths + [env["PYTHONPATH"]] if env.get("PYTHONPATH")
                                        else paths)
    return env


def run_child(args_list, threads, timeout):
    cmd = [sys.executable, str(Path(__file__).resolve())] + args_list
    t = time.perf_counter()
    try:
        out = subprocess.run(cmd, env=child_env(threads), capture_output=True, text=True,
                             timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "timeout_s": timeout, "elapsed": time.perf_counter() - t}
    lines = [ln for ln in out.stdout.strip().splitlines() if ln.startswith("{")]
    if out.returncode != 0 or not lines:
        return {"status": f"failed (exit {out.returncode})", "stderr_tail": out.stderr[-1500:],
                "elapsed": time.perf_counter() - t}
    rec = json.loads(lines[-1])
    warn = [ln for ln in out.stderr.splitlines() if "Warning" in ln]
    if warn:
        rec["warnings"] = warn[:5]
    return rec


def machine_info():
    info = {"host": platform.node(), "platform": platform.platform(), "python": platform.python_version(),
            "cpu_count": os.cpu_count()}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            info["mem_total_gb"] = round(int(f.readline().split()[1]) / 2**20, 1)
    except OSError:
        pass
    try:
        info["commit"] = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                                        text=True).stdout.strip()
        info["dirty"] = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                                            cwd=ROOT, capture_output=True, text=True).stdout.strip())
    except OSError:
        pass
    probe = r"""
import json, importlib
v = {}
for m in ("numpy", "scipy", "pymatting", "numba", "matplotlib", "PIL", "sss_fast"):
    try:
        v[m] = getattr(importlib.import_module(m), "__version__", "?")
    except Exception as e:
        v[m] = "not installed"
try:
    from threadpoolctl import threadpool_info
    v["threadpools"] = [{k: d.get(k) for k in ("user_api", "internal_api", "version", "num_threads",
                         "threading_layer", "filepath")} for d in threadpool_info()]
except Exception as e:
    v["threadpools"] = str(e)
try:
    from sss_fast._native import core
    v["sss_openmp"] = bool(core.openmp_enabled()); v["sss_threads"] = int(core.get_num_threads())
    v["sss_core"] = core.__file__
except Exception as e:
    v["sss_core"] = repr(e)
print(json.dumps(v))
"""
    out = subprocess.run([sys.executable, "-c", probe], env=child_env(2), capture_output=True,
                         text=True)
    try:
        info["versions"] = json.loads(out.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        info["versions"] = {"error": out.stderr[-500:]}
    return info


def loglog_slope(px, t, lo=0.4e6, hi=3.2e6):
    import numpy as np

    pts = [(x, y) for x, y in zip(px, t) if y and y > 0]
    sel = [(x, y) for x, y in pts if lo <= x <= hi]
    note = "0.4–3.2 MP"
    if len(sel) < 2:
        sel, note = pts, "all sizes run (none or one in 0.4–3.2 MP)"
    if len(sel) < 2:
        return None, note
    x = np.log([s[0] for s in sel])
    y = np.log([s[1] for s in sel])
    return float(np.polyfit(x, y, 1)[0]), f"{note}: {min(s[0] for s in sel) / 1e6:.2f}–" \
                                          f"{max(s[0] for s in sel) / 1e6:.2f} MP, {len(sel)} sizes"


def analyse(res):
    """Slopes, targets."""
    e2e = [r for r in res.get("e2e", []) if r.get("status") == "ok"]
    slopes = {}
    for th in sorted({r["threads"] for r in e2e}):
        rows = sorted([r for r in e2e if r["threads"] == th], key=lambda r: r["pixels"])
        px = [r["pixels"] for r in rows]
        slopes[str(th)] = {}
        for st in STAGES + ("total",):
            s, note = loglog_slope(px, [r["timings"].get(st) for r in rows])
            slopes[str(th)][st] = {"slope": s, "fit": note}
        s, note = loglog_slope(px, [r["peak_bytes"] for r in rows])
        slopes[str(th)]["peak_memory"] = {"slope": s, "fit": note}
    res["slopes"] = slopes

    targets = []

    def add(name, ok, detail):
        targets.append({"target": name, "met": ok, "detail": detail})

    r640 = [r for r in e2e if r["size"] == "640x640"]
    if r640:
        best = min(r640, key=lambda r: r["timings"]["total"])
        sp = 620.0 / best["timings"]["total"]
        add("640×640 docia end to end ≥ 20× faster than 620 s", sp >= 20,
            f"{best['timings']['total']:.1f} s on {best['threads']} thread(s): {sp:.1f}×")
        pk = max(r["peak_bytes"] for r in r640)
        add("640×640 peak memory ≤ 2 GB", pk <= 2e9, f"{pk / 1e9:.2f} GB")
    else:
        add("640×640 docia end to end ≥ 20× faster than 620 s", None, "640×640 not run")
        add("640×640 peak memory ≤ 2 GB", None, "640×640 not run")
    refs = [r for r in res.get("reference", []) if r.get("stage") != "pymatting"]
    for st in REF_STAGES:
        rr = [r for r in refs if r.get("stage") == st]
        if not rr:
            add(f"{st}: native ≥ 10× faster than reference at 640²", None, "not run")
            continue
        r = rr[0]
        if r.get("status") != "ok":
            add(f"{st}: native ≥ 10× faster than reference at 640²", None,
                f"reference {r.get('status')} at {r['size']}")
            continue
        at640 = r["size"] == "640x640"
        add(f"{st}: native ≥ 10× faster than reference at 640²",
            (r["ratio"] >= 10) if at640 else None,
            f"{r['ratio']:.1f}× at {r['size']}" + ("" if at640 else
                                                   " (NOT at 640²: the reference was run at this "
                                                   "size only; not extrapolated)"))
    for th, s in slopes.items():
        tot = s["total"]
        in_range = tot["fit"].startswith("0.4")
        add(f"cost linear in pixels (slope ≤ 1.15, 0.4–3 MP), {th} thread(s)",
            (tot["slope"] is not None and tot["slope"] <= 1.15) if in_range else None,
            (f"total slope {tot['slope']:.2f} ({tot['fit']})" if tot["slope"] is not None
             else tot["fit"]))
    big = [r for r in res.get("e2e", []) if r.get("size") == "2048x1536"]
    if big:
        ok = [r for r in big if r.get("status") == "ok"]
        if ok:
            pk = max(r["peak_bytes"] for r in ok)
            add("2048×1536 completes within 24 GiB", pk <= 24 * 2**30,
                f"peak {pk / 2**30:.2f} GiB, {min(r['timings']['total'] for r in ok):.0f} s")
        else:
            add("2048×1536 completes within 24 GiB", False, big[0].get("status"))
    else:
        add("2048×1536 completes within 24 GiB", None, "not run")
    q = res.get("quality")
    if q and q.get("mean"):
        m = q["mean"]
        ok = m["sss"]["sad"] < m["spectral_matting"]["sad"] and m["sss"]["sad"] < m["kmeans"]["sad"]
        add("synthetic set: SSS beats both baselines on mean SAD", ok,
            ", ".join(f"{k} {m[k]['sad']:.1f}" for k in ("sss", "spectral_matting", "kmeans")))
    res["targets"] = targets


# --------------------------------------------------------------------------- output

def _fmt_mb(b):
    return "–" if b is None else f"{b / 2**20:,.0f}"


def plots(res, stem):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    made = []
    e2e = [r for r in res.get("e2e", []) if r.get("status") == "ok"]
    if e2e:
        ths = sorted({r["threads"] for r in e2e})
        fig, axes = plt.subplots(1, len(ths), figsize=(6 * len(ths), 4.6), squeeze=False)
        for ax, th in zip(axes[0], ths):
            rows = sorted([r for r in e2e if r["threads"] == th], key=lambda r: r["pixels"])
            px = np.array([r["pixels"] for r in rows]) / 1e6
            for st in STAGES + ("total",):
                t = np.array([r["timings"].get(st, np.nan) for r in rows])
                if np.all(t < 1e-3):
                    continue
                s = res["slopes"][str(th)][st]["slope"]
                ax.loglog(px, t, "o-" if st != "total" else "ks-", lw=2.5 if st == "total" else 1.2,
                          label=f"{st} (slope {s:.2f})" if s is not None else st)
            t0 = rows[0]["timings"]["total"]
            ax.loglog(px, t0 * px / px[0], "k:", lw=0.8, label="slope 1")
            ax.set_xlabel("megapixels")
            ax.set_ylabel("wall time (s)")
            ax.set_title(f"docia, {th} thread(s)")
            ax.grid(True, which="both", alpha=0.3)
            ax.legend(fontsize=7)
        fig.suptitle(f"time vs pixels, load avg {res['load_avg_start'][0]:.1f}→"
                     f"{res['load_avg_end'][0]:.1f}", fontsize=9)
        fig.tight_layout()
        p = f"{stem}-scaling.png"
        fig.savefig(p, dpi=90)
        plt.close(fig)
        made.append(p)

        fig, ax = plt.subplots(figsize=(6.5, 4.6))
        for th in ths:
            rows = sorted([r for r in e2e if r["threads"] == th], key=lambda r: r["pixels"])
            px = np.array([r["pixels"] for r in rows]) / 1e6
            ax.loglog(px, [r["peak_bytes"] / 2**30 for r in rows], "ks-" if th == max(ths) else "k^--",
                      label=f"whole run, {th} thr")
            if th == max(ths) and rows[0].get("stage_peak_bytes"):
                for st in STAGES:
                    v = [(r["stage_peak_bytes"] or {}).get(st, np.nan) / 2**30 for r in rows]
                    ax.loglog(px, v, "o-", lw=1, label=f"{st} ({th} thr)")
        ax.axhline(2e9 / 2**30, color="r", ls=":", lw=0.8, label="2 GB (640² target)")
        ax.axhline(24, color="m", ls=":", lw=0.8, label="24 GiB (3 MP target)")
        ax.set_xlabel("megapixels")
        ax.set_ylabel("peak resident memory (GiB, VmHWM)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
        fig.tight_layout()
        p = f"{stem}-memory.png"
        fig.savefig(p, dpi=90)
        plt.close(fig)
        made.append(p)
    refs = [r for r in res.get("reference", []) if r.get("status") == "ok"]
    if refs:
        fig, ax = plt.subplots(figsize=(7, 0.45 * len(refs) + 1.5))
        labels = [f"{r['stage']} @ {r['size']}" if r["stage"] != "pymatting" else
                  f"matting L vs pymatting @ {r['size']}" for r in refs]
        ratios = [r["ratio"] for r in refs]
        ax.barh(range(len(refs)), ratios, color=["C1" if r["stage"] == "pymatting" else "C0"
                                                 for r in refs])
        ax.set_yticks(range(len(refs)))
        ax.set_yticklabels(labels, fontsize=8)
        ax.set_xscale("log")
        ax.axvline(10, color="r", ls=":", lw=0.8)
        ax.axvline(1, color="k", lw=0.6)
        for i, v in enumerate(ratios):
            ax.text(v, i, f" {v:.1f}×", va="center", fontsize=7)
        ax.set_xlabel("reference time / native time (same inputs, same thread settings)")
        ax.invert_yaxis()
        fig.tight_layout()
        p = f"{stem}-reference.png"
        fig.savefig(p, dpi=90)
        plt.close(fig)
        made.append(p)
    q = res.get("quality")
    if q and q.get("scenes"):
        names = list(q["scenes"])
        meths = q["methods"]
        fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
        for ax, key in zip(axes, ("sad", "sad_band")):
            wdt = 0.8 / len(meths)
            for j, m in enumerate(meths):
                ax.bar(np.arange(len(names) + 1) + j * wdt,
                       [q["scenes"][s]["methods"][m][key] for s in names] + [q["mean"][m][key]],
                       wdt, label=m)
            ax.set_xticks(np.arange(len(names) + 1) + 0.4 - wdt / 2)
            ax.set_xticklabels(names + ["mean"], fontsize=8)
            ax.set_ylabel(key.replace("_", " ").upper() + " (pixels)")
            ax.set_title(("whole layers" if key == "sad" else "transition band only")
                         + f", {q['size']}×{q['size']}", fontsize=9)
        axes[0].legend(fontsize=7)
        fig.tight_layout()
        p = f"{stem}-quality.png"
        fig.savefig(p, dpi=90)
        plt.close(fig)
        made.append(p)
    return made


def markdown(res, stem, pngs):
    m = res["machine"]
    v = m.get("versions", {})
    L = [f"# sss_fast benchmark — {res['date']} on {m['host']}", ""]
    L.append(f"Command: `{res['command']}`  ")
    L.append(f"Commit `{m.get('commit', '?')[:12]}`{' (dirty tree)' if m.get('dirty') else ''}; "
             f"{m.get('cpu', '?')}, {m.get('cpu_count')} logical CPUs, {m.get('mem_total_gb')} GiB; "
             f"Python {m['python']}.  ")
    L.append("Versions: " + ", ".join(f"{k} {v[k]}" for k in ("numpy", "scipy", "pymatting", "numba",
                                                              "matplotlib", "sss_fast") if k in v)
             + f"; OpenMP in sss_fast: {v.get('sss_openmp')}.  ")
    tp = v.get("threadpools")
    if isinstance(tp, list):
        L.append("Thread pools (probe, 2 threads pinned): " + "; ".join(
            f"{d.get('internal_api')} {d.get('version') or ''} ({d.get('user_api')})" for d in tp) + ".  ")
    L.append(f"Threads pinned per run via {', '.join(THREAD_VARS)} and "
             f"`core.set_num_threads`. Load average (1/5/15 min): start "
             f"{'/'.join(f'{x:.1f}' for x in res['load_avg_start'])}, end "
             f"{'/'.join(f'{x:.1f}' for x in res['load_avg_end'])}"
             " — the machine is shared; wall times are inflated accordingly.")
    L.append("")
    e2e = res.get("e2e", [])
    if e2e:
        L += ["## End to end (docia, `sss_fast.segment`)", "",
              "Times in seconds; peak = VmHWM of the subprocess (MiB); per-stage peaks in the JSON "
              "and the memory plot. cpu/wall = process CPU time over wall time; load = 1-minute load "
              "average when the run ended (above the thread count means other work shared the CPU).",
              ""]
        hdr = ["size", "MP", "thr"] + [s for s in STAGES] + ["total", "peak MiB", "cpu/wall", "load",
                                                             "status"]
        L.append("| " + " | ".join(hdr) + " |")
        L.append("|" + "---|" * len(hdr))
        for r in e2e:
            wh = r.get("size")
            if r.get("status") == "ok":
                t = r["timings"]
                cells = [wh, f"{r['pixels'] / 1e6:.2f}", str(r["threads"])] + \
                        [f"{t.get(s, 0):.2f}" for s in STAGES] + \
                        [f"**{t['total']:.1f}**", _fmt_mb(r["peak_bytes"]),
                         f"{r['cpu_seconds'] / r['wall']:.2f}", f"{r['load_avg_end'][0]:.1f}", "ok"]
            else:
                cells = [wh, "", str(r.get("threads"))] + [""] * len(STAGES) + \
                        ["", "", "", "", r.get("status", "?")]
            L.append("| " + " | ".join(cells) + " |")
        L.append("")
        base = [(r, BASELINE[r["size"]]) for r in e2e if r.get("status") == "ok" and r["size"] in BASELINE]
        if base:
            L.append("Against the recorded figures of the best existing Python port "
                     "(179 s / 1.5 GB at 320², 620 s / 5.9 GB at 640²): " + "; ".join(
                         f"{r['size']} {r['threads']} thr: {b['total'] / r['timings']['total']:.1f}× "
                         f"faster, {b['peak_gb'] * 1e9 / r['peak_bytes']:.1f}× less memory"
                         for r, b in base) + ".")
            L.append("")
        L += ["### Scaling (log-log slope of time against pixels)", ""]
        L.append("| threads | " + " | ".join(STAGES + ("total", "peak_memory")) + " | fit range |")
        L.append("|" + "---|" * (len(STAGES) + 4))
        for th, s in res.get("slopes", {}).items():
            L.append(f"| {th} | " + " | ".join(
                "–" if s[k]["slope"] is None else f"{s[k]['slope']:.2f}"
                for k in STAGES + ("total", "peak_memory")) + f" | {s['total']['fit']} |")
        L.append("")
    refs = res.get("reference", [])
    if refs:
        L += ["## Native vs reference (same inputs, one subprocess per row)", "",
              "Each row's size is where the reference was run; 640² only where the reference "
              "finishes in reasonable time. Ratios are measured, never extrapolated.", "",
              "| stage | size | thr | native s | reference s | ratio | agreement | load | native | "
              "reference |",
              "|---|---|---|---|---|---|---|---|---|---|"]
        for r in refs:
            if r.get("status") == "ok":
                ag = r.get("agreement")
                L.append(f"| {r['stage']} | {r['size']} | {r['threads']} | {r['native_s']:.3f} | "
                         f"{r['reference_s']:.2f} | **{r['ratio']:.1f}×** | "
                         f"{'–' if ag is None else f'{ag:.1e}'} ({r['agreement_what']}) | "
                         f"{r['load_avg_end'][0]:.1f} | {r['native_what']} | {r['reference_what']} |")
            else:
                L.append(f"| {r.get('stage')} | {r.get('size')} | {r.get('threads')} | | | "
                         f"{r.get('status')} | | | | |")
        L.append("")
        L.append("Not compared: `grouping` (its reference is a brute-force partition search, only for "
                 "a handful of points; the native stage takes milliseconds, see the end-to-end "
                 "table) and `cleanup` (a few array operations).")
        L.append("")
    q = res.get("quality")
    if q:
        L += [f"## Quality (synthetic scenes {q['size']}×{q['size']}, bench/scenes.py)", "",
              "Each output layer is assigned to the true layer it overlaps most; layers assigned "
              "to the same true layer are summed. SAD in pixels (summed over layers), MSE mean over "
              "layers × pixels; *band* = pixels where some true α ∈ (0.05, 0.95), dilated by 1. "
              "`sss` = `sss_fast.segment(image, features, n_layers=K_true)`; "
              "`spectral_matting` = `sss_fast.spectral_matting(image, 20)`, the paper's baseline "
              "(no features; its 10–20 surviving components are each given to the true layer they "
              "overlap most, which favours it); `kmeans` = hard k-means on the features alone. "
              "Extra, not in the target: `spectral_matting_grouped` = the same components grouped by "
              "features into K_true layers (like for like with `sss`, no ground truth used); "
              "`sss_components` = the `sss` run's components before grouping, scored like "
              "`spectral_matting` (no extra run).", ""]
        meths = q["methods"]
        L.append("| scene | K | band % | " + " | ".join(f"{mm} SAD / band SAD / MSE / band MSE"
                                                       for mm in meths) + " |")
        L.append("|" + "---|" * (3 + len(meths)))
        for s, row in q["scenes"].items():
            L.append(f"| {s} | {row['k_true']} | {100 * row['band_fraction']:.0f} | " + " | ".join(
                f"{row['methods'][mm]['sad']:.0f} / {row['methods'][mm]['sad_band']:.0f} / "
                f"{row['methods'][mm]['mse']:.4f} / {row['methods'][mm]['mse_band']:.4f}"
                for mm in meths) + " |")
        L.append("| **mean** | | | " + " | ".join(
            f"**{q['mean'][mm]['sad']:.0f}** / {q['mean'][mm]['sad_band']:.0f} / "
            f"{q['mean'][mm]['mse']:.4f} / {q['mean'][mm]['mse_band']:.4f}" for mm in meths) + " |")
        L.append("")
        ref_sad = q["mean"]["sss"]["sad"]
        L.append("Mean SAD relative to `sss` (above 1: `sss` better): " + ", ".join(
            f"{mm} {q['mean'][mm]['sad'] / ref_sad:.2f}" for mm in meths if mm != "sss")
            + ". Scenes where `sss` has the lowest SAD of sss / spectral_matting / kmeans: "
            + (", ".join(sn for sn, row in q["scenes"].items()
                         if all(row["methods"]["sss"]["sad"] <= row["methods"][mm]["sad"]
                                for mm in ("spectral_matting", "kmeans"))) or "none") + ".")
        L.append("")
        if q.get("docia"):
            d = q["docia"]
            L += [f"### docia {d['size']}×{d['size']}: sparsity and sum-to-one", "",
                  "| method | layers | semi-transparent pixels (some α ∈ (0.05,0.95)) | "
                  "values in (0.01,0.99) | max abs(Σα−1) | mean abs(Σα−1) | raw max abs(Σα−1) | s |",
                  "|---|---|---|---|---|---|---|---|"]
            for mm, st in d["methods"].items():
                L.append(f"| {mm} | {st['n_layers']} | {st['semi_transparent_pixels']:.3f} | "
                         f"{st['semi_values_0.01_0.99']:.3f} | {st['sum_to_one_max']:.1e} | "
                         f"{st['sum_to_one_mean']:.1e} | "
                         f"{st.get('raw_sum_to_one_max', float('nan')):.1e} | {st['seconds']:.1f} |")
            L.append("")
    if res.get("targets"):
        L += ["## Targets (issue 5)", "", "| target | met | measured |", "|---|---|---|"]
        for t in res["targets"]:
            mark = {True: "yes", False: "**NO**", None: "not measured"}[t["met"]]
            L.append(f"| {t['target']} | {mark} | {t['detail']} |")
        L.append("")
    if pngs:
        L += ["## Plots", ""] + [f"![{Path(p).stem}]({Path(p).name})" for p in pngs] + [""]
    Path(f"{stem}.md").write_text("\n".join(L))


# --------------------------------------------------------------------------- main

def parse(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small smoke configuration (minutes)")
    ap.add_argument("--sizes", help=f"W×H list (full: {FULL['sizes']}; quick: {QUICK['sizes']})")
    ap.add_argument("--threads", help="thread counts, e.g. 1,2 (default 1,2)")
    ap.add_argument("--ref-sizes", help=f"stage=side list (full: {FULL['ref_sizes']})")
    ap.add_argument("--pymatting-sizes", help=f"W×H list (full: {FULL['pymatting_sizes']})")
    ap.add_argument("--timeout", type=int, help="seconds per end-to-end run (full 5400)")
    ap.add_argument("--ref-timeout", type=int, help="seconds per reference row (full 1800)")
    ap.add_argument("--ref-constrained-iterations", type=int,
                    help="IRLS iterations of the constrained native/reference pair (full 40, quick 4; "
                         "the reference's dense (K−1)M solve costs seconds per iteration)")
    ap.add_argument("--skip-reference", action="store_true")
    ap.add_argument("--skip-quality", action="store_true")
    ap.add_argument("--photos", default="astronaut,chelsea,coffee,rocket",
                    help="scikit-image photos whose contact sheets (reference vs defaults vs auto) "
                         "the quality part writes as <stem>-photo-<name>.png; none to skip")
    ap.add_argument("--quality-only", action="store_true")
    ap.add_argument("--quality-size", type=int)
    ap.add_argument("--docia-size", type=int, help="docia side for the sparsity numbers (0 = skip)")
    ap.add_argument("--seed", type=int, default=20180812)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, default=HERE / "results")
    ap.add_argument("--tag", default=None, help="suffix of the result files (default quick/quality)")
    ap.add_argument("--render", type=Path, default=None,
                    help="only re-analyse a results JSON and rewrite its markdown and plots")
    # child modes (internal)
    ap.add_argument("--child", choices=("e2e", "reference"), help=argparse.SUPPRESS)
    ap.add_argument("--size", help=argparse.SUPPRESS)
    ap.add_argument("--stage", help=argparse.SUPPRESS)
    ap.add_argument("--nthreads", type=int, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    cfg = QUICK if a.quick else FULL
    for k, dv in cfg.items():
        if getattr(a, k, None) is None:
            setattr(a, k, dv)
    return a


def main(argv=None):
    a = parse(argv)
    if a.child:
        a.threads = a.nthreads
        rec = child_e2e(a) if a.child == "e2e" else child_reference(a)
        print(json.dumps(rec))
        return
    if a.render:
        res = json.loads(a.render.read_text())
        stem = str(a.render.with_suffix(""))
        analyse(res)
        a.render.write_text(json.dumps(res, indent=1, default=str))
        pngs = plots(res, stem)
        if Path(f"{stem}-quality-layers.png").exists():
            pngs.append(f"{stem}-quality-layers.png")
        markdown(res, stem, pngs)
        print(f"rewrote {stem}.json, {stem}.md and its plots")
        return
    threads = [int(t) for t in str(a.threads).split(",")]
    sizes = [s.strip() for s in a.sizes.split(",") if s.strip()]
    res = {"date": time.strftime("%Y-%m-%d %H:%M:%S"), "command": " ".join(["python"] + sys.argv),
           "quick": a.quick, "load_avg_start": os.getloadavg(), "machine": machine_info(),
           "baseline_port": BASELINE, "e2e": [], "reference": [], "quality": None}
    tag = a.tag or ("quality" if a.quality_only else "quick" if a.quick else "")
    a.out.mkdir(parents=True, exist_ok=True)
    stem = str(a.out / (time.strftime("%Y-%m-%d") + "-" + platform.node() + (f"-{tag}" if tag else "")))
    print(f"load average {os.getloadavg()}; results → {stem}.*", flush=True)
    common = ["--seed", str(a.seed), "--data", str(a.data)]

    if not a.quality_only:
        for th in threads:
            for s in sizes:
                w, h = parse_size(s)
                print(f"[e2e] {w}x{h}, {th} thread(s) ...", end=" ", flush=True)
                rec = run_child(["--child", "e2e", "--size", f"{w}x{h}", "--nthreads", str(th)] + common,
                                th, a.timeout)
                rec.setdefault("size", f"{w}x{h}")
                rec.setdefault("threads", th)
                rec.setdefault("pixels", w * h)
                res["e2e"].append(rec)
                if rec["status"] == "ok":
                    print(f"{rec['timings']['total']:.1f} s, peak {rec['peak_bytes'] / 2**30:.2f} GiB, "
                          f"load {os.getloadavg()[0]:.1f}", flush=True)
                else:
                    print(rec["status"], flush=True)
        if not a.skip_reference:
            th = max(threads)
            jobs = []
            for item in a.ref_sizes.split(","):
                st, side = item.split("=")
                w, h = parse_size(side)
                jobs.append((st.strip(), f"{w}x{h}"))
            for s in a.pymatting_sizes.split(","):
                w, h = parse_size(s)
                jobs.append(("pymatting", f"{w}x{h}"))
            for st, sz in jobs:
                print(f"[reference] {st} @ {sz}, {th} thread(s) ...", end=" ", flush=True)
                rec = run_child(["--child", "reference", "--stage", st, "--size", sz,
                                 "--nthreads", str(th), "--ref-constrained-iterations",
                                 str(a.ref_constrained_iterations)] + common, th, a.ref_timeout)
                rec.setdefault("stage", st)
                rec.setdefault("size", sz)
                rec.setdefault("threads", th)
                if rec["status"] == "timeout":
                    rec["status"] = f"reference did not finish within {a.ref_timeout} s"
                res["reference"].append(rec)
                if rec["status"] == "ok":
                    print(f"native {rec['native_s']:.3f} s, reference {rec['reference_s']:.2f} s, "
                          f"ratio {rec['ratio']:.1f}×", flush=True)
                else:
                    print(rec["status"], flush=True)
    if not a.skip_quality and a.quality_size:
        th = max(threads)
        qjson = Path(f"{stem}-quality-raw.json")
        cmd = [sys.executable, str(HERE / "quality.py"), "--size", str(a.quality_size),
               "--docia-size", str(a.docia_size), "--seed", str(a.seed), "--threads", str(th),
               "--json-out", str(qjson), "--png", f"{stem}-quality-layers.png", "--data", str(a.data),
               "--photos", a.photos, "--photo-prefix", f"{stem}-photo"]
        print(f"[quality] {' '.join(cmd[1:])}", flush=True)
        t = time.perf_counter()
        out = subprocess.run(cmd, env=child_env(th), text=True, capture_output=True,
                             timeout=max(a.timeout, 1800))
        print(out.stdout, flush=True)
        if out.returncode == 0 and qjson.exists():
            res["quality"] = json.loads(qjson.read_text())
            res["quality"]["wall"] = time.perf_counter() - t
            res["quality"]["threads"] = th
            qjson.unlink()
        else:
            res["quality"] = {"status": f"failed (exit {out.returncode})", "stderr": out.stderr[-2000:]}
            print(out.stderr[-2000:])
    res["load_avg_end"] = os.getloadavg()
    analyse(res)
    Path(f"{stem}.json").write_text(json.dumps(res, indent=1, default=str))
    pngs = plots(res, stem)
    if Path(f"{stem}-quality-layers.png").exists():
        pngs.append(f"{stem}-quality-layers.png")
    markdown(res, stem, pngs)
    print("\nTargets:")
    for t in res["targets"]:
        mark = {True: "met", False: "MISSED", None: "not measured"}[t["met"]]
        print(f"  [{mark:12s}] {t['target']}: {t['detail']}")
    print(f"\nwrote {stem}.json, {stem}.md, " + ", ".join(Path(p).name for p in pngs))


if __name__ == "__main__":
    main()

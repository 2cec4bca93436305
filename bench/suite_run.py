"""Running part of the benchmark suite (bench/run_suite.py): the child
processes that measure (end to end, reference stages), their environment,
and the loops that start them. No analysis, no plotting here."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from suite_config import DATA, HERE, ROOT, THREAD_VARS, parse_size


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
    from sss_fast.stages import constrained, laplacian, relaxed, spectral, superpixels
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
    cmd = [sys.executable, str(HERE / "run_suite.py")] + args_list
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


def run_e2e(a, threads, sizes, common, res):
    """Part 1: one subprocess per (size, threads); records appended to res["e2e"]."""
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


def run_reference(a, threads, common, res):
    """Part 2: each native stage against its reference; records in res["reference"]."""
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


def run_quality(a, threads, stem, res):
    """Part 3: bench/quality.py in a subprocess; its JSON in res["quality"]."""
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

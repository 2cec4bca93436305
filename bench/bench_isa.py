"""What the instruction-set baseline costs: x86-64 vs x86-64-v3 vs x86-64-v4 vs native.

Builds the extension three times (``-march=x86-64``, the generic baseline;
``-march=x86-64-v3``, AVX2 + FMA, the wheels' baseline; ``-march=x86-64-v4``,
AVX-512, the second module the wheels carry and load on CPUs that have it;
``-march=native``, the build machine) into ``build/isa-<arch>/`` (kept, so a second run only
times), then runs the same workloads against each build in its own
subprocess, in one run, and prints times and ratios against the generic
baseline:

- ``grams``: the constrained-sparsification hot kernel (weighted Gram
  products, 100 eigenvectors, 100 000 pixels, 20 components);
- ``segment``: ``sss_fast.segment`` end to end on the docia photo at 256².

    python bench/bench_isa.py [--threads 2] [--repeat 3] [--size 256] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARCHES = ("x86-64", "x86-64-v3", "x86-64-v4", "native")

CHILD = r"""
import json, sys, time
import numpy as np
from PIL import Image
import sss_fast
from sss_fast._native import testing
size, data, repeat = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
out = {}
rng = np.random.default_rng(20180812)
E = np.ascontiguousarray(rng.standard_normal((100, 100_000)))
w = np.ascontiguousarray(rng.uniform(0.1, 10.0, (20, 100_000)))
best = float("inf")
for _ in range(repeat):
    t = time.perf_counter(); G = testing.weighted_grams(E, w); best = min(best, time.perf_counter() - t)
out["grams"] = best
out["grams_check"] = float(np.asarray(G).sum())
a = np.asarray(Image.open(data).convert("RGB"), dtype=np.float64) / 255.0
img, feat = a[:, :640], a[:, 640:]
from PIL import Image as I
def rs(x):
    return np.asarray(I.fromarray((x * 255).round().astype(np.uint8)).resize((size, size), I.BILINEAR),
                      dtype=np.float64) / 255.0
img, feat = rs(img), rs(feat)
best, stages = float("inf"), None
for _ in range(max(1, repeat - 1)):
    t = time.perf_counter(); r = sss_fast.segment(img, feat, seed=20180812)
    dt = time.perf_counter() - t
    if dt < best:
        best, stages = dt, r.timings
out["segment"] = best
out["stages"] = {k: stages[k] for k in ("eigenvectors", "constrained", "relaxed")}
out["layers_sum"] = float(r.layers.astype(np.float64).sum())
print(json.dumps(out))
"""


def build(arch: str, jobs: int) -> Path:
    bdir = ROOT / "build" / f"isa-{arch}"
    mods = list(bdir.glob("_core.*.so"))
    if not mods:
        subprocess.run(["cmake", "-S", str(ROOT), "-B", str(bdir), "-G", "Ninja",
                        "-DCMAKE_BUILD_TYPE=Release", "-DSSS_INPLACE=OFF", f"-DSSS_ARCH={arch}", "-DSSS_AVX512_VARIANT=OFF",
                        f"-DCMAKE_LIBRARY_OUTPUT_DIRECTORY={bdir}"],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["cmake", "--build", str(bdir), "-j", str(jobs)], check=True)
        mods = list(bdir.glob("_core.*.so"))
    if len(mods) != 1:
        raise SystemExit(f"expected one _core module in {bdir}, found {mods}")
    return mods[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--jobs", type=int, default=2, help="parallel compile jobs")
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "docia.png"))
    args = ap.parse_args()
    mods = {arch: build(arch, args.jobs) for arch in ARCHES}
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(args.threads)
    res = {}
    with tempfile.TemporaryDirectory() as tmp:
        for arch, mod in mods.items():
            pkg = Path(tmp) / arch / "sss_fast"
            shutil.copytree(ROOT / "python" / "sss_fast", pkg,
                            ignore=shutil.ignore_patterns("_core*", "__pycache__"))
            shutil.copy2(mod, pkg / mod.name)
            env["PYTHONPATH"] = str(pkg.parent)
            env["SSS_FAST_ISA"] = "baseline"  # the one module copied in
            out = subprocess.run([sys.executable, "-c", CHILD, str(args.size), args.data,
                                  str(args.repeat)], env=env, capture_output=True, text=True)
            if out.returncode:
                raise SystemExit(f"{arch}: {out.stderr[-2000:]}")
            res[arch] = json.loads(out.stdout.strip().splitlines()[-1])
    base = res["x86-64"]
    print(f"threads {args.threads}, load average {os.getloadavg()[0]:.2f}, "
          f"docia {args.size}², best of {args.repeat}")
    print(f"{'build':12s} {'grams':>8s} {'×':>6s} {'segment':>9s} {'×':>6s}   eigen / constrained / relaxed")
    for arch, r in res.items():
        s = r["stages"]
        print(f"{arch:12s} {r['grams']:7.3f}s {base['grams'] / r['grams']:5.2f}× {r['segment']:8.2f}s "
              f"{base['segment'] / r['segment']:5.2f}×   {s['eigenvectors']:.2f} / "
              f"{s['constrained']:.2f} / {s['relaxed']:.2f} s")
    print("layer sums (same work done):", {a: round(r["layers_sum"], 3) for a, r in res.items()})


if __name__ == "__main__":
    main()

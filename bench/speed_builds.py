"""docia at one size, end to end with the defaults: this checkout's build
against a baseline build (another commit's package), side by side in one run.

Each run is its own subprocess with the threads pinned, alternating
baseline / current, ``--repeats`` times each. It prints every run's stage
times and peak memory (VmHWM), the best of each build with the ratio, the
recorded figure of the best Python port (``suite_config.BASELINE``), and the
current layers against the baseline's (mean and max |Δα|, layers matched by
overlap: ``bench_pipeline.compare_layers``), so a pure speed change shows that the layers did not move.

The baseline is a folder holding an ``sss_fast`` package, e.g. the previous
commit installed with ``pip install --no-deps --target build/base-<commit> .``
from a checkout of it.

    python bench/speed_builds.py --baseline build/base-<commit> [--size 640]
        [--repeats 2] [--threads 2] [--json-out PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench_pipeline import compare_layers  # noqa: E402
from suite_config import BASELINE  # noqa: E402
from suite_run import child_env  # noqa: E402

CHILD = r"""
import json, sys, warnings
import numpy as np
size, seed, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
from suite_run import load_docia, proc_status
img, feat = load_docia(size, size)
import sss_fast
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    r = sss_fast.segment(img, feat, seed=seed)
np.save(out, r.layers)
e = r.info["eigen"]
print(json.dumps({"module": sss_fast.__file__, "timings": r.timings,
                  "peak_bytes": proc_status()["VmHWM"],
                  "eigen": {k: v for k, v in e.items() if k.startswith("time_") or
                            k in ("n_applied", "n_restarts", "factor_nonzeros")}}))
"""

STAGES = ("superpixels", "laplacian", "eigenvectors", "constrained", "grouping", "relaxed",
          "cleanup", "total")


def run(pkg_dir: Path, size: int, seed: int, threads: int, out: str) -> dict:
    env = child_env(threads)
    env["PYTHONPATH"] = os.pathsep.join([str(pkg_dir.resolve()), str(HERE)])
    p = subprocess.run([sys.executable, "-c", CHILD, str(size), str(seed), out], env=env,
                       capture_output=True, text=True, cwd=str(HERE))
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
    if p.returncode != 0 or not lines:
        raise SystemExit(f"run with {pkg_dir} failed:\n{p.stderr[-2000:]}")
    rec = json.loads(lines[-1])
    if not Path(rec["module"]).resolve().is_relative_to(pkg_dir.resolve()):
        raise SystemExit(f"{pkg_dir}: imported {rec['module']} instead")
    return rec


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--baseline", type=Path, required=True,
                    help="folder holding the baseline's sss_fast package")
    ap.add_argument("--current", type=Path, default=ROOT / "python",
                    help="folder holding the current package (python/, the in-place build)")
    ap.add_argument("--size", type=int, default=640)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=20180812)
    ap.add_argument("--json-out", type=Path)
    a = ap.parse_args()
    runs: dict[str, list] = {"baseline": [], "current": []}
    with tempfile.TemporaryDirectory() as tmp:
        for rep in range(a.repeats):
            for tag, pkg in (("baseline", a.baseline), ("current", a.current)):
                rec = run(pkg, a.size, a.seed, a.threads, f"{tmp}/{tag}{rep}.npy")
                runs[tag].append(rec)
                t = rec["timings"]
                print(f"{tag:8s} run {rep}: total {t['total']:6.2f} s, peak "
                      f"{rec['peak_bytes'] / 1e9:.2f} GB | " +
                      ", ".join(f"{k} {t[k]:.2f}" for k in STAGES[:-1]), flush=True)
        base_layers = np.load(f"{tmp}/baseline0.npy")
        cur_layers = np.load(f"{tmp}/current0.npy")
    diff = compare_layers(base_layers, cur_layers)
    best = {tag: min(rs, key=lambda r: r["timings"]["total"]) for tag, rs in runs.items()}
    print(f"\n== docia {a.size}², defaults, {a.threads} threads, best of {a.repeats} ==")
    print(f"  {'stage':13s} {'baseline':>9s} {'current':>9s}   ratio")
    for k in STAGES:
        b, c = best["baseline"]["timings"][k], best["current"]["timings"][k]
        print(f"  {k:13s} {b:8.2f}s {c:8.2f}s   ×{b / c if c > 0 else float('nan'):.2f}")
    pb, pc = (best[t]["peak_bytes"] / 1e9 for t in ("baseline", "current"))
    print(f"  {'peak memory':13s} {pb:7.2f}GB {pc:7.2f}GB   ×{pb / pc:.2f}")
    port = BASELINE.get(f"{a.size}x{a.size}")
    if port:
        print(f"  best Python port (recorded): {port['total']:.0f} s, {port['peak_gb']} GB: "
              f"current ×{port['total'] / best['current']['timings']['total']:.1f} faster, "
              f"×{port['peak_gb'] / pc:.1f} less memory")
    print(f"  layers, current against baseline: {diff}")
    if a.json_out:
        a.json_out.write_text(json.dumps({"size": a.size, "threads": a.threads, "runs": runs,
                                          "layers_vs_baseline": diff, "port": port}, indent=1))


if __name__ == "__main__":
    main()

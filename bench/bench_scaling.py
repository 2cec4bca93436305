"""Cost against the pixel count, with the spectral cap on and off side by side.

``Params.spectral_max_pixels`` (default 2048²) runs the spectral part of a
larger image downsampled by the smallest integer factor that fits it under
the cap; the relaxed stage still runs at full resolution. This script runs
docia resized to each size (``bench/suite_run.load_docia``: bicubic above
640², so the large sizes are smooth upscales) with the defaults (or the cap
given by ``--spectral-max-pixels``) and, where asked, with
``spectral_max_pixels=None`` (every stage at full resolution, the paper),
each run in its own subprocess with the threads pinned. It
prints the stage times, the peak memory (VmHWM), the log-log slope of each
variant's total against the pixel count (``suite_analysis.loglog_slope``,
the fit of ``run_suite.py``'s target), and the capped layers against the
full-resolution ones at the same size (mean |Δα| and the fraction of pixels
where some layer moved by more than 0.1, layers matched by overlap).

    python bench/bench_scaling.py [--sizes 640x640,1024x1024,2048x1536]
        [--full-sizes 2048x1536] [--spectral-max-pixels N] [--threads 2]
        [--json-out PATH]
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

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench_pipeline import compare_layers  # noqa: E402
from suite_analysis import loglog_slope  # noqa: E402
from suite_run import child_env  # noqa: E402

STAGES = ("features", "superpixels", "laplacian", "eigenvectors", "constrained", "grouping",
          "relaxed", "cleanup", "total")

CHILD = r"""
import json, sys
import numpy as np
from suite_run import load_docia, proc_status
w, h, seed, cap, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
img, feat = load_docia(w, h)
import sss_fast
p = (sss_fast.Params() if cap == "default" else
     sss_fast.Params(spectral_max_pixels=None if cap == "none" else int(cap)))
r = sss_fast.segment(img, feat, seed=seed, params=p)
np.save(out, r.layers)
print(json.dumps({"timings": r.timings, "peak_bytes": proc_status()["VmHWM"],
                  "spectral_scale": r.info["spectral_scale"],
                  "constrained_stride": r.info["constrained_stride"],
                  "n_applied": r.info["eigen"].get("n_applied"),
                  "n_layers": int(r.layers.shape[0])}))
"""

VARIANTS = ("default", "full-resolution")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="640x640,1024x1024,2048x1536")
    ap.add_argument("--full-sizes", default="2048x1536",
                    help="sizes also run with spectral_max_pixels=None ('all', or '' for none)")
    ap.add_argument("--spectral-max-pixels", type=int, default=None,
                    help="the cap of the 'default' variant (default: Params' default)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=20180812)
    ap.add_argument("--json-out", default=None)
    args = ap.parse_args()
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.sizes.split(",") if s]
    full = (set(sizes) if args.full_sizes == "all" else
            {tuple(int(v) for v in s.split("x")) for s in args.full_sizes.split(",") if s})
    env = child_env(args.threads)  # threads pinned, python/ and bench/ on the path
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for w, h in sizes:
            layers = {}
            for name in VARIANTS:
                if name == "full-resolution" and (w, h) not in full:
                    continue
                path = os.path.join(tmp, f"{w}x{h}-{name}.npy")
                out = subprocess.run([sys.executable, "-c", CHILD, str(w), str(h),
                                      str(args.seed),
                                      ("none" if name == "full-resolution" else
                                       "default" if args.spectral_max_pixels is None else
                                       str(args.spectral_max_pixels)),
                                      path], env=env, capture_output=True, text=True)
                if out.returncode != 0:
                    sys.exit(f"{w}x{h} {name} failed:\n{out.stderr}")
                rec = json.loads(out.stdout.strip().splitlines()[-1])
                rec.update(variant=name, width=w, height=h, pixels=w * h)
                layers[name] = np.load(path)
                t = rec["timings"]
                label = (f"cap {args.spectral_max_pixels}" if name == "default"
                         and args.spectral_max_pixels is not None else name)
                print(f"{w}x{h} {label:15s} total {t['total']:7.1f} s  "
                      + " ".join(f"{k} {t.get(k, 0.0):.2f}" for k in STAGES[:-1])
                      + f"  peak {rec['peak_bytes'] / 2**30:.2f} GiB  spectral scale "
                      f"{rec['spectral_scale']}  stride {rec['constrained_stride']}  applied "
                      f"{rec['n_applied']}", flush=True)
                rows.append(rec)
            if len(layers) == 2:
                cmp = compare_layers(layers["full-resolution"], layers["default"])
                by = {r["variant"]: r for r in rows if (r["width"], r["height"]) == (w, h)}
                by["default"]["vs_full_resolution"] = cmp
                ratio = by["full-resolution"]["timings"]["total"] / by["default"]["timings"]["total"]
                mem = by["full-resolution"]["peak_bytes"] / by["default"]["peak_bytes"]
                print(f"{w}x{h} side by side: defaults ×{ratio:.2f} faster, ×{mem:.2f} less "
                      f"memory than full resolution; layers vs full resolution {cmp}", flush=True)
    print("\nlog-log slope of time against pixels:")
    summary = {}
    for name in VARIANTS:
        sel = [r for r in rows if r["variant"] == name]
        if name == "full-resolution":
            # Below the cap the defaults run every stage at full resolution:
            # the same computation, so those rows count for both variants.
            done = {r["pixels"] for r in sel}
            sel += [r for r in rows if r["variant"] == "default" and r["spectral_scale"] == 1
                    and r["pixels"] not in done]
            sel.sort(key=lambda r: r["pixels"])
        # the fit of run_suite's target: sizes within 0.4–3.2 MP when two are
        fits = {k: loglog_slope([r["pixels"] for r in sel], [r["timings"][k] for r in sel])
                for k in ("eigenvectors", "relaxed", "total")}
        if fits["total"][0] is not None:
            summary[name] = {k: v[0] for k, v in fits.items()}
            print(f"  {name:15s} total {fits['total'][0]:.2f}, eigenvectors "
                  f"{fits['eigenvectors'][0]:.2f}, relaxed {fits['relaxed'][0]:.2f} "
                  f"({fits['total'][1]})")
    if args.json_out:
        meta = {"date": time.strftime("%Y-%m-%d %H:%M:%S"), "host": platform.node(),
                "threads": args.threads, "load_avg": os.getloadavg(), "seed": args.seed,
                "command": " ".join(sys.argv), "runs": rows, "slopes": summary}
        try:
            meta["commit"] = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT,
                                            capture_output=True, text=True).stdout.strip()
        except OSError:
            pass
        Path(args.json_out).write_text(json.dumps(meta, indent=1))


if __name__ == "__main__":
    main()

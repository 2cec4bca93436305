"""Quality of this checkout's build against a baseline build, with the
defaults, in one run: the real-photo benchmark's crops (``quality_real.py``:
the five real crops of ``../shared/data/matting`` at 5 and 2 layers) and the
synthetic scenes (``quality.py`` at 96²), each run once per build with the
package chosen by ``SSS_BENCH_PACKAGE``. Prints every score of both builds
and the largest relative change, which a pure speed change keeps within 1 %.
(docia 640² with the defaults is compared layer by layer by
``speed_builds.py``; its reference run here would cost minutes per build.)

    python bench/quality_builds.py --baseline build/base-<commit> [--threads 2]
        [--json-out PATH]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from suite_run import child_env  # noqa: E402


def run_script(script, args, pkg, threads):
    env = dict(child_env(threads), SSS_BENCH_PACKAGE=str(Path(pkg).resolve()))
    p = subprocess.run([sys.executable, str(HERE / script), *args], env=env, capture_output=True,
                       text=True, cwd=str(ROOT))
    if p.returncode != 0:
        raise SystemExit(f"{script} with {pkg} failed:\n{p.stderr[-3000:]}")


def real_scores(res):
    """(name, value) of every score the real-photo benchmark reports for the defaults."""
    out = {}
    for crop, methods in (res.get("crops") or {}).items():
        for m, sc in methods.items():
            if m.startswith("defaults@"):
                for k in ("best", "union", "n_on"):
                    out[f"{crop} {m} {k}"] = sc[k]
    return out


def synthetic_scores(res):
    out = {}
    for scene, sc in res["scenes"].items():
        for k in ("sad", "sad_band"):
            out[f"{scene} sss {k}"] = sc["methods"]["sss"][k]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--baseline", type=Path, required=True)
    ap.add_argument("--current", type=Path, default=ROOT / "python")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json-out", type=Path)
    a = ap.parse_args()
    scores = {}
    with tempfile.TemporaryDirectory() as tmp:
        for tag, pkg in (("baseline", a.baseline), ("current", a.current)):
            real, syn = f"{tmp}/{tag}-real.json", f"{tmp}/{tag}-syn.json"
            run_script("quality_real.py", ["--threads", str(a.threads), "--methods", "defaults",
                                           "--docia-size", "0", "--photos", "none",
                                           "--json-out", real], pkg, a.threads)
            run_script("quality.py", ["--size", "96", "--docia-size", "0", "--threads",
                                      str(a.threads), "--json-out", syn], pkg, a.threads)
            scores[tag] = {**real_scores(json.loads(Path(real).read_text())),
                           **synthetic_scores(json.loads(Path(syn).read_text()))}
            print(f"{tag}: {len(scores[tag])} scores", flush=True)
    worst = 0.0
    rows = []
    for k in scores["baseline"]:
        b, c = scores["baseline"][k], scores["current"].get(k)
        rel = abs(c - b) / abs(b) if c is not None and b else (0.0 if c == b else float("inf"))
        worst = max(worst, rel)
        rows.append({"score": k, "baseline": b, "current": c, "rel_change": rel})
        print(f"  {k:34s} {b:12.4f} {c if c is None else round(c, 4):>12} {100 * rel:7.3f} %")
    print(f"largest relative change: {100 * worst:.3f} % over {len(rows)} scores")
    if a.json_out:
        a.json_out.write_text(json.dumps({"rows": rows, "largest_rel_change": worst}, indent=1))


if __name__ == "__main__":
    main()

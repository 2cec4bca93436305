"""Plotting part of the benchmark suite (bench/run_suite.py): the PNG plots of
scaling, memory, the reference comparison and quality (matplotlib, Agg)."""

from __future__ import annotations

from suite_config import STAGES

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

"""Batch segmentation of a folder of images: resumable, fault tolerant, parallel.

    from sss_fast.app.batch import JobOptions, run_batch
    summary = run_batch("photos/", "layers/", JobOptions(formats=("png", "npz")), workers=2)

* Inputs: ``*.jpg, *.jpeg, *.png, *.tif, *.tiff`` directly inside the folder.
* Resume: an image whose manifest ``OUT/<stem>.json`` exists and lists every
  file of the requested formats is skipped (the manifest is written last and
  every file atomically, so a present manifest means a complete result; one
  from a run with other formats, e.g. without ``ora``, is computed again).
* Fault tolerance: every image is computed inside a ``try``; a failure is
  recorded and the batch goes on. A worker process that dies takes its image
  with it (retried once in a fresh pool, then recorded as failed).
* Parallelism: in this process (``workers=1``), a local process pool
  (``workers=N``, spawn context), or a Dask distributed cluster
  (``scheduler="tcp://host:8786"``, needs ``pip install "sss-fast[distributed]"``).
  With Dask the client reads each input and ships its bytes to the cluster
  and writes the results itself, so workers need no shared file system.
* A JSON summary ``OUT/batch_summary.json`` lists every image's outcome.
"""

from __future__ import annotations

import os
import time
import warnings
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, List, Optional, Tuple, Union

from ..edge.params import Params
from . import export

__all__ = ["JobOptions", "run_batch", "compute", "SUMMARY_NAME", "DISTRIBUTED_HINT"]

SUMMARY_NAME = "batch_summary.json"
DISTRIBUTED_HINT = 'pip install "sss-fast[distributed]"'
_FEATURE_SUFFIXES = (".npy", ".npz", ".png", ".tif", ".tiff")


@dataclass(frozen=True)
class JobOptions:
    """What to compute for each image and how to write it (picklable).

    Attributes
    ----------
    method : {"sss", "spectral-matting"}
    n_layers : int, "auto" or None
        Layers (None: ``params.n_layers``; for spectral matting without
        features the components are left ungrouped).
    seed : int
    params : Params
    formats : tuple of str
        Subset of ``("png", "ora", "tiff", "npz")`` (default ``("png", "ora")``,
        as on the command line).
    preview : bool
        Also write a contact sheet.
    threads : int or None
        Native threads per image (None: leave the default).
    n_components, n_eigenvectors, iterations : int
        Spectral matting settings (SPEC §11).
    """

    method: str = "sss"
    n_layers: Optional[Union[int, str]] = None
    seed: int = 0x5EED_2018
    params: Params = field(default_factory=Params)
    formats: Tuple[str, ...] = export.DEFAULT_FORMATS
    preview: bool = False
    threads: Optional[int] = None
    n_components: int = 20
    n_eigenvectors: int = 50
    iterations: int = 20


def compute(image, features, opts: JobOptions, progress=None):
    """Run the chosen method on arrays; returns a :class:`sss_fast.SegmentResult`."""
    if opts.threads:
        from .. import _native

        _native.core.set_num_threads(int(opts.threads))
    if opts.method == "sss":
        from ..pipeline import segment

        return segment(image, features, n_layers=opts.n_layers, seed=opts.seed,
                       params=opts.params, progress=progress)
    if opts.method == "spectral-matting":
        from ..baselines import spectral_matting

        return spectral_matting(image, opts.n_components, features=features,
                                n_layers=opts.n_layers if features is not None else None,
                                seed=opts.seed, params=opts.params,
                                n_eigenvectors=opts.n_eigenvectors,
                                iterations=opts.iterations, progress=progress)
    raise ValueError(f"unknown method {opts.method!r}; use 'sss' or 'spectral-matting'")


def summarize_info(res) -> dict:
    """JSON-friendly facts of a result for the manifest."""
    info = res.info
    out = {"timings": {k: round(float(v), 4) for k, v in res.timings.items()},
           "n_layers": int(res.layers.shape[0])}
    for k in ("n_superpixels", "n_initial_components", "n_components", "cleanup_change",
              "spectral_scale", "constrained_stride"):
        if k in info:
            out[k] = info[k]
    return out


def _task(name: str, image_src, feat_src, opts: JobOptions) -> dict:
    """Worker body: decode, segment; never raises (returns a status dict)."""
    t0 = time.perf_counter()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            image = export.read_image(image_src, name=name)
            feats = None
            if feat_src is not None:
                feats = export.read_features(feat_src, image.shape, name=f"features of {name}")
            res = compute(image, feats, opts)
            colors = color_info = None
            if export.needs_colors(opts.formats, opts.preview):  # in the worker, not the parent
                colors, color_info = export.estimate_colors(image, res.layers)
        info = summarize_info(res)
        if color_info is not None:
            info["colors"] = color_info
        return {"status": "ok", "layers": res.layers, "image": image, "colors": colors,
                "features": res.features if opts.preview else None, "info": info,
                "warnings": sorted({str(w.message).splitlines()[0] for w in caught}),
                "seconds": time.perf_counter() - t0}
    except export.InputError as exc:
        return {"status": "failed", "error": str(exc), "kind": "input",
                "seconds": time.perf_counter() - t0}
    except Exception as exc:  # one bad image never stops the batch
        msg = (str(exc).strip().splitlines() or [""])[0]
        return {"status": "failed", "error": f"{type(exc).__name__}: {msg}",
                "kind": "error", "seconds": time.perf_counter() - t0}


def _find_features(features_dir: Optional[Path], path: Path) -> Optional[Path]:
    if features_dir is None:
        return None
    for suf in _FEATURE_SUFFIXES:
        cand = features_dir / (path.stem + suf)
        if cand.is_file():
            return cand
    return None


class _Runner:
    """Collects outcomes, writes outputs in this process, reports progress."""

    def __init__(self, out_dir: Path, opts: JobOptions, total: int, log):
        self.out_dir, self.opts, self.total, self.log = out_dir, opts, total, log
        self.records: List[dict] = []
        self.done = 0

    def finish(self, path: Path, stem: str, outcome: dict):
        rec = {"input": str(path), "stem": stem, "status": outcome["status"],
               "seconds": round(float(outcome.get("seconds", 0.0)), 3)}
        if outcome["status"] == "ok":
            try:
                manifest = {"input": str(path), "method": self.opts.method,
                            "seed": self.opts.seed, **outcome["info"],
                            "warnings": outcome.get("warnings", [])}
                files = export.export(outcome["layers"], outcome["image"], self.out_dir, stem,
                                       self.opts.formats, self.opts.preview, manifest,
                                       colors=outcome.get("colors"),
                                       features=outcome.get("features"))
                rec["files"] = [p.name for p in files]
                rec["n_layers"] = int(outcome["layers"].shape[0])
            except Exception as exc:
                rec["status"] = "failed"
                rec["error"] = f"writing outputs failed: {type(exc).__name__}: {exc}"
        else:
            rec["error"] = outcome.get("error", "unknown error")
        self.records.append(rec)
        self.done += 1
        if self.log:
            tail = (f"{rec['n_layers']} layers" if rec["status"] == "ok" else rec["error"])
            self.log(f"[{self.done}/{self.total}] {path.name}: {rec['status']} "
                     f"({rec['seconds']:.1f} s) {tail}")


def check_folders(in_dir, features_dir=None) -> None:
    """Raises InputError unless ``in_dir`` (and ``features_dir``, if given) are folders."""
    for d in (in_dir, features_dir):
        if d is not None and not Path(d).is_dir():
            raise export.InputError(f"{d}: not a folder")


def run_batch(in_dir, out_dir, opts: JobOptions = JobOptions(), *, workers: int = 1,
              scheduler: Optional[str] = None, features_dir=None, overwrite: bool = False,
              log: Optional[Callable[[str], None]] = None, max_in_flight: Optional[int] = None,
              _task_fn=None) -> dict:
    """Segment every image in ``in_dir`` into ``out_dir``.

    Parameters
    ----------
    in_dir, out_dir : path
    opts : JobOptions
    workers : int, keyword-only
        1: in this process; N > 1: a local spawn-context process pool of N.
    scheduler : str, optional, keyword-only
        Address of a Dask distributed scheduler (or a ``dask.distributed.Client``);
        overrides ``workers``.
    features_dir : path, optional, keyword-only
        Folder of precomputed features ``<stem>.npy/.npz/.png/.tif`` per input.
        Images without one use the default extractor (needs torch).
    overwrite : bool, keyword-only
        Recompute images whose outputs already exist (by default an image is
        skipped when its manifest lists every file of ``opts.formats``).
    log : callable, optional, keyword-only
        Receives one line per finished image.
    max_in_flight : int, optional, keyword-only
        Images submitted but not yet finished (bounds memory); default
        ``4 × workers`` (or 64 on a cluster).
    _task_fn : callable, optional
        Testing seam: replaces the per-image worker function (must be
        importable by name in a spawned process).

    Returns
    -------
    dict
        ``succeeded``, ``failed``, ``skipped`` counts, ``images`` (one record
        each) and ``summary_file``; also written to ``out_dir/batch_summary.json``.
    """
    in_dir, out_dir = Path(in_dir), Path(out_dir)
    features_dir = Path(features_dir) if features_dir is not None else None
    check_folders(in_dir, features_dir)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive int, got {workers!r}")
    out_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()

    paths = export.list_images(in_dir)
    stems = export.unique_stems(paths)
    todo, skipped = [], []
    for p in paths:
        if not overwrite and export.is_complete(out_dir, stems[p], opts.formats, opts.preview):
            skipped.append({"input": str(p), "stem": stems[p], "status": "skipped"})
        else:
            todo.append(p)
    if workers > 1 and opts.threads is None and scheduler is None:
        opts = replace(opts, threads=max(1, (os.cpu_count() or 1) // workers))
    runner = _Runner(out_dir, opts, len(todo), log)

    if not todo:
        pass
    elif scheduler is not None:
        _run_dask(todo, stems, features_dir, opts, scheduler, runner, max_in_flight or 64,
                  _task_fn or _task)
    elif workers == 1:
        for p in todo:
            runner.finish(p, stems[p], (_task_fn or _task)(p.name, str(p),
                                                            _feat_arg(features_dir, p), opts))
    else:
        _run_pool(todo, stems, features_dir, opts, workers, runner, max_in_flight or 4 * workers,
                  _task_fn or _task)

    records = sorted(runner.records + skipped, key=lambda r: r["input"])
    summary = {
        "succeeded": sum(r["status"] == "ok" for r in records),
        "failed": sum(r["status"] == "failed" for r in records),
        "skipped": len(skipped),
        "seconds": round(time.perf_counter() - t0, 3),
        "method": opts.method,
        "images": records,
    }
    path = export.write_json(out_dir / SUMMARY_NAME, summary)
    summary["summary_file"] = str(path)
    return summary


def _feat_arg(features_dir, p):
    f = _find_features(features_dir, p)
    return str(f) if f is not None else None


def _pool_init(threads):
    # Each spawned worker starts clean; pin its native threads once.
    if threads:
        from .. import _native

        _native.core.set_num_threads(int(threads))


def _run_pool(todo, stems, features_dir, opts, workers, runner, window, task):
    """Process pool rounds. A worker that dies breaks the pool: the images not
    yet submitted go on in a fresh pool, the ones in flight (suspects) are
    rerun one at a time in a single-worker pool, so only the image that
    really kills its worker is recorded as failed."""
    queue, suspects = list(todo), []
    while queue:
        queue, crashed = _pool_round(queue, stems, features_dir, opts, workers, runner, window,
                                     task)
        suspects += crashed
    for p in suspects:
        _, crashed = _pool_round([p], stems, features_dir, opts, 1, runner, 1, task)
        if crashed:
            runner.finish(p, stems[p], {"status": "failed", "kind": "crash",
                                        "error": "the worker process died (crash or out of "
                                                 "memory) while segmenting this image"})


def _pool_round(queue, stems, features_dir, opts, workers, runner, window, task):
    """One pool's life. Returns (images never submitted, images lost to a crash)."""
    import multiprocessing as mp

    queue = list(queue)
    crashed = []
    ctx = mp.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_pool_init,
                             initargs=(opts.threads,)) as pool:
        running = {}
        broken = False
        while queue or running:
            while queue and len(running) < window and not broken:
                p = queue[0]
                try:
                    fut = pool.submit(task, p.name, str(p), _feat_arg(features_dir, p), opts)
                except BrokenProcessPool:
                    broken = True
                    break
                queue.pop(0)
                running[fut] = p
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in done:
                p = running.pop(fut)
                try:
                    outcome = fut.result()
                except BrokenProcessPool:
                    broken = True
                    crashed.append(p)
                    continue
                except Exception as exc:  # e.g. an unpicklable result
                    outcome = {"status": "failed", "error": f"{type(exc).__name__}: {exc}"}
                runner.finish(p, stems[p], outcome)
    return queue, crashed


def _run_dask(todo, stems, features_dir, opts, scheduler, runner, window, task):
    try:
        from dask.distributed import Client, as_completed
    except ImportError as exc:
        raise ImportError(f"--scheduler needs Dask distributed: {DISTRIBUTED_HINT}") from exc
    own = not hasattr(scheduler, "submit")
    client = Client(scheduler) if own else scheduler
    try:
        queue = list(todo)
        futures = {}
        ac = as_completed()

        def submit(p):
            try:
                data = p.read_bytes()
            except OSError as exc:
                runner.finish(p, stems[p], {"status": "failed", "kind": "input",
                                            "error": f"{p}: cannot read ({exc.strerror or exc})"})
                return
            fpath = _find_features(features_dir, p)
            fsrc = (fpath.suffix.lower(), fpath.read_bytes()) if fpath is not None else None
            fut = client.submit(task, p.name, data, fsrc, opts, pure=False,
                                key=f"sss-fast-{stems[p]}-{os.getpid()}-{time.time_ns()}")
            futures[fut] = p
            ac.add(fut)

        while queue and len(futures) < window:
            submit(queue.pop(0))
        while futures:
            fut = next(ac)
            p = futures.pop(fut)
            try:
                outcome = fut.result()
            except Exception as exc:  # KilledWorker, lost connection, ...
                outcome = {"status": "failed", "kind": "crash",
                           "error": f"{type(exc).__name__}: {exc}"}
            fut.release()
            runner.finish(p, stems[p], outcome)
            while queue and len(futures) < window:
                submit(queue.pop(0))
    finally:
        if own:
            client.close()

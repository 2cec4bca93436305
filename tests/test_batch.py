"""Batch mode: resume, fault tolerance, process pool and a real Dask cluster."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from sss_fast.app.export import manifest_path
from sss_fast.app.batch import SUMMARY_NAME, JobOptions, run_batch
from sss_fast import Params

PYTHON_DIR = Path(__file__).resolve().parents[1] / "python"
# Subprocesses import the in-place developer build when there is one (a built
# module, not just the _core.pyi stub), else the installed package (a fresh
# clone after `pip install .` has no in-place build).
SRC_PATHS = [str(PYTHON_DIR)] if any((PYTHON_DIR / "sss_fast").glob("_core*.so")) else []
FAST = Params(n_superpixels=150, n_eigenvectors=20, n_initial_components=10,
              constrained_iterations=12)
OPTS = JobOptions(params=FAST, formats=("png", "npz"), threads=1, seed=0x51D3)
CROPS = {"hair": (150, 230), "face": (200, 250), "shoulder": (420, 180)}


@pytest.fixture(scope="module")
def folder(docia, tmp_path_factory):
    """IN/ with three 64×64 docia crops and one corrupt file, FEAT/ with their features."""
    from PIL import Image

    img, feat = docia
    root = tmp_path_factory.mktemp("batch")
    (root / "in").mkdir()
    (root / "feat").mkdir()
    for i, (name, (y, x)) in enumerate(CROPS.items()):
        crop = np.rint(img[y:y + 64, x:x + 64] * 255).astype(np.uint8)
        Image.fromarray(crop).save(root / "in" / (name + (".png", ".jpg", ".tif")[i]),
                                   quality=95)
        np.save(root / "feat" / f"{name}.npy", feat[y:y + 64, x:x + 64])
    (root / "in" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    (root / "in" / "notes.txt").write_text("not an image")
    return root


def _check_outputs(out, summary, n_ok=3, n_failed=1):
    assert summary["succeeded"] == n_ok and summary["failed"] == n_failed
    for name in CROPS:
        doc = json.loads(manifest_path(out, name).read_text())
        assert (out / f"{name}_layers.npz").exists()
        for f in doc["files"]:
            assert (out / f).is_file()
    assert not manifest_path(out, "broken").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temp files
    on_disk = json.loads((out / SUMMARY_NAME).read_text())
    assert on_disk["succeeded"] == n_ok
    broken = [r for r in on_disk["images"] if r["input"].endswith("broken.png")]
    assert len(broken) == 1 and broken[0]["status"] == "failed"
    assert "cannot read image" in broken[0]["error"]
    # every input appears exactly once in the summary
    assert sorted(Path(r["input"]).name for r in on_disk["images"]) == sorted(
        ["hair.png", "face.jpg", "shoulder.tif", "broken.png"])


def test_in_process_then_resume(folder, tmp_path):
    out = tmp_path / "out"
    lines = []
    s1 = run_batch(folder / "in", out, OPTS, features_dir=folder / "feat", log=lines.append)
    _check_outputs(out, s1)
    assert s1["skipped"] == 0 and len(lines) == 4
    stamp = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    s2 = run_batch(folder / "in", out, OPTS, features_dir=folder / "feat")
    assert (s2["succeeded"], s2["failed"], s2["skipped"]) == (0, 1, 3)
    for name in CROPS:  # untouched
        assert (out / f"{name}_layers.npz").stat().st_mtime_ns == stamp[f"{name}_layers.npz"]
    # a removed manifest means "not done": only that image is recomputed
    manifest_path(out, "face").unlink()
    s3 = run_batch(folder / "in", out, OPTS, features_dir=folder / "feat")
    assert (s3["succeeded"], s3["failed"], s3["skipped"]) == (1, 1, 2)


def test_process_pool_matches_in_process(folder, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    run_batch(folder / "in", a, OPTS, features_dir=folder / "feat")
    s = run_batch(folder / "in", b, OPTS, features_dir=folder / "feat", workers=2)
    _check_outputs(b, s)
    for name in CROPS:
        with np.load(a / f"{name}_layers.npz") as za, np.load(b / f"{name}_layers.npz") as zb:
            np.testing.assert_array_equal(za["layers"], zb["layers"])


def test_cli_batch_summary_line_and_exit_code(folder, tmp_path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(SRC_PATHS +
                                                      [os.environ.get("PYTHONPATH", "")]))
    cmd = [sys.executable, "-m", "sss_fast", "batch", str(folder / "in"), str(tmp_path),
           "--features-dir", str(folder / "feat"), "--format", "npz", "--superpixels", "150",
           "--eigenvectors", "20", "--components", "10", "--iterations", "12", "--threads", "1"]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 1  # one image failed
    assert "batch: 3 succeeded, 1 failed, 0 skipped" in r.stderr
    assert "Traceback" not in r.stderr
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert "batch: 0 succeeded, 1 failed, 3 skipped" in r.stderr
    r = subprocess.run(cmd[:4] + [str(folder / "nowhere"), str(tmp_path)], capture_output=True,
                       text=True, env=env, timeout=120)
    assert r.returncode == 3 and "not a folder" in r.stderr


def test_dask_cluster_every_output_once(folder, tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dask's own deprecation/port notices
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           host="127.0.0.1", dashboard_address=None)
        try:
            out = tmp_path / "out"
            s = run_batch(folder / "in", out, OPTS, features_dir=folder / "feat",
                          scheduler=cluster.scheduler_address)
            _check_outputs(out, s)
            s2 = run_batch(folder / "in", out, OPTS, features_dir=folder / "feat",
                           scheduler=cluster.scheduler_address)
            assert (s2["succeeded"], s2["failed"], s2["skipped"]) == (0, 1, 3)
        finally:
            cluster.close()
    # the cluster's results equal the in-process ones
    ref = tmp_path / "ref"
    run_batch(folder / "in", ref, OPTS, features_dir=folder / "feat")
    for name in CROPS:
        with np.load(ref / f"{name}_layers.npz") as za, np.load(out / f"{name}_layers.npz") as zb:
            np.testing.assert_array_equal(za["layers"], zb["layers"])


def test_argument_errors(folder, tmp_path):
    from sss_fast.app.export import InputError

    with pytest.raises(InputError, match="not a folder"):
        run_batch(folder / "missing", tmp_path, OPTS)
    with pytest.raises(ValueError, match="workers"):
        run_batch(folder / "in", tmp_path, OPTS, workers=0)


def crashing_task(name, image_src, feat_src, opts):
    """Kills its worker process on one image (top level: spawned workers import it)."""
    if name == "face.jpg":
        os._exit(17)
    from sss_fast.app.batch import _task

    return _task(name, image_src, feat_src, opts)


def test_a_dying_worker_takes_only_its_image(folder, tmp_path):
    lines = []
    s = run_batch(folder / "in", tmp_path, OPTS, features_dir=folder / "feat", workers=2,
                  log=lines.append, max_in_flight=2, _task_fn=crashing_task)
    status = {Path(r["input"]).name: r["status"] for r in s["images"]}
    assert status == {"hair.png": "ok", "shoulder.tif": "ok", "face.jpg": "failed",
                      "broken.png": "failed"}
    face = [r for r in s["images"] if r["input"].endswith("face.jpg")][0]
    assert "worker process died" in face["error"]
    assert len(lines) == 4  # every image reported exactly once


def test_unreadable_images_are_reported_in_words(tmp_path):
    """An empty, a truncated and a non-image .png: each failure names the file and
    the reason, never an object repr; nothing is segmented (no torch needed)."""
    from PIL import Image

    src = tmp_path / "in"
    src.mkdir()
    (src / "empty.png").write_bytes(b"")
    buf = io.BytesIO()
    Image.fromarray(np.zeros((40, 40, 3), np.uint8) + 90).save(buf, "PNG")
    (src / "cut.png").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    (src / "notes.png").write_text("shopping list: milk, eggs\n")
    lines = []
    s = run_batch(src, tmp_path / "out", OPTS, log=lines.append)
    assert (s["succeeded"], s["failed"]) == (0, 3)
    errors = {Path(r["input"]).name: r["error"] for r in s["images"]}
    assert errors["empty.png"].startswith("empty.png: cannot read image: empty file (0 bytes)")
    assert errors["cut.png"].startswith("cut.png: cannot read image: truncated PNG file")
    assert errors["notes.png"].startswith("notes.png: cannot read image: not an image (a text")
    for text in list(errors.values()) + lines:
        assert " at 0x" not in text and "<_io." not in text and "Error:" not in text, text
    assert any("empty.png: failed" in ln and "empty file (0 bytes)" in ln for ln in lines)


def flat_task(name, image_src, feat_src, opts):
    """Stands in for the segmentation: two flat layers of the image's size."""
    from sss_fast.app import export

    try:
        image = export.read_image(image_src, name=name)
    except export.InputError as exc:  # broken.png
        return {"status": "failed", "error": str(exc), "kind": "input", "seconds": 0.0}
    layers = np.full((2,) + image.shape[:2], 0.5, np.float32)
    return {"status": "ok", "layers": layers, "image": image, "colors": None,
            "features": None, "info": {}, "warnings": [], "seconds": 0.0}


def test_resume_recomputes_results_missing_a_requested_format(folder, tmp_path):
    out = tmp_path / "out"
    npz = replace(OPTS, formats=("npz",))
    s = run_batch(folder / "in", out, npz, _task_fn=flat_task)
    assert (s["succeeded"], s["skipped"]) == (3, 0)
    s = run_batch(folder / "in", out, npz, _task_fn=flat_task)
    assert (s["succeeded"], s["skipped"]) == (0, 3)
    # an earlier run without the .ora is not complete for png,ora (the default)
    s = run_batch(folder / "in", out, replace(OPTS, formats=("npz", "tiff")),
                  _task_fn=flat_task)
    assert (s["succeeded"], s["skipped"]) == (3, 0)
    for name in CROPS:
        assert (out / f"{name}.tif").is_file()
    s = run_batch(folder / "in", out, replace(OPTS, formats=("tiff",)), _task_fn=flat_task)
    assert (s["succeeded"], s["skipped"]) == (0, 3)
    # a listed file that went missing makes the result incomplete too
    (out / "hair.tif").unlink()
    s = run_batch(folder / "in", out, replace(OPTS, formats=("tiff",)), _task_fn=flat_task)
    assert (s["succeeded"], s["skipped"]) == (1, 2)


def test_is_complete_reads_the_manifest(tmp_path):
    from sss_fast.app import export

    assert export.is_complete(tmp_path, "s", ("png",)) is False  # no manifest
    (tmp_path / "s.json").write_text("{not json")
    assert export.is_complete(tmp_path, "s", ("png",)) is False
    for n in ("s_layer00.png", "s_layer01.png", "s.ora"):
        (tmp_path / n).write_bytes(b"x")
    export.write_json(tmp_path / "s.json", {"n_layers": 2, "files": [
        "s_layer00.png", "s_layer01.png", "s.ora"]})
    assert export.is_complete(tmp_path, "s", export.DEFAULT_FORMATS)
    assert not export.is_complete(tmp_path, "s", ("png", "ora"), preview=True)
    assert not export.is_complete(tmp_path, "s", ("npz",))
    assert JobOptions().formats == export.DEFAULT_FORMATS == ("png", "ora")

"""The sss-fast command line, end to end in subprocesses on small docia crops."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import sss_fast
from sss_fast.app import cli

PYTHON_DIR = Path(__file__).resolve().parents[1] / "python"
# Subprocesses import the in-place developer build when there is one (a built
# module, not just the _core.pyi stub), else the installed package (a fresh
# clone after `pip install .` has no in-place build).
SRC_PATHS = [str(PYTHON_DIR)] if any((PYTHON_DIR / "sss_fast").glob("_core*.so")) else []
# Small problems so a run takes a fraction of a second; one native thread.
FAST = ["--superpixels", "150", "--eigenvectors", "20", "--components", "10",
        "--iterations", "12", "--threads", "1"]


def run_cli(*args, env_extra=None, pythonpath_first=None):
    env = dict(os.environ)
    paths = SRC_PATHS + ([str(pythonpath_first)] if pythonpath_first else [])
    if pythonpath_first:
        paths.reverse()
    env["PYTHONPATH"] = os.pathsep.join(paths + [env.get("PYTHONPATH", "")])
    env.pop("SSS_FAST_DEBUG", None)
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "sss_fast", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture(scope="module")
def inputs(docia, tmp_path_factory):
    from PIL import Image

    img, feat = docia
    d = tmp_path_factory.mktemp("cli_inputs")
    crop = img[200:264, 250:314]
    Image.fromarray(np.rint(crop * 255).astype(np.uint8)).save(d / "face.png")
    fcrop = feat[200:264, 250:314]
    np.save(d / "face_features.npy", fcrop)
    Image.fromarray(np.rint(fcrop * 255).astype(np.uint8)).save(d / "face_features.png")
    np.save(d / "small_features.npy", fcrop[:32])
    (d / "corrupt.jpg").write_bytes(b"\xff\xd8\xff\xe0 this is not really a jpeg")
    (d / "empty.png").write_bytes(b"")
    return d


def _one_error_line(stderr):
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    assert lines[0].startswith("sss-fast: error: ")
    return lines[0]


def test_segment_writes_every_format(inputs, tmp_path):
    out = tmp_path / "out"
    r = run_cli("segment", inputs / "face.png", "-o", out, "--features",
                inputs / "face_features.npy", "--format", "png,ora,tiff,npz", "--preview",
                "--layers", "4", *FAST)
    assert r.returncode == 0, r.stderr
    names = sorted(p.name for p in out.iterdir())
    k = json.loads((out / "face.json").read_text())["n_layers"]
    assert 1 <= k <= 4
    expect = {f"face_layer{i:02d}.png" for i in range(k)} | {
        "face.ora", "face.tif", "face_layers.npz", "face_preview.png", "face.json"}
    assert set(names) == expect  # and no temporary files left behind
    with np.load(out / "face_layers.npz") as z:
        layers = z["layers"]
    assert layers.shape == (k, 64, 64)
    np.testing.assert_allclose(layers.sum(axis=0, dtype=np.float64), 1.0, atol=1e-5)
    from PIL import Image

    with Image.open(out / "face_layer00.png") as im:
        assert im.mode == "RGBA" and im.size == (64, 64)
        alpha = np.asarray(im)[:, :, 3] / 255.0
    assert np.abs(alpha - layers[0]).max() <= 0.5 / 255 + 1e-6
    with Image.open(out / "face.tif") as im:
        assert im.n_frames == k
    import zipfile

    with zipfile.ZipFile(out / "face.ora") as z:
        assert z.namelist()[0] == "mimetype"
        assert z.read("mimetype") == b"image/openraster"
        assert f"data/layer{k - 1:02d}.png" in z.namelist()
    manifest = json.loads((out / "face.json").read_text())
    assert manifest["method"] == "sss" and "total" in manifest["timings"]
    # the PNGs carry the estimated layer colours: they composite back to the input
    assert manifest["colors"]["converged"]
    rgba = []
    for i in range(k):
        with Image.open(out / f"face_layer{i:02d}.png") as im:
            rgba.append(np.asarray(im, dtype=np.float64) / 255.0)
    rgba = np.stack(rgba)
    with Image.open(inputs / "face.png") as im:
        img = np.asarray(im, dtype=np.float64) / 255.0
    recon = np.einsum("khw,khwc->hwc", rgba[..., 3], rgba[..., :3])
    assert np.abs(recon - img).mean() <= 0.01
    assert "face: " not in r.stdout  # summary goes to stderr


@pytest.fixture(scope="module")
def default_run(inputs, tmp_path_factory):
    """``segment face.png -o OUT --preview`` without --format: (OUT, layer count, input)."""
    out = tmp_path_factory.mktemp("default_run") / "out"
    r = run_cli("segment", inputs / "face.png", "-o", out, "--features",
                inputs / "face_features.npy", "--preview", *FAST)
    assert r.returncode == 0, r.stderr
    k = json.loads((out / "face.json").read_text())["n_layers"]
    return out, k, inputs / "face.png"


def _png_rgba(data_or_path) -> np.ndarray:
    from PIL import Image

    src = io.BytesIO(data_or_path) if isinstance(data_or_path, bytes) else data_or_path
    with Image.open(src) as im:
        assert im.mode == "RGBA", im.mode
        return np.asarray(im).copy()


def test_segment_writes_pngs_and_an_openraster_file_by_default(default_run):
    out, k, _ = default_run
    assert k >= 2
    names = {p.name for p in out.iterdir()}
    assert names == {f"face_layer{i:02d}.png" for i in range(k)} | {
        "face.ora", "face_preview.png", "face.json"}
    manifest = json.loads((out / "face.json").read_text())
    assert set(manifest["files"]) == names - {"face.json"}


def test_default_ora_opens_as_gimp_and_krita_read_it(default_run):
    """The OpenRaster checks of an editor's loader: a zip whose first member is
    ``mimetype``, stored uncompressed with no extra field (so the bytes
    ``image/openraster`` sit at offset 38), a ``stack.xml`` whose every layer
    names a PNG in the zip, the merged image and the thumbnail."""
    import xml.etree.ElementTree as ET
    import zipfile

    from PIL import Image

    out, k, photo = default_run
    raw = (out / "face.ora").read_bytes()
    assert raw[:4] == b"PK\x03\x04" and raw[30:38] == b"mimetype"
    assert raw[38:54] == b"image/openraster"
    with zipfile.ZipFile(out / "face.ora") as z:
        assert z.testzip() is None
        first = z.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert first.extra == b"" and z.read("mimetype") == b"image/openraster"
        names = set(z.namelist())
        assert {"stack.xml", "mergedimage.png", "Thumbnail/thumbnail.png"} <= names
        root = ET.fromstring(z.read("stack.xml"))
        assert root.tag == "image" and (root.get("w"), root.get("h")) == ("64", "64")
        stack = root.find("stack")
        assert stack is not None
        entries = stack.findall("layer")
        assert len(entries) == k  # every layer, once
        srcs = [e.get("src") for e in entries]
        assert len(set(srcs)) == k and set(srcs) <= names
        assert all(s.endswith(".png") for s in srcs)
        assert len([n for n in names if n.startswith("data/")]) == k  # one PNG per layer
        for e in entries:
            assert e.get("name") and e.get("visibility") == "visible"
            assert float(e.get("opacity")) == 1.0 and e.get("composite-op")
            assert (e.get("x"), e.get("y")) == ("0", "0")
        # the stack lists the top layer first; its PNGs are the exported layer PNGs
        for i, src in enumerate(reversed(srcs)):
            layer = _png_rgba(z.read(src))
            assert layer.shape == (64, 64, 4)
            assert np.array_equal(layer, _png_rgba(out / f"face_layer{i:02d}.png")), src
        with Image.open(io.BytesIO(z.read("mergedimage.png"))) as im:
            assert im.size == (64, 64)
            merged = np.asarray(im.convert("RGB"), dtype=np.float64) / 255.0
        with Image.open(io.BytesIO(z.read("Thumbnail/thumbnail.png"))) as im:
            assert max(im.size) <= 256
    with Image.open(photo) as im:
        img = np.asarray(im.convert("RGB"), dtype=np.float64) / 255.0
    assert np.abs(merged - img).mean() <= 0.01  # the composite is the photo


def test_default_ora_round_trips_through_read_ora(default_run):
    from sss_fast import io as sio

    out, k, _ = default_run
    layers, colors = sio.read_ora(out / "face.ora")
    assert layers.shape == (k, 64, 64) and colors.shape == (k, 64, 64, 3)
    for i in range(k):  # exactly the PNGs' alphas and colours
        rgba = _png_rgba(out / f"face_layer{i:02d}.png") / 255.0
        np.testing.assert_array_equal(layers[i], rgba[..., 3])
        np.testing.assert_array_equal(colors[i], rgba[..., :3])
    np.testing.assert_allclose(layers.sum(axis=0), 1.0, atol=k * 0.5 / 255 + 1e-9)


def test_every_command_defaults_to_png_and_ora():
    parser = cli.build_parser()
    for argv in (["segment", "x.png"], ["batch", "in", "out"], ["demo"]):
        assert parser.parse_args(argv).formats == ["png", "ora"], argv
    assert parser.parse_args(["segment", "x.png", "--format", "png"]).formats == ["png"]
    assert parser.parse_args(["batch", "i", "o", "--format", "npz,tif"]).formats == [
        "npz", "tiff"]
    r = run_cli("segment", "--help")
    assert "(default png,ora)" in " ".join(r.stdout.split())


def test_demo_writes_the_ora_too(tmp_path, monkeypatch):
    """demo in process, the segmentation replaced by two flat layers."""
    pytest.importorskip("skimage")
    from sss_fast.app import batch

    def fake_compute(image, features, opts, progress=None):
        h, w = image.shape[:2]
        layers = np.zeros((2, h, w), np.float32)
        layers[0, :, : w // 2] = 1.0
        layers[1, :, w // 2:] = 1.0
        return SimpleNamespace(layers=layers, features=np.asarray(image) / 255.0,
                               timings={"total": 0.0}, info={})

    monkeypatch.setattr(batch, "compute", fake_compute)
    monkeypatch.setattr(cli, "_need_torch", lambda what: None)
    out = tmp_path / "demo"
    assert cli.main(["demo", "-o", str(out), "--size", "24", "-q"]) == 0
    assert {p.name for p in out.iterdir()} == {
        "astronaut_layer00.png", "astronaut_layer01.png", "astronaut.ora",
        "astronaut_preview.png", "astronaut.json"}


def test_segment_deterministic_and_quiet(inputs, tmp_path):
    outs = []
    for name in ("a", "b"):
        r = run_cli("segment", inputs / "face.png", "-o", tmp_path / name, "--features",
                    inputs / "face_features.png", "--format", "npz", "--seed", "0x2f1d",
                    "-q", *FAST)
        assert r.returncode == 0, r.stderr
        assert r.stderr == "" and r.stdout == ""
        with np.load(tmp_path / name / "face_layers.npz") as z:
            outs.append(z["layers"])
    np.testing.assert_array_equal(outs[0], outs[1])


def test_fast_preset_flag(inputs, tmp_path):
    r = run_cli("segment", inputs / "face.png", "-o", tmp_path, "--features",
                inputs / "face_features.npy", "--format", "npz", "--fast", "-q", *FAST)
    assert r.returncode == 0, r.stderr
    with np.load(tmp_path / "face_layers.npz") as z:
        layers = z["layers"]
    assert layers.shape[1:] == (64, 64)
    np.testing.assert_allclose(layers.sum(axis=0, dtype=np.float64), 1.0, atol=1e-5)
    meta = json.loads((tmp_path / "face.json").read_text())
    assert "spectral_scale" in json.dumps(meta)
    bad = run_cli("segment", inputs / "face.png", "-o", tmp_path, "--method",
                  "spectral-matting", "--fast", "-q")
    assert bad.returncode == 2 and "--fast" in bad.stderr


def test_full_resolution_flag():
    args = cli.build_parser().parse_args(["segment", "x.png", "--full-resolution"])
    assert cli._params(args).spectral_max_pixels is None
    args = cli.build_parser().parse_args(["segment", "x.png"])
    assert cli._params(args).spectral_max_pixels == sss_fast.Params().spectral_max_pixels
    args = cli.build_parser().parse_args(["segment", "x.png", "--full-resolution", "--fast"])
    with pytest.raises(cli.CLIError, match="--full-resolution"):
        cli._params(args)


def test_spectral_matting_method(inputs, tmp_path):
    r = run_cli("segment", inputs / "face.png", "-o", tmp_path, "--method", "spectral-matting",
                "--components", "8", "--eigenvectors", "16", "--iterations", "6",
                "--threads", "1", "--format", "npz", "-q")
    assert r.returncode == 0, r.stderr
    with np.load(tmp_path / "face_layers.npz") as z:
        layers = z["layers"]
    assert 2 <= layers.shape[0] <= 8
    np.testing.assert_allclose(layers.sum(axis=0, dtype=np.float64), 1.0, atol=1e-5)


@pytest.mark.parametrize("case, code, words", [
    ("corrupt", 3, "corrupt.jpg: cannot read image"),
    ("empty", 3, "empty.png: cannot read image: empty file (0 bytes)"),
    ("missing", 3, "no such file"),
    ("features_size", 3, "features are 32×64 but the image is 64×64"),
    ("features_corrupt", 3, "--features"),
    ("bad_format", 2, None),
    ("layers_without_features", 2, "--layers with --method spectral-matting"),
])
def test_errors_are_one_line(inputs, tmp_path, case, code, words):
    img, feat = inputs / "face.png", inputs / "face_features.npy"
    args = {
        "corrupt": ["segment", inputs / "corrupt.jpg", "--features", feat],
        "empty": ["segment", inputs / "empty.png", "--features", feat],
        "missing": ["segment", inputs / "nope.png", "--features", feat],
        "features_size": ["segment", img, "--features", inputs / "small_features.npy"],
        "features_corrupt": ["segment", img, "--features", inputs / "corrupt.jpg"],
        "bad_format": ["segment", img, "--features", feat, "--format", "png,gif"],
        "layers_without_features": ["segment", img, "--method", "spectral-matting",
                                    "--layers", "3"],
    }[case]
    r = run_cli(*args, "-o", tmp_path)
    assert r.returncode == code, r.stderr
    if code == 2:  # argparse usage error: usage lines + one error line
        assert "Traceback" not in r.stderr and "error:" in r.stderr
    else:
        line = _one_error_line(r.stderr)
        assert words in line
        assert " at 0x" not in line and "<_io." not in line  # no object reprs
    assert not any(tmp_path.iterdir())


def test_missing_torch_is_exit_4(inputs, tmp_path):
    # A stand-in "torch" that fails to import, first on the path.
    fake = tmp_path / "fake"
    (fake / "torch").mkdir(parents=True)
    (fake / "torch" / "__init__.py").write_text("raise ImportError('no torch here')\n")
    r = run_cli("segment", inputs / "face.png", "-o", tmp_path / "o", pythonpath_first=fake)
    assert r.returncode == 4
    assert 'pip install "sss-fast[features]"' in _one_error_line(r.stderr)


def test_demo_without_skimage_is_exit_4(tmp_path):
    fake = tmp_path / "fake"
    (fake / "skimage").mkdir(parents=True)
    (fake / "skimage" / "__init__.py").write_text("raise ImportError('no skimage')\n")
    r = run_cli("demo", "-o", tmp_path / "o", pythonpath_first=fake)
    assert r.returncode == 4
    assert "pip install scikit-image" in _one_error_line(r.stderr)


def test_version_and_help():
    r = run_cli("--version")
    assert r.returncode == 0 and r.stdout.startswith("sss-fast ")
    r = run_cli("segment", "--help")
    assert r.returncode == 0 and "--features" in r.stdout and "--superpixels" not in r.stdout
    assert run_cli().returncode == 2


class _TTY(io.StringIO):
    def isatty(self):
        return True


def test_progress_line_on_a_terminal_only():
    tty = _TTY()
    with cli.Progress(stream=tty) as prog:
        prog("superpixels", 1, 8)
        prog("laplacian", 2, 8)
    text = tty.getvalue()
    assert "[2/8] superpixels" in text and "[3/8] laplacian" in text
    assert text.endswith("\r") and "\n" not in text  # the line is cleared at the end
    pipe = io.StringIO()
    with cli.Progress(stream=pipe) as prog:
        prog("superpixels", 1, 8)
    assert pipe.getvalue() == ""
    quiet = _TTY()
    with cli.Progress(stream=quiet, enabled=False) as prog:
        prog("superpixels", 1, 8)
    assert quiet.getvalue() == ""


def test_main_in_process_usage_errors(capsys):
    assert cli.main(["segment"]) == 2
    assert cli.main(["batch", "x", "y", "--workers", "0"]) == 2
    assert cli.main(["segment", "x.png", "--seed", "-1"]) == 2
    capsys.readouterr()

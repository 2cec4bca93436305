"""Image reading and layer export: round trips, OpenRaster structure, atomic
writes, and clean refusal of bad files."""

from __future__ import annotations

import io
import os
import struct
import xml.etree.ElementTree as ET
import zipfile
import zlib
from types import SimpleNamespace

import numpy as np
import pytest

Image = pytest.importorskip("PIL.Image")
from PIL import ImageSequence  # noqa: E402

from sss_fast import io as sio  # noqa: E402


def make_layers(seed: int, k: int = 4, h: int = 21, w: int = 30) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.random((k, h, w)) ** 3
    a[:, :4, :4] = 0.0
    a[0, :4, :4] = 1.0  # a fully opaque corner in layer 0
    return a / a.sum(axis=0, keepdims=True)


def make_colors(seed: int, a: np.ndarray) -> np.ndarray:
    return np.random.default_rng(seed).random(a.shape + (3,))


def no_temp_files(directory) -> bool:
    return not [f for f in os.listdir(directory) if f.endswith(".tmp")]


# ---- PNG bytes crafted by hand ------------------------------------------------------

def chunk(tag: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + tag + body + struct.pack(">I",
                                                                  zlib.crc32(tag + body))


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def png16(rgb: np.ndarray, alpha: bool = False) -> bytes:
    """A 16-bit colour PNG, rows filtered with each of the 5 filter types in turn."""
    h, w, c = rgb.shape
    data = rgb.astype(">u2").tobytes()
    stride, bpp = w * c * 2, c * 2
    raw, prev = b"", bytes(stride)
    for y in range(h):
        line = data[y * stride:(y + 1) * stride]
        f = y % 5
        out = bytearray([f])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            cc = prev[x - bpp] if x >= bpp else 0
            pred = [0, a, b, (a + b) >> 1, paeth(a, b, cc)][f]
            out.append((line[x] - pred) & 0xFF)
        raw += bytes(out)
        prev = line
    ctype = 6 if alpha else 2
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, ctype, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def bomb_png(depth: int = 8, ctype: int = 2) -> bytes:
    """A PNG whose header declares 100000×100000 pixels (a few bytes of data)."""
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, depth, ctype, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


# ---- read_image ---------------------------------------------------------------------

def test_read_rgb_png(tmp_path):
    a = np.random.default_rng(2718).integers(0, 256, (9, 11, 3), dtype=np.uint8)
    Image.fromarray(a).save(tmp_path / "a.png")
    r = sio.read_image(tmp_path / "a.png")
    assert r.dtype == np.uint8 and np.array_equal(r, a)


def test_read_16bit_grey_png(tmp_path):
    a = np.random.default_rng(3141).integers(0, 65536, (7, 10), dtype=np.uint16)
    Image.fromarray(a).save(tmp_path / "g16.png")
    r = sio.read_image(tmp_path / "g16.png")
    assert r.dtype == np.uint16 and r.shape == (7, 10, 3)
    assert np.array_equal(r[:, :, 1], a)


@pytest.mark.parametrize("alpha", [False, True])
def test_read_16bit_colour_png(tmp_path, alpha):
    c = 4 if alpha else 3
    a = np.random.default_rng(1618).integers(0, 65536, (11, 6, c), dtype=np.uint16)
    (tmp_path / "c16.png").write_bytes(png16(a, alpha))
    r = sio.read_image(tmp_path / "c16.png")
    assert r.dtype == np.uint16 and np.array_equal(r, a[:, :, :3])


@pytest.mark.parametrize("mode", ["P", "L", "LA", "RGBA", "CMYK", "1"])
def test_read_converts_modes_to_rgb(tmp_path, mode):
    a = np.random.default_rng(577).integers(0, 256, (8, 12, 3), dtype=np.uint8)
    im = Image.fromarray(a).convert(mode)
    if mode == "P":
        im.info["transparency"] = 0
    ext = "tiff" if mode == "CMYK" else "png"
    im.save(tmp_path / f"m.{ext}")
    r = sio.read_image(tmp_path / f"m.{ext}")
    assert r.shape == (8, 12, 3) and r.dtype == np.uint8
    if mode == "RGBA":
        assert np.array_equal(r, a)


def test_read_refuses_truncated_png(tmp_path):
    a = np.random.default_rng(99).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, format="PNG")
    p = tmp_path / "cut.png"
    p.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    with pytest.raises(ValueError, match="cut.png"):
        sio.read_image(p)


def test_read_refuses_truncated_16bit_png(tmp_path):
    data = png16(np.zeros((9, 9, 3), dtype=np.uint16))
    p = tmp_path / "cut16.png"
    p.write_bytes(data[:60])
    with pytest.raises(ValueError, match="cut16.png"):
        sio.read_image(p)


def test_read_refuses_text_file(tmp_path):
    p = tmp_path / "notes.png"
    p.write_text("this is not an image\n")
    with pytest.raises(ValueError, match="notes.png"):
        sio.read_image(p)


@pytest.mark.parametrize("depth, ctype", [(8, 2), (16, 2), (8, 0)])
def test_read_refuses_decompression_bomb(tmp_path, depth, ctype):
    p = tmp_path / "bomb.png"
    p.write_bytes(bomb_png(depth, ctype))
    with pytest.raises(ValueError, match="bomb.png"):
        sio.read_image(p)


def test_read_respects_max_pixels(tmp_path):
    Image.fromarray(np.zeros((20, 20, 3), dtype=np.uint8)).save(tmp_path / "z.png")
    with pytest.raises(ValueError, match="max_pixels"):
        sio.read_image(tmp_path / "z.png", max_pixels=399)
    assert sio.read_image(tmp_path / "z.png", max_pixels=400).shape == (20, 20, 3)


def test_read_refuses_float_mode(tmp_path):
    Image.fromarray(np.zeros((5, 5), dtype=np.float32)).save(tmp_path / "f.tiff")
    with pytest.raises(ValueError, match="f.tiff"):
        sio.read_image(tmp_path / "f.tiff")


def test_read_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        sio.read_image(tmp_path / "nope.png")


# ---- writers ------------------------------------------------------------------------

def test_layers_png_round_trip(tmp_path):
    a = make_layers(4441)
    f = make_colors(4442, a)
    paths = sio.save_layers_png(tmp_path / "out", a, f)
    assert len(paths) == a.shape[0]
    for i, p in enumerate(paths):
        with Image.open(p) as im:
            assert im.mode == "RGBA"
            rgba = np.asarray(im, dtype=np.float64) / 255.0
        assert np.abs(rgba[..., 3] - a[i]).max() <= 0.5 / 255 + 1e-12
        assert np.abs(rgba[..., :3] - f[i]).max() <= 0.5 / 255 + 1e-12
    assert no_temp_files(tmp_path / "out")


def test_layers_png_with_image_colours(tmp_path):
    a = make_layers(4443, k=2)
    img = np.random.default_rng(4444).integers(0, 256, a.shape[1:] + (3,), dtype=np.uint8)
    paths = sio.save_layers_png(tmp_path, a, image=img)
    with Image.open(paths[1]) as im:
        assert np.array_equal(np.asarray(im)[..., :3], img)
    with pytest.raises(ValueError, match="colors"):
        sio.save_layers_png(tmp_path, a)


def test_ora_structure_and_round_trip(tmp_path):
    a = make_layers(5551, k=5)
    f = make_colors(5552, a)
    path = sio.save_ora(tmp_path / "x.ora", a, f)
    with zipfile.ZipFile(path) as z:
        first = z.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert z.read("mimetype") == b"image/openraster"
        assert not first.extra
        names = set(z.namelist())
        assert {"stack.xml", "mergedimage.png", "Thumbnail/thumbnail.png"} <= names
        root = ET.fromstring(z.read("stack.xml"))
        assert root.tag == "image"
        assert (root.get("w"), root.get("h")) == (str(a.shape[2]), str(a.shape[1]))
        layers = root.find("stack").findall("layer")
        assert len(layers) == a.shape[0]
        srcs = [e.get("src") for e in layers]
        assert len(set(srcs)) == a.shape[0] and set(srcs) <= names
        for e in layers:
            i = int(e.get("src")[len("data/layer"):-len(".png")])
            with Image.open(io.BytesIO(z.read(e.get("src")))) as im:
                assert im.mode == "RGBA" and im.size == (a.shape[2], a.shape[1])
                rgba = np.asarray(im, dtype=np.float64) / 255.0
            assert np.abs(rgba[..., 3] - a[i]).max() <= 0.5 / 255 + 1e-12
            assert np.abs(rgba[..., :3] - f[i]).max() <= 0.5 / 255 + 1e-12
        with Image.open(io.BytesIO(z.read("Thumbnail/thumbnail.png"))) as im:
            assert max(im.size) <= 256
        with Image.open(io.BytesIO(z.read("mergedimage.png"))) as im:
            merged = np.asarray(im, dtype=np.float64) / 255.0
        np.testing.assert_allclose(merged, np.einsum("khw,khwc->hwc", a, f), atol=0.5 / 255 + 1e-9)
    la, lf = sio.read_ora(path)
    assert np.abs(la - a).max() <= 0.5 / 255 + 1e-12
    assert np.abs(lf - f).max() <= 0.5 / 255 + 1e-12
    assert no_temp_files(tmp_path)


def test_ora_over_blend_composites_to_the_image(tmp_path):
    a = make_layers(6661, k=4)
    f = make_colors(6662, a)
    path = sio.save_ora(tmp_path / "o.ora", a, f, blend="over")
    with zipfile.ZipFile(path) as z:
        root = ET.fromstring(z.read("stack.xml"))
        out = np.zeros(f.shape[1:])
        for e in root.find("stack").findall("layer")[::-1]:  # bottom first, plain "over"
            assert e.get("composite-op") == "svg:src-over"
            with Image.open(io.BytesIO(z.read(e.get("src")))) as im:
                rgba = np.asarray(im, dtype=np.float64) / 255.0
            out = rgba[..., 3:] * rgba[..., :3] + (1.0 - rgba[..., 3:]) * out
    np.testing.assert_allclose(out, np.einsum("khw,khwc->hwc", a, f), atol=4 / 255)
    la, _ = sio.read_ora(path)
    np.testing.assert_allclose(la, a, atol=4 / 255)


def test_tiff_round_trip(tmp_path):
    a = make_layers(7771, k=3).astype(np.float32)
    p = sio.save_tiff(tmp_path / "a.tiff", a)
    with Image.open(p) as im:
        pages = [np.asarray(pg, dtype=np.float32).copy() for pg in ImageSequence.Iterator(im)]
    assert len(pages) == 3
    assert np.array_equal(np.stack(pages), a)
    p16 = sio.save_tiff(tmp_path / "b.tiff", a, dtype="uint16")
    with Image.open(p16) as im:
        pages = [np.asarray(pg).astype(np.float64) / 65535 for pg in ImageSequence.Iterator(im)]
    assert np.abs(np.stack(pages) - a).max() <= 0.5 / 65535 + 1e-7
    assert no_temp_files(tmp_path)


def test_npz_layers_and_result(tmp_path):
    a = make_layers(8881)
    sio.save_npz(tmp_path / "l.npz", a)
    with np.load(tmp_path / "l.npz") as d:
        assert np.array_equal(d["layers"], a)
    r = SimpleNamespace(layers=a.astype(np.float32), raw_layers=a, features=np.zeros((21, 30, 3)),
                        timings={"total": 1.5}, eigenvalues=None)
    sio.save_npz(tmp_path / "r.npz", r, colors=make_colors(1, a))
    with np.load(tmp_path / "r.npz") as d:
        assert set(d.files) == {"layers", "raw_layers", "features", "timings", "colors"}
        assert d["layers"].dtype == np.float32
    assert no_temp_files(tmp_path)


def test_failed_write_leaves_no_temp_and_keeps_old_file(tmp_path, monkeypatch):
    a = make_layers(9991)
    f = make_colors(9992, a)
    path = tmp_path / "keep.ora"
    path.write_bytes(b"old")

    def boom(arr):
        raise RuntimeError("disk full")

    monkeypatch.setattr(sio, "_png_bytes", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        sio.save_ora(path, a, f)
    assert path.read_bytes() == b"old"
    assert sorted(os.listdir(tmp_path)) == ["keep.ora"]


def test_writers_refuse_bad_layers(tmp_path):
    with pytest.raises(TypeError, match="layers"):
        sio.save_tiff(tmp_path / "t.tiff", np.zeros((2, 4, 4), dtype=np.int32))
    with pytest.raises(ValueError, match="colors"):
        sio.save_ora(tmp_path / "t.ora", make_layers(1), np.zeros((2, 3, 3, 3)))
    assert os.listdir(tmp_path) == []


# ---- pictures (sss_fast.viz) ----------------------------------------------------------

def test_palette_blends_layer_colours():
    from sss_fast import viz

    a = make_layers(1201, k=3, h=6, w=7)
    pal = viz.layer_palette(3)
    assert pal.shape == (3, 3) and len({tuple(c) for c in pal}) == 3
    out = viz.palette(a)
    assert out.dtype == np.uint8 and out.shape == (6, 7, 3)
    np.testing.assert_allclose(out / 255.0, np.einsum("khw,kc->hwc", a, pal), atol=0.5 / 255 + 1e-9)
    # a pixel fully in layer 0 shows layer 0's colour
    assert np.array_equal(out[0, 0], np.rint(pal[0] * 255).astype(np.uint8))
    with pytest.raises(ValueError, match="colors"):
        viz.palette(a, np.zeros((2, 3)))


def test_composite_keeps_chosen_layers_over_background():
    from sss_fast import viz

    a = make_layers(1301, k=3, h=8, w=9)
    f = make_colors(1302, a)
    bg = np.random.default_rng(1303).random((8, 9, 3))
    # all layers kept: the image Σ α F itself, whatever the background
    np.testing.assert_allclose(viz.composite(a, f, bg), np.einsum("khw,khwc->hwc", a, f),
                               atol=1e-12)
    out = viz.composite(a, f, bg, keep=[0, -1])
    want = (a[0, ..., None] * f[0] + a[2, ..., None] * f[2]
            + (1.0 - a[0] - a[2])[..., None] * bg)
    np.testing.assert_allclose(out, want, atol=1e-12)
    # nothing kept: the background; an RGB triple works as background
    np.testing.assert_allclose(viz.composite(a, f, bg, keep=[]), bg, atol=1e-12)
    flat = viz.composite(a, f, np.array([255, 0, 0], dtype=np.uint8), keep=[1])
    np.testing.assert_allclose(flat[..., 0], a[1] * f[1, ..., 0] + 1.0 - a[1], atol=1e-12)
    with pytest.raises(ValueError, match="keep"):
        viz.composite(a, f, bg, keep=[3])


def test_contact_sheet_layout():
    from sss_fast import viz

    a = make_layers(1401, k=4, h=10, w=12)
    img = np.random.default_rng(1402).integers(0, 256, (10, 12, 3), dtype=np.uint8)
    feat = np.random.default_rng(1403).random((10, 12, 3))
    sheet = viz.contact_sheet(img, feat, a, gap=2)
    panels = 1 + 1 + 4 + 1  # input | features | layers | palette
    assert sheet.dtype == np.uint8 and sheet.shape == (10, panels * 12 + (panels - 1) * 2, 3)
    assert np.array_equal(sheet[:, :12], img)
    assert np.array_equal(sheet[:, 12:14], np.full((10, 2, 3), 255, np.uint8))
    np.testing.assert_allclose(sheet[:, 14:26] / 255.0, feat, atol=0.5 / 255 + 1e-9)
    assert np.array_equal(sheet[:, -12:], viz.palette(a))
    no_feat = viz.contact_sheet(img, None, a, colors=make_colors(1404, a), gap=0)
    assert no_feat.shape == (10, 6 * 12, 3)


# ---- the exporter behind the command line and batch runs -----------------------------

def synthetic_scene(seed: int, h: int = 40, w: int = 48):
    """Three flat-coloured regions with soft (blurred) boundaries, the image
    composed from them: its layer colours are known."""
    from scipy.ndimage import gaussian_filter

    yy, xx = np.mgrid[0:h, 0:w]
    labels = np.where((yy - h / 2) ** 2 + (xx - w / 4) ** 2 < 60, 2, (xx > w * 0.45).astype(int))
    a = np.stack([gaussian_filter((labels == i).astype(float), 1.5) for i in range(3)])
    a /= a.sum(axis=0, keepdims=True)
    cols = np.random.default_rng(seed).random((3, 3))
    img = np.einsum("khw,kc->hwc", a, cols)
    return img, a, cols


def test_export_every_format_with_estimated_colours(tmp_path):
    import json

    from sss_fast.app import export as _export

    img, a, cols = synthetic_scene(2718)
    k = a.shape[0]
    files = _export.export(a.astype(np.float32), img, tmp_path, "s", _export.FORMATS,
                           preview=True, manifest={"input": "s.png"}, features=img)
    names = {p.name for p in files}
    assert names == {f"s_layer{i:02d}.png" for i in range(k)} | {
        "s.ora", "s.tif", "s_layers.npz", "s_preview.png", "s.json"}
    assert set(os.listdir(tmp_path)) == names  # nothing else, no temporary files
    doc = json.loads((tmp_path / "s.json").read_text())
    assert doc["input"] == "s.png" and doc["n_layers"] == k
    assert doc["colors"]["converged"] and doc["colors"]["reconstruction_error"] <= 0.01
    # PNG alphas are the layers to 1/255; PNG colours composite back to the image
    rgba = []
    for i in range(k):
        with Image.open(tmp_path / f"s_layer{i:02d}.png") as im:
            assert im.mode == "RGBA"
            rgba.append(np.asarray(im, dtype=np.float64) / 255.0)
    rgba = np.stack(rgba)
    assert np.abs(rgba[..., 3] - a).max() <= 1 / 255
    recon = np.einsum("khw,khwc->hwc", rgba[..., 3], rgba[..., :3])
    assert np.abs(recon - img).mean() <= 0.01
    # the colours are the regions' own colours where a layer is present (no fringes
    # of the neighbouring regions), which the image's colours are not
    for i in range(k):
        m = (a[i] > 0.2) & (a[i] < 0.8)
        assert np.abs(rgba[i][m][:, :3] - cols[i]).mean() < 0.03
        assert np.abs(img[m] - cols[i]).mean() > 0.05
    # the .ora holds the same RGBA layers; read_ora undoes it
    la, lf = sio.read_ora(tmp_path / "s.ora")
    assert np.abs(la - a).max() <= 1 / 255 and np.abs(lf - rgba[..., :3]).max() == 0
    # the TIFF pages are the float32 alphas, exactly
    with Image.open(tmp_path / "s.tif") as im:
        pages = np.stack([np.asarray(pg, dtype=np.float32) for pg in ImageSequence.Iterator(im)])
    assert np.array_equal(pages, a.astype(np.float32))
    with np.load(tmp_path / "s_layers.npz") as z:
        assert np.array_equal(z["layers"], a.astype(np.float32))
        assert np.array_equal(z["image"], img) and z["colors"].shape == (k, 40, 48, 3)
    with Image.open(tmp_path / "s_preview.png") as im:
        assert im.size == (6 * 48 + 5 * 4, 40)  # input | features | 3 layers | palette


def test_export_npz_only_skips_colours(tmp_path, monkeypatch):
    from sss_fast.app import export as _export

    def fail(*args, **kwargs):
        raise AssertionError("colours estimated for an npz-only export")

    monkeypatch.setattr(_export, "estimate_colors", fail)
    img, a, _ = synthetic_scene(3141, h=12, w=10)
    _export.export(a, img, tmp_path, "n", ("npz", "tiff"))
    assert sorted(os.listdir(tmp_path)) == ["n.json", "n.tif", "n_layers.npz"]


def test_export_read_image_errors_are_input_errors(tmp_path):
    from sss_fast.app import export as _export

    (tmp_path / "bad.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a jpeg")
    with pytest.raises(_export.InputError, match="bad.jpg: cannot read image"):
        _export.read_image(tmp_path / "bad.jpg")
    with pytest.raises(_export.InputError, match="no such file"):
        _export.read_image(tmp_path / "none.png")
    with pytest.raises(_export.InputError, match="<image bytes>: cannot read image"):
        _export.read_image(b"garbage")
    a = np.random.default_rng(5).integers(0, 256, (5, 6, 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, format="PNG")
    assert np.array_equal(_export.read_image(buf.getvalue(), name="x"), a)

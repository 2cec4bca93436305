"""Reliability of the file layer (``sss_fast.io`` behind ``sss_fast._export``
and the CLI): image and feature files that are missing, not images,
truncated, huge in declared size (decompression bombs) or of odd modes are
refused with a one-line ``InputError`` (CLI exit code 3), never a traceback,
a hang or a giant allocation; outputs are written atomically. Complements
``tests/test_io.py`` (the readers and writers themselves)."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest

from sss_fast.edge import validate as _validate
from sss_fast.app import export as _export, cli
from sss_fast import io as sio

Image = pytest.importorskip("PIL.Image")

RNG_SEED = 80_417


def _chunk(tag: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + tag + data
            + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))


def _png_header_only(w: int, h: int, idat: bytes = b"\0" * 64) -> bytes:
    """A syntactically valid PNG that declares w×h RGB but carries almost no data."""
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr)
            + _chunk(b"IDAT", zlib.compress(idat)) + _chunk(b"IEND", b""))


def _png_zero_bomb(w: int, h: int) -> bytes:
    """A real, complete grey PNG of w×h zeros: tiny on disk, w*h bytes decoded."""
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)
    comp = zlib.compressobj(9)
    row = b"\0" * (w + 1)
    body = b"".join(comp.compress(row) for _ in range(h)) + comp.flush()
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", body)
            + _chunk(b"IEND", b""))


def _encoded(fmt: str, mode: str = "RGB", size=(24, 20), **kw) -> bytes:
    rng = np.random.default_rng(RNG_SEED)
    rgb = rng.integers(0, 256, size=(size[1], size[0], 3), dtype=np.uint8)
    im = Image.fromarray(rgb).convert(mode) if mode != "RGB" else Image.fromarray(rgb)
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def _refused(source, *words):
    with pytest.raises(_export.InputError) as ei:
        _export.read_image(source, name="in.img")
    msg = str(ei.value)
    assert "\n" not in msg and msg.startswith("in.img: ")
    assert " at 0x" not in msg and "<_io." not in msg, msg  # words, never an object repr
    for w in words:
        assert w in msg, msg
    return msg


# --------------------------------------------------------------------------- not images

NOT_IMAGES = {
    "empty": b"",
    "text": b"hello, this is a text file\n" * 20,
    "html": b"<!doctype html><html><body>404</body></html>",
    "random": np.random.default_rng(RNG_SEED).integers(0, 256, 4096, dtype=np.uint8).tobytes(),
    "png_magic_only": b"\x89PNG\r\n\x1a\n",
    "jpeg_magic_only": b"\xff\xd8\xff\xe0",
    "gif_magic_only": b"GIF89a",
    "tiff_magic_only": b"II*\x00",
    "npy_as_image": b"\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, "
                    b"'shape': (2,), }" + b" " * 60 + b"\n" + b"\0" * 16,
    "zip": b"PK\x05\x06" + b"\0" * 18,
}


@pytest.mark.parametrize("kind", sorted(NOT_IMAGES))
def test_not_an_image(kind, tmp_path):
    data = NOT_IMAGES[kind]
    _refused(data, "cannot read image")
    p = tmp_path / "x.png"
    p.write_bytes(data)
    _refused(p, "cannot read image")


# Each reason in words: the file, what is wrong with it, what to do.
def test_empty_file_is_named_empty(tmp_path):
    p = tmp_path / "photo.png"
    p.write_bytes(b"")
    for src in (p, b""):
        msg = _refused(src, "in.img: cannot read image: empty file (0 bytes)", "again")
        assert "UnidentifiedImageError" not in msg


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_truncated_file_is_named_truncated(fmt):
    data = _encoded(fmt, size=(64, 48))
    msg = _refused(data[: len(data) // 2], "cannot read image: truncated ",
                   f"{'WebP' if fmt == 'WEBP' else fmt} file", "get the file again")
    assert f"after {len(data) // 2} bytes" in msg


@pytest.mark.parametrize("data, kind", [
    (b"hello, this is a text file\n" * 20, "a text file"),
    (b"<!doctype html><html><body>404</body></html>", "an HTML page"),
    (NOT_IMAGES["npy_as_image"], "a NumPy .npy array"),
    (NOT_IMAGES["zip"], "a zip archive"),
    (NOT_IMAGES["random"], "4096 bytes"),
], ids=["text", "html", "npy", "zip", "random"])
def test_not_an_image_is_named_so(data, kind):
    _refused(data, "cannot read image: not an image (", kind, "pass a JPEG, PNG or TIFF file")


@pytest.mark.parametrize("dtype, words", [
    (np.float32, "unsupported image mode 'F'"),
    (np.int32, "unsupported image values"),
])
def test_unsupported_mode_is_named_so(dtype, words):
    buf = io.BytesIO()
    Image.fromarray(np.full((8, 8), 70_000, dtype=dtype)).save(buf, "TIFF")
    _refused(buf.getvalue(), words, "first")


def test_missing_directory_and_unreadable(tmp_path):
    _refused(tmp_path / "nope.png", "no such file")
    _refused(tmp_path, "directory")


# --------------------------------------------------------------------------- truncated

@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "TIFF", "BMP", "WEBP"])
@pytest.mark.parametrize("keep", [0.05, 0.4, 0.9])
def test_truncated(fmt, keep):
    kw = {"compression": "tiff_deflate"} if fmt == "TIFF" else {}
    data = _encoded(fmt, size=(64, 48), **kw)
    cut = data[: max(1, int(len(data) * keep))]
    _refused(cut)  # any clean one-line refusal (reason depends on the decoder)


def test_png_with_bad_crc_and_garbage_tail():
    data = bytearray(_encoded("PNG"))
    data[30] ^= 0xFF  # inside IHDR/first chunk: CRC mismatch
    _refused(bytes(data))
    # Garbage after IEND is harmless: the image decodes.
    ok = _export.read_image(_encoded("PNG") + b"trailing junk")
    assert ok.shape == (20, 24, 3)


# --------------------------------------------------------------------------- bombs

@pytest.mark.parametrize("w, h", [
    (12_000, 9_000),         # 108 MP: above the 100 MP default, Pillow only warns here
    (30_000, 30_000),        # 900 MP: Pillow's own DecompressionBombError
    (2**31 - 1, 2),          # absurd width
    (65_535, 65_535),
])
def test_huge_declared_size_refused_before_decoding(w, h):
    msg = _refused(_png_header_only(w, h))
    assert "pixels" in msg or "too large" in msg, msg


def test_real_zero_bomb_refused_before_decoding():
    data = _png_zero_bomb(4_000, 3_000)  # 12 MP decoded from ~12 KB
    assert len(data) < 100_000
    with pytest.raises(ValueError, match="max_pixels=10000000"):
        sio.read_image(data, max_pixels=10_000_000)


def test_max_pixels_is_adjustable():
    data = _encoded("PNG", size=(40, 30))
    with pytest.raises(ValueError, match="max_pixels=1000"):
        sio.read_image(data, max_pixels=1000)
    assert sio.read_image(data, max_pixels=1200).shape == (30, 40, 3)


def test_declared_size_within_limit_but_no_data():
    # 8000×7000 declared, a few bytes of data: a clean truncation error, quickly.
    _refused(_png_header_only(8_000, 7_000), "cannot read image")


# --------------------------------------------------------------------------- odd modes

@pytest.mark.parametrize("fmt, mode", [
    ("PNG", "1"), ("PNG", "L"), ("PNG", "LA"), ("PNG", "P"), ("PNG", "RGBA"),
    ("PNG", "I;16"), ("TIFF", "I"), ("TIFF", "CMYK"), ("TIFF", "LAB"), ("TIFF", "I;16"),
    ("TIFF", "RGBX"), ("JPEG", "CMYK"), ("JPEG", "L"), ("TIFF", "YCbCr"), ("GIF", "P"),
    ("WEBP", "RGBA"), ("BMP", "P"),
])
def test_odd_modes_become_rgb(fmt, mode):
    try:
        data = _encoded(fmt, mode)
    except (OSError, KeyError, ValueError) as exc:  # this Pillow cannot write it
        pytest.skip(f"Pillow cannot write {mode} as {fmt}: {exc}")
    a = _export.read_image(data)
    assert a.shape == (20, 24, 3)
    assert a.dtype in (np.uint8, np.uint16)
    img = _validate.as_image(a)  # usable by segment as is
    assert np.isfinite(img).all() and 0.0 <= img.min() and img.max() <= 1.0


@pytest.mark.parametrize("value", [0.5, 7.5, np.nan])
def test_float_images_refused(value):
    buf = io.BytesIO()
    Image.fromarray(np.full((16, 16), value, dtype=np.float32)).save(buf, "TIFF")
    _refused(buf.getvalue(), "floating-point")


def test_int32_out_of_range_refused():
    buf = io.BytesIO()
    Image.fromarray(np.full((16, 16), 70_000, dtype=np.int32)).save(buf, "TIFF")
    _refused(buf.getvalue(), "0..65535")


def test_multi_frame_gives_first_frame():
    frames = [Image.new("RGB", (16, 12), c) for c in ((200, 10, 10), (10, 200, 10))]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:])
    a = _export.read_image(buf.getvalue())
    assert a.shape == (12, 16, 3) and a[..., 0].mean() > a[..., 1].mean()


def test_sixteen_bit_values_kept():
    g = (np.arange(16 * 16, dtype=np.uint16) * 257).reshape(16, 16)
    buf = io.BytesIO()
    Image.fromarray(g).save(buf, "PNG")
    a = _export.read_image(buf.getvalue())
    assert a.dtype == np.uint16 and np.array_equal(a[..., 1], g)


# --------------------------------------------------------------------------- feature files

def _npy_header(shape, descr="<f8") -> bytes:
    hdr = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {tuple(shape)}, }}"
    hdr = hdr.encode() + b" " * (63 - (len(hdr) + 10) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr)) + hdr


@pytest.mark.parametrize("case", ["truncated", "bad_header", "huge_declared", "pickled",
                                  "npz_two_arrays", "wrong_size", "four_d", "text"])
def test_bad_feature_files(case, tmp_path):
    shape = (20, 24)
    good = np.random.default_rng(RNG_SEED).random((20, 24, 3))
    if case == "truncated":
        buf = io.BytesIO()
        np.save(buf, good)
        p = tmp_path / "f.npy"
        p.write_bytes(buf.getvalue()[:-500])
    elif case == "bad_header":
        p = tmp_path / "f.npy"
        p.write_bytes(b"\x93NUMPY\x01\x00\x10\x00{not a dict}  \n" + b"\0" * 64)
    elif case == "huge_declared":
        p = tmp_path / "f.npy"
        p.write_bytes(_npy_header((200_000, 300_000, 3)) + b"\0" * 800)
    elif case == "pickled":
        p = tmp_path / "f.npy"
        np.save(p, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    elif case == "npz_two_arrays":
        p = tmp_path / "f.npz"
        np.savez(p, a=good, b=good)
    elif case == "wrong_size":
        p = tmp_path / "f.npy"
        np.save(p, good[:10])
    elif case == "four_d":
        p = tmp_path / "f.npy"
        np.save(p, good[None])
    else:
        p = tmp_path / "f.npy"
        p.write_text("0.1 0.2 0.3\n")
    with pytest.raises(_export.InputError) as ei:
        _export.read_features(p, shape, name="feats")
    assert "\n" not in str(ei.value) and str(ei.value).startswith("feats: ")
    # The same bytes shipped to a worker (no memory map) are refused as well.
    with pytest.raises(_export.InputError):
        _export.read_features((p.suffix, p.read_bytes()), shape, name="feats")


def test_good_feature_file_is_a_plain_array(tmp_path):
    good = np.random.default_rng(RNG_SEED).random((20, 24, 3))
    np.save(tmp_path / "f.npy", good)
    a = _export.read_features(tmp_path / "f.npy", (20, 24))
    assert type(a) is np.ndarray and np.array_equal(a, good)


# --------------------------------------------------------------------------- through the CLI

@pytest.mark.parametrize("case", ["truncated", "bomb", "text", "features_huge", "features_nan"])
def test_cli_refuses_bad_files_with_exit_3(case, tmp_path, capsys):
    img = tmp_path / "in.png"
    img.write_bytes(_encoded("PNG", size=(24, 20)))
    feat = tmp_path / "f.npy"
    np.save(feat, np.random.default_rng(RNG_SEED).random((20, 24, 3)))
    if case == "truncated":
        img.write_bytes(img.read_bytes()[:200])
    elif case == "bomb":
        img.write_bytes(_png_header_only(20_000, 20_000))
    elif case == "text":
        img.write_text("not an image")
    elif case == "features_huge":
        feat.write_bytes(_npy_header((90_000, 90_000, 64)) + b"\0" * 128)
    else:
        bad = np.random.default_rng(RNG_SEED).random((20, 24, 3))
        bad[3, 4, 1] = np.nan
        np.save(feat, bad)
    out = tmp_path / "out"
    code = cli.main(["segment", str(img), "--features", str(feat), "-o", str(out), "-q"])
    err = capsys.readouterr().err
    assert code == cli.EXIT_INPUT, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("sss-fast: error: "), err
    assert "Traceback" not in err
    assert not out.exists() or not any(out.iterdir())


# --------------------------------------------------------------------------- atomic outputs

class _Boom(Exception):
    pass


@pytest.mark.parametrize("exc", [_Boom, KeyboardInterrupt])
def test_atomic_write_never_leaves_partial_files(exc, tmp_path):
    target = tmp_path / "out.png"
    target.write_bytes(b"old complete file")
    with pytest.raises(exc):
        with sio.atomic_write(target) as f:
            f.write(b"half of the new")
            raise exc("interrupted")
    assert target.read_bytes() == b"old complete file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png"]  # no temp file left


def test_export_interrupted_midway_leaves_no_manifest(tmp_path, monkeypatch):
    rng = np.random.default_rng(RNG_SEED)
    layers = rng.random((3, 12, 10)).astype(np.float32)
    layers /= layers.sum(axis=0)
    image = rng.integers(0, 256, (12, 10, 3), dtype=np.uint8)
    colors = np.broadcast_to(rng.random((3, 1, 1, 3)), (3, 12, 10, 3)).astype(np.float32)
    real = sio._png_bytes
    calls = []

    def flaky(arr):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(arr)

    monkeypatch.setattr(sio, "_png_bytes", flaky)
    with pytest.raises(KeyboardInterrupt):
        _export.export(layers, image, tmp_path, "s", ["png", "npz"], False, {}, colors=colors)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["s_layer00.png"]  # complete files only, no manifest, no temp file
    monkeypatch.setattr(sio, "_png_bytes", real)
    files = _export.export(layers, image, tmp_path, "s", ["png", "npz"], False, {},
                           colors=colors)
    assert _export.manifest_path(tmp_path, "s").exists() and len(files) == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in files)

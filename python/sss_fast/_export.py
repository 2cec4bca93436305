"""Reading inputs and writing results for the command line and batch runs.

A thin seam, kept separate so that it can be re-pointed at
:mod:`sss_fast.io` / :mod:`sss_fast.viz` / :mod:`sss_fast.colors` once those
exist in the same tree: every writer here is a small self-contained Pillow /
NumPy implementation, and every file is written atomically (a temporary file
in the target folder, then ``os.replace``), so an interrupted run never leaves
a half-written output behind.

Output names, for an input stem ``S`` in folder ``OUT``::

    OUT/S_layer00.png ...   one RGBA PNG per layer (alpha = layer)   png
    OUT/S.ora               OpenRaster stack of the same layers      ora
    OUT/S.tif               multi-page RGBA TIFF, one page per layer tiff
    OUT/S_layers.npz        float32 (K, H, W) layers + the image     npz
    OUT/S_preview.png       contact sheet                            --preview
    OUT/S.json              manifest, written last (marks "done")
"""

from __future__ import annotations

import io as _pyio
import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Callable, Iterable, List, Sequence

import numpy as np

__all__ = ["InputError", "FORMATS", "IMAGE_SUFFIXES", "read_image", "read_features",
           "export", "manifest_path", "atomic_write", "write_json"]

#: Output formats the exporter knows.
FORMATS = ("png", "ora", "tiff", "npz")
#: Input image suffixes (lower case) the batch mode picks up.
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")


class InputError(Exception):
    """An input file could not be read or does not fit (exit code 3)."""


# --------------------------------------------------------------------------- reading

def _pil():
    try:
        from PIL import Image
    except ImportError as exc:  # pragma: no cover - pillow is a test dependency
        raise ImportError('reading and writing image files needs Pillow: '
                          'pip install "sss-fast[io]"') from exc
    return Image


def _describe(source) -> str:
    return str(source) if not isinstance(source, (bytes, bytearray)) else "<image bytes>"


def read_image(source, name: str = "") -> np.ndarray:
    """Decode an image file (path or bytes) to (H, W, 3) uint8 or uint16.

    Raises :class:`InputError` with a one-line message when it cannot be read.
    """
    Image = _pil()
    label = name or _describe(source)
    try:
        fp = _pyio.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source
        with Image.open(fp) as im:
            im.load()
            if im.mode in ("I;16", "I;16B", "I;16L", "I"):
                a = np.asarray(im, dtype=np.uint16 if im.mode != "I" else np.int64)
                if a.dtype != np.uint16:
                    a = np.clip(a, 0, 65535).astype(np.uint16)
                return np.ascontiguousarray(np.repeat(a[:, :, None], 3, axis=2))
            return np.ascontiguousarray(np.asarray(im.convert("RGB"), dtype=np.uint8))
    except FileNotFoundError:
        raise InputError(f"{label}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{label}: is a directory, not an image") from None
    except PermissionError:
        raise InputError(f"{label}: permission denied") from None
    except Exception as exc:  # PIL raises UnidentifiedImageError, OSError, SyntaxError, ...
        raise InputError(f"{label}: cannot read image ({_one_line(exc)})") from None


def read_features(source, shape, name: str = "") -> np.ndarray:
    """Load a feature map: .npy, .npz (key ``features`` or the only array), or an
    image whose pixels are the 3 reduced channels. Checked against ``shape`` (H, W).

    ``source`` is a path, or ``(suffix, bytes)`` for data shipped to a worker.
    """
    if isinstance(source, tuple):
        suffix, data = source
        label = name or f"<features{suffix}>"
        fp = _pyio.BytesIO(data)
    else:
        suffix = Path(source).suffix.lower()
        label = name or str(source)
        fp = source
        if not Path(source).exists():
            raise InputError(f"{label}: no such file")
    try:
        if suffix == ".npy":
            a = np.load(fp, allow_pickle=False)
        elif suffix == ".npz":
            with np.load(fp, allow_pickle=False) as z:
                keys = list(z.keys())
                if "features" in keys:
                    a = z["features"]
                elif len(keys) == 1:
                    a = z[keys[0]]
                else:
                    raise InputError(f"{label}: .npz holds {len(keys)} arrays ({', '.join(keys)}); "
                                     "name the feature array 'features'")
        else:
            a = read_image(fp, name=label)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"{label}: cannot read features ({_one_line(exc)})") from None
    a = np.asarray(a)
    if a.ndim == 2:
        a = a[:, :, None]
    if a.ndim != 3:
        raise InputError(f"{label}: features must be an (H, W, D) array, got shape {a.shape}")
    if tuple(a.shape[:2]) != tuple(shape[:2]):
        raise InputError(f"{label}: features are {a.shape[0]}×{a.shape[1]} but the image is "
                         f"{shape[0]}×{shape[1]}; they must have the image's size")
    return a


def _one_line(exc: BaseException) -> str:
    msg = str(exc).strip().splitlines()
    return (msg[0] if msg else type(exc).__name__)[:300]


# --------------------------------------------------------------------------- writing

def atomic_write(path, write: Callable[[object], None]) -> Path:
    """Write ``path`` through ``write(binary_file)`` into a temporary file in the
    same folder, then rename it into place (never a half-written file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w+b") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


def write_json(path, obj) -> Path:
    data = json.dumps(obj, indent=2, sort_keys=True, default=_json_default).encode() + b"\n"
    return atomic_write(path, lambda f: f.write(data))


def _json_default(o):
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)


def _to_u8(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    if a.dtype.kind == "f" and a.size and a.max() > 1.0 + 1e-9:
        a = a / 255.0
    return np.clip(np.rint(a * 255.0), 0, 255).astype(np.uint8)


def _image_u8(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image)
    if image.dtype == np.uint8:
        return image
    if image.dtype == np.uint16:
        return (image.astype(np.uint32) * 255 // 65535).astype(np.uint8)
    return _to_u8(image)


def _rgba(colors_u8: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    return np.dstack([colors_u8, _to_u8(np.clip(alpha, 0.0, 1.0))])


def _png_bytes(arr: np.ndarray) -> bytes:
    buf = _pyio.BytesIO()
    _pil().fromarray(arr).save(buf, format="PNG")
    return buf.getvalue()


def _palette(k: int) -> np.ndarray:
    """k well separated colours (golden-angle hues), uint8 (k, 3)."""
    import colorsys

    return np.array([[int(round(255 * c)) for c in colorsys.hsv_to_rgb((i * 0.618034) % 1.0,
                                                                         0.75, 0.95)]
                     for i in range(k)], dtype=np.uint8).reshape(k, 3)


def _save_pngs(layers, rgb, out_dir, stem) -> List[Path]:
    return [atomic_write(out_dir / f"{stem}_layer{i:02d}.png",
                         lambda f, i=i: f.write(_png_bytes(_rgba(rgb, layers[i]))))
            for i in range(layers.shape[0])]


def _save_ora(layers, rgb, out_dir, stem) -> Path:
    h, w = rgb.shape[:2]
    stack = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<image version="0.0.3" w="{w}" h="{h}"><stack>']
    for i in range(layers.shape[0]):  # first child is the top of the stack
        stack.append(f'<layer name="layer {i:02d}" src="data/layer{i:02d}.png" x="0" y="0" '
                     'opacity="1.0" visibility="visible" composite-op="svg:src-over"/>')
    stack.append("</stack></image>")

    def write(f):
        with zipfile.ZipFile(f, "w") as z:
            z.writestr(zipfile.ZipInfo("mimetype"), "image/openraster",
                       compress_type=zipfile.ZIP_STORED)
            z.writestr("stack.xml", "\n".join(stack), compress_type=zipfile.ZIP_DEFLATED)
            for i in range(layers.shape[0]):
                z.writestr(f"data/layer{i:02d}.png", _png_bytes(_rgba(rgb, layers[i])))
            z.writestr("mergedimage.png", _png_bytes(rgb))
            thumb = _pil().fromarray(rgb)
            thumb.thumbnail((256, 256))
            z.writestr("Thumbnails/thumbnail.png", _png_bytes(np.asarray(thumb)))

    return atomic_write(out_dir / f"{stem}.ora", write)


def _save_tiff(layers, rgb, out_dir, stem) -> Path:
    Image = _pil()
    pages = [Image.fromarray(_rgba(rgb, layers[i])) for i in range(layers.shape[0])]

    def write(f):
        pages[0].save(f, format="TIFF", save_all=True, append_images=pages[1:],
                      compression="tiff_deflate")

    return atomic_write(out_dir / f"{stem}.tif", write)


def _save_npz(layers, image, out_dir, stem) -> Path:
    def write(f):
        np.savez_compressed(f, layers=np.asarray(layers, dtype=np.float32),
                            image=np.asarray(image))

    return atomic_write(out_dir / f"{stem}_layers.npz", write)


def _save_preview(layers, rgb, out_dir, stem, tile: int = 256) -> Path:
    """Contact sheet: the image, a palette composite, then each layer tinted."""
    Image = _pil()
    k, h, w = layers.shape
    pal = _palette(k).astype(np.float64)
    a = np.clip(layers, 0.0, 1.0).astype(np.float64)
    composite = np.clip(np.einsum("khw,kc->hwc", a, pal), 0, 255).astype(np.uint8)
    tiles = [rgb, composite]
    img_f = rgb.astype(np.float64)
    for i in range(k):
        # layer i: its pixels in their own colours, the rest faded to its palette tint
        t = a[i][:, :, None] * img_f + (1 - a[i][:, :, None]) * (0.15 * pal[i] + 20.0)
        tiles.append(np.clip(t, 0, 255).astype(np.uint8))
    scale = min(1.0, tile / max(h, w))
    th, tw = max(1, round(h * scale)), max(1, round(w * scale))
    cols = min(len(tiles), 4)
    rows = -(-len(tiles) // cols)
    gap = 4
    sheet = Image.new("RGB", (cols * tw + (cols - 1) * gap, rows * th + (rows - 1) * gap),
                      (255, 255, 255))
    for j, t in enumerate(tiles):
        im = Image.fromarray(t)
        if (th, tw) != (h, w):
            im = im.resize((tw, th), Image.LANCZOS)
        sheet.paste(im, ((j % cols) * (tw + gap), (j // cols) * (th + gap)))
    return atomic_write(out_dir / f"{stem}_preview.png",
                        lambda f: f.write(_png_bytes(np.asarray(sheet))))


def manifest_path(out_dir, stem) -> Path:
    """The file written last for an input: its presence means "done"."""
    return Path(out_dir) / f"{stem}.json"


def parse_formats(text: str) -> List[str]:
    """``"png,npz"`` → ``["png", "npz"]``; ValueError naming unknown formats."""
    fmts = [s.strip().lower() for s in text.split(",") if s.strip()]
    fmts = ["tiff" if f == "tif" else f for f in fmts]
    bad = [f for f in fmts if f not in FORMATS]
    if bad or not fmts:
        raise ValueError(f"unknown format(s) {', '.join(bad) or '(none)'}; choose from "
                         f"{', '.join(FORMATS)}")
    return list(dict.fromkeys(fmts))


def export(layers: np.ndarray, image: np.ndarray, out_dir, stem: str,
           formats: Sequence[str] = ("png",), preview: bool = False,
           manifest: dict = None) -> List[Path]:
    """Write ``layers`` (K, H, W) of ``image`` in ``formats`` (see module doc).

    The manifest ``S.json`` (the given dict plus the list of files) is
    written last, so its presence marks a complete result.
    """
    out_dir = Path(out_dir)
    layers = np.asarray(layers)
    rgb = _image_u8(image)
    if rgb.ndim == 2:
        rgb = np.repeat(rgb[:, :, None], 3, axis=2)
    rgb = np.ascontiguousarray(rgb[:, :, :3])
    written: List[Path] = []
    for fmt in formats:
        if fmt == "png":
            written += _save_pngs(layers, rgb, out_dir, stem)
        elif fmt == "ora":
            written.append(_save_ora(layers, rgb, out_dir, stem))
        elif fmt == "tiff":
            written.append(_save_tiff(layers, rgb, out_dir, stem))
        elif fmt == "npz":
            written.append(_save_npz(layers, image, out_dir, stem))
        else:
            raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    if preview:
        written.append(_save_preview(layers, rgb, out_dir, stem))
    doc = dict(manifest or {})
    doc["files"] = [p.name for p in written]
    doc["n_layers"] = int(layers.shape[0])
    written.append(write_json(manifest_path(out_dir, stem), doc))
    return written


def list_images(in_dir) -> List[Path]:
    """Image files directly inside ``in_dir`` (sorted by name)."""
    return sorted(p for p in Path(in_dir).iterdir()
                  if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
                  and not p.name.startswith("."))


def unique_stems(paths: Iterable[Path]) -> dict:
    """Map each path to an output stem; inputs sharing a stem keep their suffix."""
    paths = list(paths)
    counts: dict = {}
    for p in paths:
        counts[p.stem] = counts.get(p.stem, 0) + 1
    return {p: (p.stem if counts[p.stem] == 1 else f"{p.stem}_{p.suffix.lstrip('.').lower()}")
            for p in paths}

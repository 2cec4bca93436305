"""Reading inputs and writing results for the command line and batch runs.

The file-naming and bookkeeping layer over the public writers in
:mod:`sss_fast.io`, the pictures in :mod:`sss_fast.viz` and the layer colours
of :func:`sss_fast.layer_colors`; it adds the error type the command line
turns into exit code 3 and a manifest written last. Every file is written
atomically (a temporary file in the target folder, then ``os.replace``), so
an interrupted run never leaves a half-written output behind.

Output names, for an input stem ``S`` in folder ``OUT`` (the default formats
are png and ora, :data:`DEFAULT_FORMATS`)::

    OUT/S_layer00.png ...   one RGBA PNG per layer: estimated colours, alpha = layer  png
    OUT/S.ora               OpenRaster stack of the same RGBA layers              ora
    OUT/S.tif               multi-page float32 TIFF of the alphas                 tiff
    OUT/S_layers.npz        float32 (K, H, W) layers, the image (+ colours)       npz
    OUT/S_preview.png       contact sheet                                         --preview
    OUT/S.json              manifest, written last (marks "done")
"""

from __future__ import annotations

import io as _pyio
import json
import time
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Tuple

import numpy as np

from . import io as image_io

__all__ = ["InputError", "FORMATS", "DEFAULT_FORMATS", "IMAGE_SUFFIXES", "read_image",
           "read_features", "export", "manifest_path", "write_json", "needs_colors",
           "estimate_colors", "expected_files", "is_complete"]

#: Output formats the exporter knows.
FORMATS = ("png", "ora", "tiff", "npz")
#: What is written when no formats are chosen (``sss-fast`` without ``--format``):
#: the RGBA PNGs and the same layers as one OpenRaster file for GIMP/Krita.
DEFAULT_FORMATS = ("png", "ora")
#: Input image suffixes (lower case) the batch mode picks up.
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")
#: Largest panel height of the preview contact sheet (pixels).
PREVIEW_HEIGHT = 256


class InputError(Exception):
    """An input file could not be read or does not fit (exit code 3)."""


# --------------------------------------------------------------------------- reading

def read_image(source, name: str = "") -> np.ndarray:
    """Decode an image file (path or bytes) to (H, W, 3) uint8 or uint16
    (:func:`sss_fast.io.read_image`).

    Raises :class:`InputError` with a one-line message when it cannot be read.
    """
    is_bytes = isinstance(source, (bytes, bytearray, memoryview))
    label = name or ("<image bytes>" if is_bytes else str(source))
    try:
        return image_io.read_image(source, name=label)
    except FileNotFoundError:
        raise InputError(f"{label}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{label}: is a directory, not an image") from None
    except PermissionError:
        raise InputError(f"{label}: permission denied") from None
    except ValueError as exc:
        raise InputError(_one_line(exc)) from None
    except OSError as exc:
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
            _check_npy_header(fp, shape, label)
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
            a = read_image(data if isinstance(source, tuple) else source, name=label)
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


def _check_npy_header(fp, shape, label: str) -> None:
    """Refuses a .npy whose header declares another image size, or more data
    than the file holds, before NumPy allocates the array (a header can
    declare terabytes). Leaves ``fp`` (path or binary file) for np.load."""
    from numpy.lib import format as npf

    f = open(fp, "rb") if not hasattr(fp, "read") else fp
    try:
        start = f.tell()
        version = npf.read_magic(f)
        if version == (1, 0):
            hshape, _, dtype = npf.read_array_header_1_0(f)
        elif version == (2, 0):
            hshape, _, dtype = npf.read_array_header_2_0(f)
        else:
            return  # a newer format: np.load checks it
        data_at = f.tell()
        f.seek(0, 2)
        have = f.tell() - data_at
        f.seek(start)
    finally:
        if f is not fp:
            f.close()
    if len(hshape) not in (2, 3):
        raise InputError(f"{label}: features must be an (H, W, D) array, got shape {hshape}")
    if tuple(hshape[:2]) != tuple(shape[:2]):
        raise InputError(f"{label}: features are {hshape[0]}×{hshape[1]} but the image is "
                         f"{shape[0]}×{shape[1]}; they must have the image's size")
    need = int(np.prod(hshape, dtype=np.float64)) * dtype.itemsize
    if not dtype.hasobject and need > have:
        raise InputError(f"{label}: truncated .npy (its header declares {need} bytes of data, "
                         f"the file holds {have})")


def _one_line(exc: BaseException) -> str:
    msg = str(exc).strip().splitlines()
    return (msg[0] if msg else type(exc).__name__)[:300]


# --------------------------------------------------------------------------- writing

def write_json(path, obj) -> Path:
    """Write ``obj`` as indented JSON, atomically."""
    data = json.dumps(obj, indent=2, sort_keys=True, default=_json_default).encode() + b"\n"
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with image_io.atomic_write(path) as f:
        f.write(data)
    return path


def _json_default(o):
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)


def needs_colors(formats: Sequence[str], preview: bool) -> bool:
    """Whether writing ``formats`` (and the preview) uses the layer colours."""
    return preview or any(f in ("png", "ora") for f in formats)


def estimate_colors(image, layers) -> Tuple[np.ndarray, dict]:
    """Layer colours (:func:`sss_fast.layer_colors`) as float32 (K, H, W, 3),
    and JSON-friendly solver facts for the manifest."""
    from ..stages.colors import layer_colors

    t0 = time.perf_counter()
    colors, info = layer_colors(image, layers, return_info=True)
    facts = {"iterations": info["iterations"], "converged": info["converged"],
             "reconstruction_error": round(info["reconstruction_error"], 6),
             "seconds": round(time.perf_counter() - t0, 4)}
    return colors.astype(np.float32), facts


def _preview(image, features, layers, colors) -> np.ndarray:
    """The contact sheet (:func:`sss_fast.viz.contact_sheet`), scaled so that its
    panels are at most :data:`PREVIEW_HEIGHT` pixels high."""
    from . import viz

    h, w = layers.shape[1:]
    scale = min(1.0, PREVIEW_HEIGHT / h)
    sheet = viz.contact_sheet(image, features, layers, colors=colors,
                              gap=max(1, round(4 / scale)))
    if scale < 1.0:
        from PIL import Image

        sh, sw = sheet.shape[:2]
        sheet = np.asarray(Image.fromarray(sheet).resize(
            (max(1, round(sw * scale)), max(1, round(sh * scale))), Image.LANCZOS))
    return sheet


def manifest_path(out_dir, stem) -> Path:
    """The file written last for an input: its presence means "done"."""
    return Path(out_dir) / f"{stem}.json"


def expected_files(stem: str, n_layers: int, formats: Sequence[str],
                   preview: bool = False) -> List[str]:
    """The names :func:`export` writes for ``stem`` (the manifest not included)."""
    names: List[str] = []
    for fmt in formats:
        if fmt == "png":
            names += [f"{stem}_layer{image_io._index(i, n_layers)}.png" for i in range(n_layers)]
        elif fmt == "ora":
            names.append(f"{stem}.ora")
        elif fmt == "tiff":
            names.append(f"{stem}.tif")
        elif fmt == "npz":
            names.append(f"{stem}_layers.npz")
        else:
            raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    if preview:
        names.append(f"{stem}_preview.png")
    return names


def is_complete(out_dir, stem: str, formats: Sequence[str], preview: bool = False) -> bool:
    """Whether ``out_dir`` holds a finished result of ``stem`` in every one of
    ``formats``: its manifest (written last) exists, and lists and finds each
    file those formats (and the preview) write. A result written earlier in
    other formats (say, before ``ora`` was a default) is not complete."""
    path = manifest_path(out_dir, stem)
    try:
        doc = json.loads(path.read_text())
        k = int(doc["n_layers"])
        listed = set(doc["files"])
    except (OSError, ValueError, TypeError, KeyError):
        return False
    want = expected_files(stem, k, formats, preview)
    return all(n in listed and (Path(out_dir) / n).is_file() for n in want)


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
           formats: Sequence[str] = DEFAULT_FORMATS, preview: bool = False,
           manifest: Optional[dict] = None, *, colors: Optional[np.ndarray] = None,
           features: Optional[np.ndarray] = None) -> List[Path]:
    """Write ``layers`` (K, H, W) of ``image`` in ``formats`` (see module doc).

    ``colors`` (K, H, W, 3) are the layer colours; when PNG, ORA or the
    preview need them and none are given they are estimated here
    (:func:`estimate_colors`). ``features`` appear in the preview. The
    manifest ``S.json`` (the given dict plus the list of files) is written
    last, so its presence marks a complete result.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    layers = np.asarray(layers)
    doc = dict(manifest or {})
    if colors is None and needs_colors(formats, preview):
        colors, doc["colors"] = estimate_colors(image, layers)
    written: List[Path] = []
    for fmt in formats:
        if fmt == "png":
            written += [Path(p) for p in image_io.save_layers_png(out_dir, layers, colors,
                                                             prefix=f"{stem}_layer")]
        elif fmt == "ora":
            written.append(Path(image_io.save_ora(out_dir / f"{stem}.ora", layers, colors)))
        elif fmt == "tiff":
            written.append(Path(image_io.save_tiff(out_dir / f"{stem}.tif", layers)))
        elif fmt == "npz":
            written.append(Path(image_io.save_npz(out_dir / f"{stem}_layers.npz",
                                             np.asarray(layers, dtype=np.float32),
                                             colors=colors, image=image)))
        else:
            raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    if preview:
        written.append(Path(image_io.save_png(out_dir / f"{stem}_preview.png",
                                         _preview(image, features, layers, colors))))
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

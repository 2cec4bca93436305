"""Reading images and exporting soft layers.

* :func:`read_image` — an image file as a uint8 or uint16 (H, W, 3) array,
  refusing truncated, non-image, oversized and exotic files with a
  ``ValueError`` that names the path;
* :func:`save_layers_png` — one RGBA PNG per layer;
* :func:`save_ora` / :func:`read_ora` — an OpenRaster (.ora) document, the
  layered format GIMP, Krita and MyPaint open;
* :func:`save_tiff` — the alphas as a multi-page TIFF;
* :func:`save_npz` — layers (and a :class:`~sss_fast.SegmentResult`'s
  arrays) as a NumPy archive;
* :func:`save_png` — a picture from :mod:`sss_fast.viz`.

Layer colours for the RGBA writers come from :func:`sss_fast.layer_colors`.

Every writer is atomic: it writes a temporary file in the destination's
directory and moves it into place with ``os.replace``, so a crash or an
exception never leaves a half-written file under the final name.

Pillow is an optional dependency (``pip install "sss-fast[io]"``), imported
only when an image is read or written.
"""

from __future__ import annotations

import contextlib
import io as _io
import json
import os
import re
import struct
import tempfile
import warnings
import xml.etree.ElementTree as ET
import zipfile
import zlib
from typing import Iterator, List, Optional, Sequence

import numpy as np

from ..edge.validate import as_layers, as_unit

__all__ = ["read_image", "save_layers_png", "save_ora", "read_ora", "save_tiff", "save_npz",
           "save_png", "DEFAULT_MAX_PIXELS"]

#: Largest image :func:`read_image` accepts, in pixels (a decompression-bomb
#: guard checked from the header, before any pixel is decoded). 100 MP is
#: beyond what segmentation handles anyway.
DEFAULT_MAX_PIXELS = 100_000_000

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ORA_MIMETYPE = b"image/openraster"
_THUMBNAIL_SIZE = 256


def _pil():
    try:
        from PIL import Image
    except ImportError as exc:  # pragma: no cover - Pillow is installed in tests
        raise ImportError(
            'sss_fast.io needs Pillow to read and write images: pip install "sss-fast[io]"'
        ) from exc
    return Image


# ---- atomic writes ------------------------------------------------------------------

@contextlib.contextmanager
def atomic_write(path) -> Iterator[_io.BufferedWriter]:
    """Yields a binary file in ``path``'s directory; moved to ``path`` on success."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp",
                               dir=directory)
    try:
        with os.fdopen(fd, "w+b") as f:  # readable too: TIFF appending reads back
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; give the usual file mode
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# ---- reading ------------------------------------------------------------------------

def _read_png16(data: bytes, path: str, max_pixels: int) -> Optional[np.ndarray]:
    """Decodes a 16-bit colour PNG (Pillow reads those as 8-bit) to uint16 (H, W, 3).

    Returns None for every other PNG (Pillow handles those, 16-bit grey
    included). Only non-interlaced images are decoded here.
    """
    if len(data) < 33 or data[:8] != _PNG_SIGNATURE or data[12:16] != b"IHDR":
        return None
    w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", data[16:29])
    if depth != 16 or ctype not in (2, 4, 6):
        return None
    if w * h > max_pixels:
        raise ValueError(f"{path}: image is {w}×{h} = {w * h} pixels, more than max_pixels="
                         f"{max_pixels} (a decompression bomb?)")
    if interlace:
        warnings.warn(f"{path}: interlaced 16-bit colour PNG read at 8 bits", UserWarning,
                      stacklevel=3)
        return None
    channels = {2: 3, 4: 2, 6: 4}[ctype]
    pos, idat = 8, []
    while True:
        if pos + 8 > len(data):
            raise ValueError(f"{path}: truncated PNG (no IEND chunk)")
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        ctag = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        crc = data[pos + 8 + length:pos + 12 + length]
        if len(body) != length or len(crc) != 4:
            raise ValueError(f"{path}: truncated PNG (chunk {ctag!r} cut short)")
        if struct.unpack(">I", crc)[0] != zlib.crc32(ctag + body) & 0xFFFFFFFF:
            raise ValueError(f"{path}: corrupt PNG (bad CRC in chunk {ctag!r})")
        if ctag == b"IDAT":
            idat.append(body)
        elif ctag == b"IEND":
            break
        pos += 12 + length
    stride = w * channels * 2
    expected = h * (stride + 1)
    try:
        d = zlib.decompressobj()
        raw = d.decompress(b"".join(idat), expected + 1)
    except zlib.error as exc:
        raise ValueError(f"{path}: corrupt PNG image data ({exc})") from exc
    if len(raw) != expected:
        raise ValueError(f"{path}: truncated PNG image data ({len(raw)} of {expected} bytes)")
    rows = np.frombuffer(raw, dtype=np.uint8).reshape(h, stride + 1)
    out = np.zeros((h, stride), dtype=np.int32)
    bpp = channels * 2
    prev = np.zeros(stride, dtype=np.int32)
    for y in range(h):
        ftype, line = int(rows[y, 0]), rows[y, 1:].astype(np.int32)
        if ftype == 0:
            cur = line
        elif ftype == 1:  # Sub: a running sum along each byte position of the pixel
            cur = np.cumsum(line.reshape(w, bpp), axis=0).ravel() & 0xFF
        elif ftype == 2:  # Up
            cur = (line + prev) & 0xFF
        elif ftype in (3, 4):  # Average, Paeth
            cur = line.copy()
            for x in range(stride):
                a = cur[x - bpp] if x >= bpp else 0
                b = prev[x]
                if ftype == 3:
                    cur[x] = (cur[x] + ((a + b) >> 1)) & 0xFF
                else:
                    c = prev[x - bpp] if x >= bpp else 0
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if (pa <= pb and pa <= pc) else (b if pb <= pc else c)
                    cur[x] = (cur[x] + pred) & 0xFF
        else:
            raise ValueError(f"{path}: corrupt PNG (unknown row filter {ftype})")
        out[y] = cur
        prev = cur
    px = out.astype(np.uint8).reshape(h, w, channels, 2)
    vals = (px[..., 0].astype(np.uint16) << 8) | px[..., 1].astype(np.uint16)
    if channels == 2:  # grey + alpha: drop alpha
        return np.repeat(vals[:, :, :1], 3, axis=2)
    return np.ascontiguousarray(vals[:, :, :3])


#: File signatures of the image formats users hand us most, for messages.
_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF87a", "GIF"),
               (b"GIF89a", "GIF"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"), (b"BM", "BMP"))
#: Signatures of common files that are not images, for "not an image (a ...)".
_NOT_IMAGES = ((b"\x93NUMPY", "a NumPy .npy array"), (b"PK\x03\x04", "a zip archive"),
               (b"PK\x05\x06", "a zip archive"), (b"%PDF", "a PDF document"),
               (b"\x1f\x8b", "a gzip archive"))
#: How a failed decode is reported: never more than this much of Pillow's text.
_DETAIL_CHARS = 120


def _image_format(data: bytes) -> Optional[str]:
    """The image format ``data`` starts like (by its signature), or None."""
    if data[:4] == b"RIFF" and (len(data) < 12 or data[8:12] == b"WEBP"):
        return "WebP"
    for sig, fmt in _SIGNATURES:
        if data.startswith(sig) or (len(data) < len(sig) and sig.startswith(data)):
            return fmt
    return None


def _looks_cut_short(data: bytes, fmt: str) -> bool:
    """Whether a file of format ``fmt`` lacks what a complete one holds (its end
    marker, or as many bytes as its header declares)."""
    n = len(data)
    if fmt == "PNG":
        return b"IEND" not in data
    if fmt == "JPEG":
        return b"\xff\xd9" not in data[-4096:]
    if fmt == "GIF":
        return not data.rstrip(b"\0").endswith(b";")
    if fmt == "WebP":
        return n < 12 or n < 8 + struct.unpack("<I", data[4:8])[0]
    if fmt == "TIFF":
        return n < 8 or struct.unpack("<I" if data[:2] == b"II" else ">I", data[4:8])[0] >= n
    if fmt == "BMP":
        return n < 6 or struct.unpack("<I", data[2:6])[0] > n
    return False


def _detail(exc: BaseException) -> str:
    """Pillow's message on one line, without object reprs (``<_io.BytesIO object at 0x…>``)."""
    text = " ".join(str(exc).split())
    text = re.sub(r"\s*<[^<>]*\bat 0x[0-9a-fA-F]+>", "", text).strip(" :")
    if len(text) > _DETAIL_CHARS:
        text = text[:_DETAIL_CHARS - 1] + "…"
    return text or type(exc).__name__


def _unreadable(spath: str, data: bytes, exc: Optional[BaseException]) -> str:
    """A one-line "cannot read image" message: the file, the reason in words
    (empty, not an image, truncated, damaged), and what to do about it."""
    n = len(data)
    head = f"{spath}: cannot read image:"
    if n == 0:
        return (f"{head} empty file (0 bytes); the file holds no data, save or copy the "
                f"image again")
    fmt = _image_format(data)
    unidentified = exc is None or type(exc).__name__ == "UnidentifiedImageError"
    if fmt is None and unidentified:  # Pillow recognised no format either
        kind = next((k for sig, k in _NOT_IMAGES if data.startswith(sig)), None)
        if kind is None:
            sample = data[:512]
            printable = sum(32 <= b < 127 or b in (9, 10, 13) for b in sample)
            if printable >= 0.95 * len(sample):
                kind = "an HTML page" if b"<html" in sample.lower() else "a text file"
        what = f"{kind}, " if kind else ""
        return (f"{head} not an image ({what}{n} bytes in no image format Pillow reads); "
                f"pass a JPEG, PNG or TIFF file")
    what = f"{fmt} " if fmt else "image "
    detail = "" if unidentified else _detail(exc)
    text = detail.lower()
    truncated = ((fmt is not None and _looks_cut_short(data, fmt))
                 or isinstance(exc, (EOFError, struct.error))
                 or "truncat" in text or "not enough data" in text
                 or "buffer is not large enough" in text)
    if truncated:
        why = f"; {detail}" if detail else ""
        return (f"{head} truncated {what}file (the data ends after {n} bytes{why}); the "
                f"download or copy was probably cut off, get the file again")
    if unidentified:
        return (f"{head} damaged {fmt} file (it starts like a {fmt} file but its header "
                f"cannot be parsed; {n} bytes); get the file again or re-save it")
    return f"{head} damaged {what}data ({detail}); get the file again or re-save it"


def read_image(path, *, max_pixels: int = DEFAULT_MAX_PIXELS, name: Optional[str] = None
               ) -> np.ndarray:
    """Read an image file as an (H, W, 3) array for :func:`sss_fast.segment`.

    Parameters
    ----------
    path : str, os.PathLike, or bytes
        Any format Pillow reads (PNG, JPEG, TIFF, WebP, …), or the encoded
        file's bytes.
    max_pixels : int, keyword-only
        Refuse images with more pixels than this (checked from the header,
        before decoding; default :data:`DEFAULT_MAX_PIXELS`). Pillow's own
        ``Image.MAX_IMAGE_PIXELS`` bomb error is also turned into ValueError.
    name : str, optional, keyword-only
        How error messages name the file (default: the path, or
        ``"<image bytes>"``).

    Returns
    -------
    (H, W, 3) uint8, or (H, W, 3) uint16 for 16-bit PNG/TIFF
        Palette, grey, grey+alpha, RGBA, CMYK and YCbCr images are converted
        to RGB (alpha dropped; CMYK converted naively, without ICC profiles);
        16-bit grey is replicated to three channels.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file is empty, not an image, truncated or corrupt, is larger
        than ``max_pixels``, or has a mode without a sensible RGB reading
        (float, 32-bit integer outside 0..65535). The message names the path
        and says in words what is wrong (``"photo.png: cannot read image:
        empty file (0 bytes); …"``), never Pillow's object reprs.
    """
    Image = _pil()
    if isinstance(max_pixels, bool) or not isinstance(max_pixels, (int, np.integer)) \
            or max_pixels < 1:
        raise ValueError(f"max_pixels must be a positive int, got {max_pixels!r}")
    if isinstance(path, (bytes, bytearray, memoryview)):
        data = bytes(path)
        spath = name or "<image bytes>"
    else:
        with open(os.fspath(path), "rb") as f:
            data = f.read()
        spath = name or os.fspath(path)
    if not data:
        raise ValueError(_unreadable(spath, data, None))
    arr = _read_png16(data, spath, int(max_pixels))
    if arr is not None:
        return arr
    from PIL import ImageFile

    bomb_error = getattr(Image, "DecompressionBombError", None)
    bomb_warning = getattr(Image, "DecompressionBombWarning", None)
    try:
        with warnings.catch_warnings():
            if bomb_warning is not None:  # we apply our own limit just below
                warnings.simplefilter("ignore", bomb_warning)
            # Pillow warns while probing damaged files ("Corrupt EXIF data"
            # from the TIFF plugin, many times over); the file is refused
            # below with one clean error either way.
            warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.")
            im = Image.open(_io.BytesIO(data))
        with im:
            w, h = im.size
            if w * h > max_pixels:
                raise ValueError(f"{spath}: image is {w}×{h} = {w * h} pixels, more than "
                                 f"max_pixels={max_pixels} (a decompression bomb?)")
            if ImageFile.LOAD_TRUNCATED_IMAGES:  # someone relaxed Pillow globally
                raise ValueError(f"{spath}: PIL.ImageFile.LOAD_TRUNCATED_IMAGES is set; "
                                 f"unset it so truncated files are refused")
            im.load()
            return _to_rgb_array(im, spath)
    except ValueError as exc:
        if str(exc).startswith(spath):
            raise
        raise ValueError(_unreadable(spath, data, exc)) from exc
    except Exception as exc:
        if bomb_error is not None and isinstance(exc, bomb_error):
            raise ValueError(f"{spath}: image too large, refused as a decompression bomb "
                             f"({_detail(exc)})") from exc
        if isinstance(exc, (OSError, SyntaxError, EOFError, struct.error, zlib.error,
                            IndexError, KeyError, TypeError)) and \
                not isinstance(exc, FileNotFoundError):
            raise ValueError(_unreadable(spath, data, exc)) from exc
        raise


def _to_rgb_array(im, path: str) -> np.ndarray:
    mode = im.mode
    if mode == "RGB":
        return np.asarray(im, dtype=np.uint8).copy()
    if mode.startswith("I;16"):
        a = np.asarray(im).astype(np.uint16)
        return np.repeat(a[:, :, None], 3, axis=2)
    if mode == "I":
        a = np.asarray(im)
        if a.size and (a.min() < 0 or a.max() > 65535):
            raise ValueError(f"{path}: unsupported image values: a 32-bit integer image with "
                             f"values in [{a.min()}, {a.max()}]; only 0..65535 is read (as "
                             f"uint16), rescale it to 8 or 16 bits first")
        return np.repeat(a.astype(np.uint16)[:, :, None], 3, axis=2)
    if mode == "F":
        raise ValueError(f"{path}: unsupported image mode 'F' (a floating-point image); "
                         f"convert it to 8- or 16-bit first")
    if mode in ("P", "PA"):
        im = im.convert("RGBA")  # applies palette transparency without a warning
    elif mode in ("1", "L", "LA", "La", "RGBA", "RGBa", "RGBX", "CMYK", "YCbCr", "LAB", "HSV"):
        pass
    else:
        raise ValueError(f"{path}: unsupported image mode {mode!r}; convert it to 8- or "
                         f"16-bit RGB or greyscale first")
    try:
        rgb = im.convert("RGB")
    except (ValueError, OSError) as exc:
        raise ValueError(f"{path}: cannot convert mode {mode!r} to RGB ({exc})") from exc
    return np.asarray(rgb, dtype=np.uint8).copy()


# ---- argument checks -----------------------------------------------------------------

def _unit_rgb(x, name, shape) -> np.ndarray:
    """(…, H, W, 3) colours → float64 in [0, 1] (uint8 / uint16 scaled, floats clipped)."""
    a = as_unit(x, name, clip=True)
    if a.shape[-3:] != tuple(shape) + (3,):
        raise ValueError(f"{name} has shape {a.shape}; expected (..., {shape[0]}, {shape[1]}, 3)")
    return a


def _layer_rgb(layers, colors, image):
    """(K, H, W, 3) float colours from ``colors`` or, failing that, the image."""
    k, h, w = layers.shape
    if colors is not None:
        c = _unit_rgb(colors, "colors", (h, w))
        if c.ndim != 4 or c.shape[0] != k:
            raise ValueError(f"colors must have shape ({k}, {h}, {w}, 3), got {c.shape}")
        return c
    if image is None:
        raise ValueError("pass colors (from sss_fast.layer_colors) or the image")
    img = np.asarray(image)
    if img.ndim == 2:
        img = np.repeat(img[:, :, None], 3, axis=2)
    img = _unit_rgb(img[..., :3], "image", (h, w))
    return np.broadcast_to(img, (k, h, w, 3))


def _index(i: int, k: int) -> str:
    """Layer number ``i`` of ``k``, zero-padded to at least two digits."""
    return f"{i:0{max(2, len(str(k - 1)))}d}"


def _to_u8(x) -> np.ndarray:
    return np.clip(np.rint(np.asarray(x) * 255.0), 0, 255).astype(np.uint8)


def _png_bytes(arr: np.ndarray) -> bytes:
    Image = _pil()
    buf = _io.BytesIO()
    Image.fromarray(arr).save(buf, format="PNG")
    return buf.getvalue()


def _rgba(alpha, rgb) -> np.ndarray:
    return np.dstack([_to_u8(rgb), _to_u8(alpha)])


# ---- writers ---------------------------------------------------------------------------

def save_layers_png(directory, layers, colors=None, *, image=None,
                    prefix: str = "layer") -> List[str]:
    """Write one RGBA PNG per layer: ``<directory>/<prefix><i>.png``, i zero-padded
    to at least two digits (``layer00.png``, ``layer01.png``, …).

    Parameters
    ----------
    directory : str or os.PathLike
        Created if missing.
    layers : (K, H, W) float array in [0, 1], or a SegmentResult
        The alphas.
    colors : (K, H, W, 3) array, optional
        Per-layer colours (:func:`sss_fast.layer_colors`), float in [0, 1] or
        uint8. If omitted, every layer takes the colours of ``image``.
    image : (H, W, 3) array, optional, keyword-only
        Used when ``colors`` is None.
    prefix : str, keyword-only
        File name prefix (default ``"layer"``; e.g. ``"photo_layer"`` gives
        ``photo_layer00.png``).

    Returns
    -------
    list of str
        The paths written, in layer order. Alpha is ``round(255 α)``.
    """
    a = as_layers(layers)
    rgb = _layer_rgb(a, colors, image)
    directory = os.fspath(directory)
    os.makedirs(directory, exist_ok=True)
    paths = []
    for i in range(a.shape[0]):
        p = os.path.join(directory, f"{prefix}{_index(i, a.shape[0])}.png")
        data = _png_bytes(_rgba(a[i], rgb[i]))
        with atomic_write(p) as f:
            f.write(data)
        paths.append(p)
    return paths


def _over_alphas(a: np.ndarray) -> np.ndarray:
    """Alphas β such that stacking the layers with normal ("over") blending,
    layer 0 at the bottom, gives Σ α_i F_i: β_i = α_i / Σ_{j≤i} α_j."""
    csum = np.cumsum(a, axis=0)
    return np.where(csum > 0, a / np.where(csum > 0, csum, 1.0), 0.0)


def save_ora(path, layers, colors=None, image=None, *, blend: str = "add",
             names: Optional[Sequence[str]] = None) -> str:
    """Write the layers as an OpenRaster document (GIMP, Krita, MyPaint).

    The file is a zip holding ``mimetype`` (first, uncompressed:
    ``image/openraster``), ``stack.xml``, ``data/layer<i>.png`` (RGBA, one
    per layer, i zero-padded to two digits), ``Thumbnail/thumbnail.png`` (at most 256 px) and
    ``mergedimage.png`` (the composite ``Σ α_i F_i``).

    Parameters
    ----------
    path : str or os.PathLike
        Destination (``.ora``).
    layers : (K, H, W) float array in [0, 1], or a SegmentResult
    colors : (K, H, W, 3) array, optional
        Layer colours from :func:`sss_fast.layer_colors`; if omitted, the
        image's colours are used for every layer.
    image : (H, W, 3) array, optional
        Used when ``colors`` is None.
    blend : {"add", "over"}, keyword-only
        ``"add"`` (default): each PNG's alpha is the layer α itself and the
        layers use ``composite-op="svg:plus"`` — soft layers summing to one
        are meant to be added, and Porter–Duff plus of (F_i, α_i) is exactly
        ``Σ α_i F_i``. ``"over"``: normal blending (``svg:src-over``) with
        alphas ``β_i = α_i / Σ_{j≤i} α_j`` (layer 0 at the bottom, opaque),
        which any viewer composites back to ``Σ α_i F_i``; use it for tools
        that do not implement ``svg:plus`` as Porter–Duff plus.
        :func:`read_ora` undoes either.
    names : sequence of str, optional, keyword-only
        Layer names shown in the editor (default ``"layer <i>"``).

    Returns
    -------
    str
        ``path``.
    """
    a = as_layers(layers)
    k, h, w = a.shape
    rgb = _layer_rgb(a, colors, image)
    if blend not in ("add", "over"):
        raise ValueError(f"blend must be 'add' or 'over', got {blend!r}")
    if names is None:
        names = [f"layer {i}" for i in range(k)]
    names = [str(n) for n in names]
    if len(names) != k:
        raise ValueError(f"names must hold {k} names, got {len(names)}")
    stored = a if blend == "add" else _over_alphas(a)
    op = "svg:plus" if blend == "add" else "svg:src-over"

    merged = np.einsum("khw,khwc->hwc", a, rgb)
    if image is not None and colors is None:
        merged = rgb[0]
    merged_u8 = _to_u8(merged)
    Image = _pil()
    thumb = Image.fromarray(merged_u8)
    thumb.thumbnail((_THUMBNAIL_SIZE, _THUMBNAIL_SIZE))

    root = ET.Element("image", {"version": "0.0.3", "w": str(w), "h": str(h),
                                "xres": "72", "yres": "72"})
    stack = ET.SubElement(root, "stack")
    for i in reversed(range(k)):  # first child is the top of the stack
        ET.SubElement(stack, "layer", {
            "name": names[i], "src": f"data/layer{_index(i, k)}.png", "x": "0", "y": "0",
            "opacity": "1.0", "visibility": "visible", "composite-op": op,
        })
    stack_xml = ET.tostring(root, encoding="utf-8", xml_declaration=True)

    spath = os.fspath(path)
    with atomic_write(spath) as f:
        with zipfile.ZipFile(f, "w") as z:
            z.writestr(zipfile.ZipInfo("mimetype"), _ORA_MIMETYPE,
                       compress_type=zipfile.ZIP_STORED)
            z.writestr("stack.xml", stack_xml, compress_type=zipfile.ZIP_DEFLATED)
            for i in range(k):
                z.writestr(f"data/layer{_index(i, k)}.png", _png_bytes(_rgba(stored[i], rgb[i])),
                           compress_type=zipfile.ZIP_STORED)
            buf = _io.BytesIO()
            thumb.save(buf, format="PNG")
            z.writestr("Thumbnail/thumbnail.png", buf.getvalue(),
                       compress_type=zipfile.ZIP_STORED)
            z.writestr("mergedimage.png", _png_bytes(merged_u8),
                       compress_type=zipfile.ZIP_STORED)
    return spath


def read_ora(path):
    """Read an OpenRaster file written by :func:`save_ora`.

    Returns
    -------
    layers : (K, H, W) float64
        The alphas (``"over"`` alphas converted back to the soft layers).
    colors : (K, H, W, 3) float64
        The layer colours.
    """
    Image = _pil()
    spath = os.fspath(path)
    try:
        with zipfile.ZipFile(spath) as z:
            if z.read("mimetype") != _ORA_MIMETYPE:
                raise ValueError(f"{spath}: not an OpenRaster file (bad mimetype)")
            root = ET.fromstring(z.read("stack.xml"))
            entries = list(root.find("stack").iter("layer"))[::-1]  # bottom first
            alphas, colors, ops = [], [], []
            for e in entries:
                with Image.open(_io.BytesIO(z.read(e.get("src")))) as im:
                    rgba = np.asarray(im.convert("RGBA"), dtype=np.float64) / 255.0
                alphas.append(rgba[..., 3])
                colors.append(rgba[..., :3])
                ops.append(e.get("composite-op", "svg:src-over"))
    except (zipfile.BadZipFile, KeyError, ET.ParseError, AttributeError, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise ValueError(f"{spath}: not a readable OpenRaster file ({exc})") from exc
    a = np.stack(alphas)
    if ops and all(o == "svg:src-over" for o in ops):  # undo the "over" alphas
        rest = np.ones_like(a[0])
        out = np.empty_like(a)
        for i in reversed(range(a.shape[0])):
            out[i] = a[i] * rest
            rest = rest * (1.0 - a[i])
        a = out
    return a, np.stack(colors)


def save_png(path, picture) -> str:
    """Write an (H, W, 3) or (H, W, 4) uint8 picture (e.g. from :mod:`sss_fast.viz`)
    as a PNG, atomically. Returns ``path``."""
    a = np.asarray(picture)
    if a.dtype != np.uint8 or a.ndim != 3 or a.shape[2] not in (3, 4):
        raise ValueError(f"picture must be an (H, W, 3) or (H, W, 4) uint8 array, got "
                         f"{a.dtype} {a.shape}")
    data = _png_bytes(np.ascontiguousarray(a))
    spath = os.fspath(path)
    with atomic_write(spath) as f:
        f.write(data)
    return spath


def save_tiff(path, layers, *, dtype: str = "float32") -> str:
    """Write the alphas as a multi-page TIFF, one page per layer.

    Parameters
    ----------
    path : str or os.PathLike
    layers : (K, H, W) float array in [0, 1], or a SegmentResult
    dtype : {"float32", "uint16", "uint8"}, keyword-only
        Page format: 32-bit float (exact for float32 layers, default), or
        α scaled to 0..65535 / 0..255 and rounded.

    Returns
    -------
    str
        ``path``. Read back with ``PIL.Image.open`` and ``ImageSequence``.
    """
    Image = _pil()
    a = as_layers(layers)
    if dtype == "float32":
        pages = [Image.fromarray(x.astype(np.float32), mode=None) for x in a]
    elif dtype == "uint16":
        pages = [Image.fromarray(np.rint(x * 65535.0).astype(np.uint16)) for x in a]
    elif dtype == "uint8":
        pages = [Image.fromarray(_to_u8(x)) for x in a]
    else:
        raise ValueError(f"dtype must be 'float32', 'uint16' or 'uint8', got {dtype!r}")
    spath = os.fspath(path)
    with atomic_write(spath) as f:
        pages[0].save(f, format="TIFF", save_all=True, append_images=pages[1:],
                      compression="tiff_deflate")
    return spath


def save_npz(path, result_or_layers, *, colors=None, image=None) -> str:
    """Save layers (or a SegmentResult's arrays) as a compressed ``.npz``.

    Parameters
    ----------
    path : str or os.PathLike
        Destination; NumPy's ``.npz`` suffix is not added.
    result_or_layers : SegmentResult or (K, H, W) array
        From a SegmentResult: ``layers``, ``raw_layers``, ``features``, the
        intermediates that are set, and ``timings`` (a JSON string).
    colors : (K, H, W, 3) array, optional, keyword-only
        Layer colours, saved as ``colors``.
    image : (H, W, 3) array, optional, keyword-only
        The input image, saved as ``image``.

    Returns
    -------
    str
        ``path``. Load with ``np.load(path)``.
    """
    arrays = {}
    r = result_or_layers
    if hasattr(r, "layers") and not isinstance(r, np.ndarray):
        arrays["layers"] = np.asarray(r.layers)
        for name in ("raw_layers", "features", "eigenvalues", "eigenvectors", "initial_labels",
                     "components", "grouped"):
            v = getattr(r, name, None)
            if isinstance(v, np.ndarray):
                arrays[name] = v
        timings = getattr(r, "timings", None)
        if isinstance(timings, dict):
            arrays["timings"] = np.array(json.dumps({k: float(v) for k, v in timings.items()}))
    else:
        a = np.asarray(r)
        if a.dtype.kind != "f" or a.ndim != 3:
            raise ValueError(f"result_or_layers must be a SegmentResult or a (K, H, W) float "
                             f"array, got {a.dtype} {a.shape}")
        arrays["layers"] = a
    if colors is not None:
        arrays["colors"] = np.asarray(colors)
    if image is not None:
        arrays["image"] = np.asarray(image)
    spath = os.fspath(path)
    with atomic_write(spath) as f:
        np.savez_compressed(f, **arrays)
    return spath

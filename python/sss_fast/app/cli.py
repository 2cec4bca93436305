"""The ``sss-fast`` command line (also ``python -m sss_fast``).

    sss-fast segment photo.jpg -o out/ [--features F.npy] [--layers 5] [--format png,ora,npz]
    sss-fast batch IN_DIR OUT_DIR [--workers N | --scheduler tcp://host:8786]
    sss-fast demo [-o out/]

Without ``--format`` every command writes ``png,ora``: one RGBA PNG per layer
and the layered OpenRaster file, plus the JSON manifest.

Exit codes: 0 success, 1 other failure (or some images failed in a batch),
2 usage error, 3 unreadable or unfit input, 4 a missing optional extra,
130 interrupted. Errors are one line on stderr, without a traceback
(``SSS_FAST_DEBUG=1`` shows it).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import warnings
from dataclasses import replace
from pathlib import Path
from typing import List, Optional

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INPUT, EXIT_EXTRA, EXIT_INTERRUPT = 0, 1, 2, 3, 4, 130
PROG = "sss-fast"

__all__ = ["main", "build_parser", "Progress", "CLIError"]


class CLIError(Exception):
    """A failure reported as one line with a given exit code."""

    def __init__(self, message: str, code: int = EXIT_ERROR):
        super().__init__(message)
        self.code = code


# --------------------------------------------------------------------------- progress

class Progress:
    """A one-line stage display on a terminal: ``[3/8] eigenvectors   12.4 s``.

    Silent unless ``enabled`` (default: the stream is a TTY). A background
    ticker refreshes the clock twice a second while a long native stage runs
    (native stages release the GIL).
    """

    def __init__(self, stream=None, enabled: Optional[bool] = None, label: str = ""):
        self.stream = sys.stderr if stream is None else stream
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled
        self.label = label
        self._lock = threading.Lock()
        self._stage = ""
        self._t0 = self._ts = time.perf_counter()
        self._stop = threading.Event()
        self._thread = None
        self._width = 0

    def __enter__(self):
        if self.enabled:
            self._thread = threading.Thread(target=self._tick, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __call__(self, stage: str, index: int, total: int) -> None:
        with self._lock:
            self._stage = f"[{index + 1}/{total}] {stage}"
            self._ts = time.perf_counter()
        self._draw()

    def _tick(self):
        while not self._stop.wait(0.5):
            self._draw()

    def _draw(self):
        if not self.enabled:
            return
        with self._lock:
            now = time.perf_counter()
            text = (f"{self.label}{self._stage:<24} {now - self._ts:6.1f} s "
                    f"(total {now - self._t0:6.1f} s)")
            pad = max(0, self._width - len(text))
            self._width = len(text)
            try:
                self.stream.write("\r" + text + " " * pad)
                self.stream.flush()
            except (OSError, ValueError):
                self.enabled = False

    def close(self):
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self.enabled and self._width:
            with self._lock:
                try:
                    self.stream.write("\r" + " " * self._width + "\r")
                    self.stream.flush()
                except (OSError, ValueError):
                    pass
                self._width = 0


# --------------------------------------------------------------------------- parser

def _positive(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return v


def _layers(text: str):
    """A positive integer, or "auto" (the count chosen from the data)."""
    return "auto" if text == "auto" else _positive(text)


def _seed(text: str) -> int:
    try:
        v = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer seed, got {text!r}") from None
    if not 0 <= v < 2**64:
        raise argparse.ArgumentTypeError("the seed must lie in [0, 2**64)")
    return v


def _formats(text: str) -> List[str]:
    from .export import parse_formats

    try:
        return parse_formats(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_common(p: argparse.ArgumentParser, *, default_format: Optional[str] = None) -> None:
    from .export import DEFAULT_FORMATS

    # Without --format: the RGBA PNGs and the same layers as one OpenRaster
    # file, the layered document GIMP and Krita open as a stack.
    default_format = default_format or ",".join(DEFAULT_FORMATS)
    g = p.add_argument_group("segmentation")
    g.add_argument("--method", choices=("sss", "spectral-matting"), default="sss",
                   help="semantic soft segmentation (default) or the spectral matting baseline")
    g.add_argument("--layers", type=_layers, metavar="K",
                   help="number of layers, or auto to choose it from the image (default 5; "
                        "spectral matting: groups the components, needs features, no auto)")
    g.add_argument("--seed", type=_seed, default=0x5EED_2018,
                   help="random seed (same input and seed give identical layers)")
    g.add_argument("--fast", action="store_true",
                   help="quick preview: the spectral part at half resolution, the relaxed "
                        "stage at full resolution (about 2x faster at 640x640, softer transitions)")
    g.add_argument("--full-resolution", action="store_true",
                   help="run the spectral part at full resolution at any size (default: images "
                        "over 2048x2048 pixels run it downsampled, as --fast does, to bound "
                        "its time and memory)")
    g.add_argument("--threads", type=_positive, metavar="N",
                   help="native threads (default: all cores; batch workers: cores / workers)")
    o = p.add_argument_group("output")
    o.add_argument("--format", dest="formats", type=_formats, default=_formats(default_format),
                   metavar="LIST", help="comma separated subset of png (one RGBA PNG per "
                   "layer, estimated layer colours), ora (OpenRaster, for GIMP/Krita), tiff "
                   f"(float32 alphas), npz (raw layers) (default {default_format})")
    o.add_argument("--preview", action="store_true", help="also write a contact sheet PNG (input | features | layers | palette)")
    o.add_argument("-q", "--quiet", action="store_true", help="no progress and no summary line")
    # Advanced knobs (hidden): smaller problems for quick runs and tests.
    s = argparse.SUPPRESS
    p.add_argument("--superpixels", type=_positive, help=s)
    p.add_argument("--eigenvectors", type=_positive, help=s)
    p.add_argument("--components", type=_positive, help=s)
    p.add_argument("--iterations", type=_positive, help=s)
    p.add_argument("--relaxed-iterations", type=int, help=s)


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog=PROG, description="Semantic soft segmentation (Aksoy et al. 2018) of images "
        "into soft layers.",
        epilog="exit codes: 0 ok, 1 failure, 2 usage, 3 unreadable input, 4 missing extra")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    seg = sub.add_parser("segment", help="segment one image",
                         description="Segment one image into soft layers.")
    seg.add_argument("image", help="input image (jpg, png, tif)")
    seg.add_argument("-o", "--out", default=".", metavar="DIR",
                     help="output folder (default: current folder)")
    seg.add_argument("--features", metavar="FILE",
                     help="precomputed features: .npy/.npz (H×W×D) or an image whose pixels are "
                          "the 3 reduced channels (default: the built-in extractor, needs torch)")
    _add_common(seg)

    bat = sub.add_parser("batch", help="segment every image of a folder (resumable)",
                         description="Segment every jpg/png/tif in IN_DIR into OUT_DIR. Images "
                         "whose outputs in the chosen formats exist are skipped; a failing "
                         "image does not stop the batch; OUT_DIR/batch_summary.json lists "
                         "every outcome.")
    bat.add_argument("in_dir", metavar="IN_DIR")
    bat.add_argument("out_dir", metavar="OUT_DIR")
    par = bat.add_mutually_exclusive_group()
    par.add_argument("--workers", type=_positive, default=1, metavar="N",
                     help="local worker processes (default 1: in this process)")
    par.add_argument("--scheduler", metavar="ADDRESS",
                     help='Dask distributed scheduler, e.g. tcp://10.0.0.5:8786 (needs '
                          'pip install "sss-fast[distributed]")')
    bat.add_argument("--features-dir", metavar="DIR",
                     help="folder of precomputed features named <image stem>.npy/.npz/.png")
    bat.add_argument("--overwrite", action="store_true",
                     help="recompute images whose outputs already exist")
    _add_common(bat)

    demo = sub.add_parser("demo", help="run on an example image that ships with scikit-image",
                          description="Segment scikit-image's astronaut photo (downsampled) with "
                          "the default features; needs torch and scikit-image.")
    demo.add_argument("-o", "--out", default="sss-fast-demo", metavar="DIR",
                      help="output folder (default: ./sss-fast-demo)")
    demo.add_argument("--size", type=_positive, default=160, metavar="PX",
                      help="longest side after downsampling (default 160, about a minute)")
    _add_common(demo)
    return parser


# --------------------------------------------------------------------------- commands

def _params(args):
    from ..edge.params import Params

    p = Params()
    changes = {}
    if args.superpixels:
        changes["n_superpixels"] = args.superpixels
    if args.eigenvectors and args.method == "sss":
        changes["n_eigenvectors"] = args.eigenvectors
    if args.components and args.method == "sss":
        changes["n_initial_components"] = args.components
    if args.iterations and args.method == "sss":
        changes["constrained_iterations"] = args.iterations
    if args.relaxed_iterations is not None:
        changes["relaxed_iterations"] = args.relaxed_iterations
    if args.fast:
        if args.method != "sss":
            raise CLIError("--fast is a setting of --method sss", EXIT_USAGE)
        from ..pipeline import PRESETS

        changes.update(PRESETS["fast"])
    if args.full_resolution:
        if args.method != "sss" or args.fast:
            raise CLIError("--full-resolution is a setting of --method sss without --fast",
                           EXIT_USAGE)
        changes["spectral_max_pixels"] = None
    try:
        return replace(p, **changes)
    except (TypeError, ValueError) as exc:
        raise CLIError(str(exc), EXIT_USAGE) from None


def _job_options(args, features_given: bool):
    from .batch import JobOptions

    if args.method == "spectral-matting" and args.layers == "auto":
        raise CLIError("--layers auto is for --method sss; spectral matting groups into a "
                       "given number of layers", EXIT_USAGE)
    if args.method == "spectral-matting" and args.layers and not features_given:
        raise CLIError("--layers with --method spectral-matting groups components by their "
                       "features: pass --features (or --features-dir), or leave --layers out",
                       EXIT_USAGE)
    kw = {}
    if args.method == "spectral-matting":
        kw = {k: v for k, v in (("n_components", args.components),
                                ("n_eigenvectors", args.eigenvectors),
                                ("iterations", args.iterations)) if v}
    return JobOptions(method=args.method, n_layers=args.layers, seed=args.seed,
                      params=_params(args), formats=tuple(args.formats), preview=args.preview,
                      threads=args.threads, **kw)


def _need_torch(what: str) -> None:
    from .. import features

    if not features.torch_available():
        raise CLIError(f"{what} needs PyTorch for the default semantic features; install it "
                       f"with: {features.INSTALL_HINT}  (or pass --features FILE)", EXIT_EXTRA)


def _check_input(image, feats, method):
    """Validate up front so that bad input is exit 3, not a late failure."""
    from ..edge import validate

    try:
        img = validate.as_image(image, "image")
        if feats is not None:
            f = validate.as_features(feats, img.shape, "features")
            if f.shape[2] == 3 and (f.min() < 0.0 or f.max() > 1.0):
                raise ValueError("features have 3 channels, so they are taken as already "
                                 f"reduced, but lie in [{f.min():.4g}, {f.max():.4g}] instead "
                                 "of [0, 1]")
    except (TypeError, ValueError) as exc:
        raise CLIError(str(exc), EXIT_INPUT) from None


def _run_one(args, image, feats, out_dir: Path, stem: str, name: str) -> int:
    from . import export
    from .batch import compute, summarize_info
    from ..pipeline import STAGES

    opts = _job_options(args, feats is not None)
    if feats is None and args.method == "sss":
        _need_torch(f"segmenting {name}")
    _check_input(image, feats, args.method)
    show = not args.quiet
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with Progress(enabled=None if show else False, label=f"{name} ") as prog:
            res = compute(image, feats, opts, progress=prog)
            colors = color_info = None
            if export.needs_colors(opts.formats, opts.preview):
                prog("layer colours", len(STAGES), len(STAGES) + 1)
                colors, color_info = export.estimate_colors(image, res.layers)
    msgs = sorted({str(w.message).splitlines()[0] for w in caught})
    if show:
        for m in msgs:
            print(f"{PROG}: warning: {m}", file=sys.stderr)
    manifest = {"input": name, "method": opts.method, "seed": opts.seed,
                **summarize_info(res), "warnings": msgs}
    if color_info is not None:
        manifest["colors"] = color_info
    files = export.export(res.layers, image, out_dir, stem, opts.formats, opts.preview,
                           manifest, colors=colors, features=res.features)
    if show:
        print(f"{name}: {res.layers.shape[0]} layers in {res.timings['total']:.1f} s; "
              f"wrote {len(files)} files to {out_dir}", file=sys.stderr)
    return EXIT_OK


def cmd_segment(args) -> int:
    from . import export

    path = Path(args.image)
    image = _read(path)
    feats = None
    if args.features:
        feats = _guard_input(lambda: export.read_features(
            args.features, image.shape, name=f"--features {args.features}"))
    return _run_one(args, image, feats, Path(args.out), path.stem, path.name)


def _read(path):
    from . import export

    return _guard_input(lambda: export.read_image(path))


def _guard_input(fn):
    from . import export

    try:
        return fn()
    except export.InputError as exc:
        raise CLIError(str(exc), EXIT_INPUT) from None


def cmd_demo(args) -> int:
    try:
        from skimage import data
    except ImportError:
        raise CLIError("the demo needs scikit-image for its example photo; install it with: "
                       "pip install scikit-image", EXIT_EXTRA) from None
    if args.method == "sss":
        _need_torch("the demo")
    import numpy as np
    from PIL import Image

    img = np.asarray(data.astronaut())
    h, w = img.shape[:2]
    s = min(1.0, args.size / max(h, w))
    if s < 1.0:
        img = np.asarray(Image.fromarray(img).resize((max(8, round(w * s)), max(8, round(h * s))),
                                                     Image.LANCZOS))
    args.preview = True
    out = Path(args.out)
    code = _run_one(args, np.ascontiguousarray(img), None, out, "astronaut", "astronaut")
    if not args.quiet:
        print(f"demo: see {out / 'astronaut_preview.png'}", file=sys.stderr)
    return code


def cmd_batch(args) -> int:
    from . import export
    from .batch import DISTRIBUTED_HINT, check_folders, run_batch

    if args.scheduler:
        try:
            import dask.distributed  # noqa: F401
        except ImportError:
            raise CLIError(f"--scheduler needs Dask distributed; install it with: "
                           f"{DISTRIBUTED_HINT}", EXIT_EXTRA) from None
    opts = _job_options(args, args.features_dir is not None)
    log = None if args.quiet else (lambda line: print(line, file=sys.stderr, flush=True))
    try:
        # A wrong folder is reported (exit 3) before a missing extra (exit 4).
        check_folders(args.in_dir, args.features_dir)
        if args.features_dir is None and args.method == "sss":
            _need_torch("batch without --features-dir")
        summary = run_batch(args.in_dir, args.out_dir, opts, workers=args.workers,
                            scheduler=args.scheduler, features_dir=args.features_dir,
                            overwrite=args.overwrite, log=log)
    except export.InputError as exc:
        raise CLIError(str(exc), EXIT_INPUT) from None
    if not args.quiet:
        print(f"batch: {summary['succeeded']} succeeded, {summary['failed']} failed, "
              f"{summary['skipped']} skipped in {summary['seconds']:.1f} s "
              f"(summary: {summary['summary_file']})", file=sys.stderr)
    return EXIT_OK if summary["failed"] == 0 else EXIT_ERROR


def main(argv: Optional[List[str]] = None) -> int:
    """Entry point of ``sss-fast``; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help/--version (0) or usage errors (2)
        return int(exc.code or 0)
    commands = {"segment": cmd_segment, "batch": cmd_batch, "demo": cmd_demo}
    try:
        return commands[args.command](args)
    except CLIError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print(f"\n{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPT
    except ImportError as exc:
        if os.environ.get("SSS_FAST_DEBUG"):
            raise
        print(f"{PROG}: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_EXTRA
    except Exception as exc:
        if os.environ.get("SSS_FAST_DEBUG"):
            raise
        print(f"{PROG}: error: {type(exc).__name__}: {_one_line(exc)}", file=sys.stderr)
        return EXIT_ERROR


def _one_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def console_main() -> None:  # pragma: no cover - the console-script wrapper
    sys.exit(main())

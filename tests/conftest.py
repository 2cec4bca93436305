"""Shared test fixtures. Test data is read from ../shared/data (never copied)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

DATA_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data"
DOCIA = DATA_DIR / "docia.png"


def load_docia():
    """The docia photo and its reduced features, each 640×640×3 float64 in [0, 1]."""
    if not DOCIA.exists():
        pytest.skip(f"test data not found at {DOCIA}")
    Image = pytest.importorskip("PIL.Image")
    with Image.open(DOCIA) as im:
        a = np.asarray(im.convert("RGB"), dtype=np.float64) / 255.0
    return np.ascontiguousarray(a[:, :640]), np.ascontiguousarray(a[:, 640:])


@pytest.fixture(scope="session")
def docia():
    return load_docia()


@pytest.fixture(scope="session")
def docia_half(docia):
    """docia at 320×320 (2×2 box-averaged image and features)."""
    img, feat = docia

    def half(a):
        return np.ascontiguousarray(a.reshape(320, 2, 320, 2, 3).mean(axis=(1, 3)))

    return half(img), half(feat)

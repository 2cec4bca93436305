"""The application around the library: command line, batch runs, files, pictures.

:mod:`.cli` (``sss-fast``, ``python -m sss_fast``), :mod:`.batch` (folders of
images, processes or dask), :mod:`.io` (PNG/ORA/TIFF/NPZ), :mod:`.viz`
(palettes, composites, contact sheets) and :mod:`.export` (what a run writes).
"""

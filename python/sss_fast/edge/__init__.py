"""The edge of the package: what comes in is checked here, once.

* :mod:`.validate` — the one input policy (dtypes, shapes, ranges, NaN/inf);
* :mod:`.params` — the parameters, their defaults read from the native options;
* :mod:`.status` — the one way a stage reports a solver that stopped short;
* :mod:`.resources` — the memory check before any heavy work.

The stage modules (:mod:`sss_fast.stages`) call these at their public entry
points and trust what comes out.
"""

"""Parameters of Semantic Soft Segmentation.

One frozen dataclass; every field documents its default and where it comes
from. The defaults equal SPEC.md's reference values except for the few
quality departures marked "departure" below (README, "Where we differ from
the paper", gives each one's measured effect); :meth:`Params.reference`
gives the paper's reference values throughout. Build variants with
:func:`dataclasses.replace`::

    from dataclasses import replace
    p = replace(sss_fast.Params(), n_superpixels=1500)
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Optional, Tuple, Union

from .._native import core

# The native stages' options hold the defaults of every field that passes
# straight into them (written once, in cpp/*/*.hpp); the fields that only the
# Python stages use have theirs here.
_SLIC = core.SlicOptions()
_LAP = core.LaplacianOptions()
_EIG = core.EigsOptions()
_CON = core.ConstrainedOptions()
_GRP = core.GroupingOptions()
_REL = core.RelaxedOptions()
_GF = core.GuidedFilterOptions()

#: Names of the eigen stage's Krylov drivers (cpp/spectral/eigs.hpp, kMethodNames).
EIG_METHODS = tuple(core.EigenMethod.__members__)

#: Default of ``Params.spectral_max_pixels`` (2048², 4.2 MP), chosen by
#: measurement (README, "Where we differ from the paper").
DEFAULT_SPECTRAL_MAX_PIXELS = 2048 * 2048
#: Smallest cap accepted: below it the spectral part has too few pixels for
#: its superpixels and eigenvectors.
MIN_SPECTRAL_PIXELS = 32 * 32
#: The spectral part never runs on an image with a side shorter than this.
MIN_SPECTRAL_SIDE = 16

__all__ = ["Params", "EIG_METHODS"]


@dataclass(frozen=True)
class Params:
    # --- matting affinity (SPEC §1) -------------------------------------------
    #: Regulariser of the local colour model (Levin et al.). Default 1e-7.
    matting_eps: float = _LAP.matting_eps

    # --- superpixels (SPEC §2) ------------------------------------------------
    #: Target number of SLICO superpixels, whatever the image size. Default 2500.
    n_superpixels: int = _SLIC.n_segments
    #: SLIC iterations. Default 10.
    slic_iterations: int = _SLIC.iterations

    # --- nonlocal colour affinity (SPEC §3) -------------------------------------
    #: Steepness a_c of the erf. Default 50.
    color_a: float = _LAP.color_a
    #: Offset b_c of the erf. Default 0.95.
    color_b: float = _LAP.color_b
    #: Pairs of superpixels farther apart than this (normalised coordinates) get
    #: no colour affinity. Default 0.2.
    color_radius: float = _LAP.color_radius

    # --- semantic affinity (SPEC §4) --------------------------------------------
    #: Steepness a_s of the erf. Default 20.
    semantic_a: float = _LAP.semantic_a
    #: Offset b_s of the erf. Default 0.85 (the reference; the paper says 0.8).
    semantic_b: float = _LAP.semantic_b

    # --- Laplacian (SPEC §5) ----------------------------------------------------
    #: Weight σ_S of the semantic affinity. Default 0.01 (the paper). 0 drops
    #: it: the eigenvectors then hold thin structures better on synthetic
    #: scenes, but on real photos objects split and layer boundaries through
    #: flat regions trace JPEG blocks (README, issue 23).
    sigma_semantic: float = _LAP.sigma_semantic
    #: Weight σ_C of the nonlocal colour affinity. Default 0.01 (the paper).
    sigma_color: float = _LAP.sigma_color

    # --- eigenvectors (SPEC §6) -------------------------------------------------
    #: Number of eigenvectors of L closest to zero. Default 100.
    n_eigenvectors: int = _EIG.n_wanted
    #: Relative residual ‖Le − λe‖/‖L‖₁ each eigenpair must reach. Default 1e-6.
    #: The Krylov solver stops at half of it (its stopping rule bounds this
    #: residual), so it also sets how long the eigen stage runs.
    eig_tolerance: float = 1e-6
    #: When the block Krylov driver stops: "residual" (default) when every
    #: wanted pair's true residual ‖Le − λe‖/‖L‖₁, computed exactly from the
    #: Krylov decomposition at each restart, is at most eig_tolerance / 2;
    #: "bound" when the shift-inverted residual bounds it (‖T e − θ e‖ ≤
    #: θ·eig_tolerance/2, the earlier rule: the same bar, reached later).
    eig_stopping: str = "residual"
    #: Krylov driver: "block" (block Krylov over block solves, fast) or
    #: "lanczos" (Spectra's implicitly restarted Lanczos, one vector at a time).
    eig_method: str = _EIG.method.name
    #: Block size of the block Krylov driver. Default 16.
    eig_block: int = _EIG.block
    #: Storage of the block Krylov basis: "auto" (default: float32 from
    #: 65 536 pixels, float64 below), "float32" or "float64". All arithmetic
    #: is double either way; float32 halves the basis' memory and traffic
    #: (docia 640²: peak 1.83 → 1.46 GB). Its rounding enters the Krylov
    #: recurrence about as ε₃₂/√N relative to ‖(L − σ)⁻¹‖, so it is kept for
    #: large images only: from 256² the eigenvalues agree with float64 to
    #: 1e-11 and the residuals are the same; at 48² they miss the 1e-6 bar.
    eig_basis: str = "auto"

    #: The spectral part (superpixels, Laplacian, eigenvectors, constrained
    #: sparsification, grouping) runs on the image downsampled by this factor
    #: (area average); the grouped layers are upsampled (bilinear) and the
    #: relaxed sparsification runs at full resolution. 1 (default) is the
    #: paper; 2 is ``segment(..., preset="fast")``, for previews.
    spectral_scale: int = 1
    #: Largest image the spectral part runs on, in pixels. A larger image is
    #: downsampled by the smallest integer factor (at least ``spectral_scale``)
    #: that brings it under this, as ``spectral_scale`` does, so the eigen
    #: stage — a sparse factorisation, N^1.5 in flops, and most of the
    #: memory — stops growing with the image; the relaxed stage still runs
    #: at full resolution. Default 4 194 304 (2048²; departure, see the
    #: README): a 12 MP photo runs its spectral part at 3 MP, estimated at
    #: 16 GiB instead of 52 GiB. Images up to the cap are unaffected. None
    #: runs every size at full resolution (the paper).
    spectral_max_pixels: Optional[int] = DEFAULT_SPECTRAL_MAX_PIXELS

    # --- constrained sparsification (SPEC §7) -----------------------------------
    #: Feature directions proposed for the eigenbasis (``sss_fast.stages.subspace``):
    #: k-means clusters of the features whose guided-filtered indicator the
    #: eigenvectors cannot express are added by Rayleigh–Ritz, so objects
    #: that only the features tell apart can form components. Default 0 (off,
    #: the paper; 6 helped camouflaged synthetic objects and was reverted with
    #: the other issue-15 departures on the real photos, README issue 23).
    feature_subspace: int = 0
    #: A proposal is kept only when the features jump along its edge: mean
    #: feature gradient there at least this times its median inside. Default 3.5.
    feature_subspace_min_contrast: float = 3.5
    #: Relative part of a proposal orthogonal to the eigenvectors it needs to
    #: be added. Default 0.3.
    feature_subspace_min_residual: float = 0.3
    #: Initial components K₀ from k-means on the features. Default 40.
    n_initial_components: int = 40
    #: What the initial k-means clusters: "features" (default, the paper: the
    #: per-pixel features alone) or "features+eigenvectors" (the features
    #: next to the ``init_eigenvectors`` smoothest
    #: non-constant eigenvectors scaled by 1/sqrt(|λ|), as spectral matting
    #: starts, each block scaled to unit total variance, the features
    #: weighted by ``init_feature_weight``).
    initial_points: str = "features"
    #: Weight of the feature block in "features+eigenvectors". Default 2.
    init_feature_weight: float = 2.0
    #: Eigenvectors used by "features+eigenvectors". Default 20.
    init_eigenvectors: int = 20
    #: IRLS iterations. Default 40.
    constrained_iterations: int = _CON.iterations
    #: Sparsity exponent γ. Default 0.8.
    sparsity_gamma: float = _CON.gamma
    #: Weights w₀ = w₁ of the sparsity terms. Default 0.3.
    sparsity_weight: float = _CON.w0
    #: Floor τ inside the IRLS weights. Default 1e-10.
    sparsity_floor: float = _CON.floor
    #: Components whose max |α| is at or below this are dropped. Default 0.1.
    prune_threshold: float = _CON.prune_threshold
    #: Prune after these (1-based) iterations. Default (11, 21, 31).
    prune_after: Tuple[int, ...] = tuple(_CON.prune_after)
    #: Run the IRLS on every s-th pixel row and column only, with the
    #: eigenvalues scaled by the sampled fraction, and lift the components to
    #: every pixel through their eigenbasis coefficients (a departure from the
    #: paper, for speed; 1 = every pixel, the reference). Default "auto": the
    #: largest s <= 4 that leaves at least ``constrained_min_samples`` pixels
    #: (4 at 640×640, 2 at 320×320, 1 below 226×226).
    constrained_stride: Union[int, str] = "auto"
    #: Fewest sampled pixels the "auto" stride keeps. Default 25600 (160²).
    constrained_min_samples: int = 25600

    # --- grouping (SPEC §8) ------------------------------------------------------
    #: Number of output layers, or "auto": as many (2 … ``auto_max_layers``)
    #: as the components' descriptors keep at least ``auto_min_distance``
    #: apart. Default 5.
    n_layers: Union[int, str] = _GRP.n_layers
    #: What the components are grouped by: "features" (default, the paper:
    #: k-means of the alpha-weighted mean features) or "features+colour"
    #: (mass-weighted k-means of the mean feature next to the mean colour
    #: weighted by ``grouping_colour_weight``; components lighter than
    #: ``grouping_min_mass`` take no part in the clustering and join the
    #: nearest group afterwards, so no layer is near-empty).
    grouping: str = "features"
    #: Weight of the mean colour (RGB in [0, 1]) in "features+colour". Default 1.
    grouping_colour_weight: float = 1.0
    #: Weight of the component's centroid (row, col divided by the longer
    #: side) in "features+colour". Default 0.
    grouping_position_weight: float = 0.0
    #: Mass (Σ_p max(α_p, 0), as a fraction of the pixels) below which a
    #: component does not seed a group in "features+colour". Default 0.002.
    grouping_min_mass: float = 0.002
    #: With a fixed n_layers (either grouping): a layer whose components weigh
    #: less than this fraction of the pixels (a speck) is merged into the
    #: nearest group and the layer it frees splits the group of largest
    #: mass-weighted spread in two (the one most likely to hold two
    #: objects); 0 turns it off. Default 0.01.
    grouping_min_layer_mass: float = 0.01
    #: "features+colour" with a fixed n_layers: groups whose descriptors are
    #: closer than this are merged (fewer layers, with a warning). Default 0.05.
    grouping_merge_distance: float = 0.05
    #: Upper bound of the layer count chosen by ``n_layers="auto"``. Default 8.
    auto_max_layers: int = 8
    #: "auto" keeps the largest layer count whose group descriptors (mean
    #: feature, colour) are all at least this far apart. Default 0.4 (the bench
    #: scenes get their true count at 0.25–0.4, save hair 3 for 2 and
    #: translucent 4 for 3; scikit-image photos get 5–6 at 0.4 and always the
    #: cap, 8, at 0.25).
    auto_min_distance: float = 0.4

    # --- relaxed sparsification (SPEC §9) ---------------------------------------
    #: Clean-up thresholds before the relaxed stage. Defaults 0.1 and 0.9.
    clean_low: float = _REL.clean_low
    clean_high: float = _REL.clean_high
    #: Weight λ of the sum-to-one term. Default 100.
    sum_to_one_weight: float = _REL.lambda_
    #: Outer IRLS iterations. Default 20.
    relaxed_iterations: int = _REL.iterations
    #: Floor inside the relaxed IRLS weights. Default 0.01.
    relaxed_floor: float = _REL.floor
    #: γ̃ = gamma_base + min(|∇I|, gamma_gradient_cap). Defaults 0.9 and 0.1.
    gamma_base: float = _REL.gamma_base
    gamma_gradient_cap: float = _REL.gamma_cap
    #: Relative residual each inner PCG solve reaches. Default 1e-6.
    cg_tolerance: float = _REL.cg_tolerance
    #: Iteration cap of each inner PCG solve. Default 1000.
    cg_max_iterations: int = _REL.cg_max_iterations

    # --- feature reduction (SPEC §10) -------------------------------------------
    #: Raw features are clamped to ±this. Default 5.
    feature_clamp: float = 5.0
    #: Guided filter window (pixels, square) and regulariser. Defaults 10, 0.01.
    guided_window: int = _GF.window
    guided_eps: float = _GF.eps

    def __post_init__(self) -> None:
        def positive(name: str) -> None:
            v = getattr(self, name)
            if not v > 0:
                raise ValueError(f"Params.{name} must be > 0, got {v!r}")

        for f in fields(self):
            v = getattr(self, f.name)
            if f.type in ("int",) and (isinstance(v, bool) or not isinstance(v, int)):
                raise TypeError(f"Params.{f.name} must be an int, got {type(v).__name__}")
        for name in (
            "matting_eps", "n_superpixels", "slic_iterations", "color_a", "color_radius",
            "semantic_a", "n_eigenvectors", "eig_tolerance", "n_initial_components",
            "constrained_iterations", "constrained_min_samples", "sparsity_gamma",
            "sparsity_weight", "sparsity_floor", "sum_to_one_weight", "relaxed_floor",
            "gamma_base",
            "cg_tolerance", "cg_max_iterations", "feature_clamp", "guided_window", "guided_eps",
        ):
            positive(name)
        for name in ("sigma_semantic", "sigma_color", "relaxed_iterations", "gamma_gradient_cap"):
            if getattr(self, name) < 0:
                raise ValueError(f"Params.{name} must be >= 0, got {getattr(self, name)!r}")
        if not 0 <= self.clean_low < self.clean_high <= 1:
            raise ValueError("Params.clean_low and clean_high need 0 <= clean_low < clean_high <= 1")
        if self.eig_basis not in ("auto", "float32", "float64"):
            raise ValueError("Params.eig_basis must be 'auto', 'float32' or 'float64'")
        if self.eig_method not in EIG_METHODS:
            raise ValueError(f"Params.eig_method must be one of {EIG_METHODS}, "
                             f"got {self.eig_method!r}")
        if self.eig_stopping not in ("residual", "bound"):
            raise ValueError("Params.eig_stopping must be 'residual' or 'bound'")
        if self.eig_block < 1:
            raise ValueError("Params.eig_block must be >= 1")
        if self.n_eigenvectors < 2:
            raise ValueError("Params.n_eigenvectors must be at least 2")
        if self.n_initial_components < 2:
            raise ValueError("Params.n_initial_components must be at least 2")
        stride = self.constrained_stride
        if not (stride == "auto" or (isinstance(stride, int) and not isinstance(stride, bool)
                                     and stride >= 1)):
            raise ValueError("Params.constrained_stride must be 'auto' or an int >= 1 "
                             f"(1 = every pixel, the paper's reference), got {stride!r}")
        if self.spectral_scale not in (1, 2, 3, 4):
            raise ValueError("Params.spectral_scale must be 1 (full resolution), 2, 3 or 4, "
                             f"got {self.spectral_scale!r}")
        cap = self.spectral_max_pixels
        if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int)
                                or cap < MIN_SPECTRAL_PIXELS):
            raise ValueError(f"Params.spectral_max_pixels must be None (no cap) or an int >= "
                             f"{MIN_SPECTRAL_PIXELS}, got {cap!r}")
        if self.n_layers != "auto" and (isinstance(self.n_layers, bool)
                                        or not isinstance(self.n_layers, int)
                                        or self.n_layers < 1):
            raise ValueError(f"Params.n_layers must be a positive int or 'auto', got "
                             f"{self.n_layers!r}")
        if self.initial_points not in ("features", "features+eigenvectors"):
            raise ValueError("Params.initial_points must be 'features' (reference) or "
                             f"'features+eigenvectors', got {self.initial_points!r}")
        if self.grouping not in ("features", "features+colour"):
            raise ValueError("Params.grouping must be 'features' (reference) or "
                             f"'features+colour', got {self.grouping!r}")
        for name in ("init_feature_weight", "grouping_colour_weight", "grouping_position_weight",
                     "grouping_min_mass", "grouping_merge_distance", "feature_subspace_min_residual",
                     "grouping_min_layer_mass",
                     "feature_subspace_min_contrast",
                     "auto_min_distance"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not v >= 0 \
                    or v == float("inf"):
                raise ValueError(f"Params.{name} must be a finite number >= 0, got {v!r}")
        if self.grouping_min_layer_mass >= 1:
            raise ValueError("Params.grouping_min_layer_mass is a fraction of the pixels; it "
                             f"must be < 1, got {self.grouping_min_layer_mass!r}")
        if self.grouping_min_mass >= 1:
            raise ValueError("Params.grouping_min_mass is a fraction of the pixels; it must be "
                             f"< 1, got {self.grouping_min_mass!r}")
        if self.feature_subspace < 0:
            raise ValueError("Params.feature_subspace must be >= 0 (0 turns it off)")
        if self.init_eigenvectors < 1:
            raise ValueError("Params.init_eigenvectors must be >= 1")
        if self.auto_max_layers < 2:
            raise ValueError("Params.auto_max_layers must be at least 2")
        if any(not isinstance(i, int) or i < 1 for i in self.prune_after):
            raise ValueError("Params.prune_after must hold 1-based iteration numbers")

    def spectral_factor(self, height: int, width: int) -> int:
        """The factor the spectral part of an image of this size is downsampled
        by: ``spectral_scale``, raised until the downsampled image has at most
        ``spectral_max_pixels`` pixels, lowered so that its shorter side keeps
        at least 16 pixels (1 = full resolution)."""
        h, w = max(1, int(height)), max(1, int(width))
        f = self.spectral_scale
        cap = self.spectral_max_pixels
        if cap is not None:
            while (-(-h // f)) * (-(-w // f)) > cap:
                f += 1
        return max(1, min(f, min(h, w) // MIN_SPECTRAL_SIDE))

    @classmethod
    def reference(cls, **changes) -> "Params":
        """The paper's reference values throughout (SPEC.md), undoing every departure.

        ``Params.reference(n_layers=4)`` also applies ``changes``.
        """
        ref = dict(sigma_semantic=0.01, sigma_color=0.01, initial_points="features",
                   grouping="features", feature_subspace=0, constrained_stride=1,
                   spectral_max_pixels=None, grouping_min_layer_mass=0.0)
        ref.update(changes)
        return cls(**ref)

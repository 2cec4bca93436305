"""The stages of Semantic Soft Segmentation, in the order data flows through them.

superpixels → affinity / laplacian → spectral (eigenvectors) → subspace,
initialisation, kmeans → constrained → grouping → relaxed → colors.

Each stage module builds its native options object from :class:`sss_fast.Params`
in one function (``options(params)``), calls the native stage and turns the
native result's :class:`SolverStatus` into a warning or, in strict mode, an
error (:mod:`sss_fast.edge.status`). :mod:`sss_fast.pipeline` chains them.
"""

"""The desktop application: a document model (no widgets), the Qt user interface and engine jobs."""
import os

# The numba kernels (adjustment layers, masks) and torch run on OpenMP threads, which by
# default spin for a while after each parallel region: the spinning thread held the
# second core while Qt's raster engine blended the next layers on both. Waiting
# passively made the full render of the 20-layer 4000x3000 photo document (3 adjustment
# layers) 141-148 ms instead of 159-166; generating with the built-in model took ~3 %
# longer. Read once, when the OpenMP runtime loads (on the first parallel kernel, after
# this); a value the user set is kept.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

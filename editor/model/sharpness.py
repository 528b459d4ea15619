"""How sharp a picture is at each pixel: the energy of the Laplacian of its grey, averaged
over a neighbourhood. Edit > Auto-Blend Layers (Stack Images) takes each part from the
layer where it is highest; Select > Focus Area selects where it is high. No Qt."""
from __future__ import annotations

import numpy as np


def laplacian_energy(rgb: np.ndarray, sigma: float, noise: float = 1.0) -> np.ndarray:
    """(H, W) float32: |Laplacian| of the grey of `rgb` (uint8 (H, W, 3)) after a Gaussian
    of `noise` px (grain is not focus), averaged by a Gaussian of `sigma` px (a flat patch
    inside a sharp object counts as sharp too)."""
    import cv2

    grey = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY).astype(np.float32)
    if noise > 0:
        grey = cv2.GaussianBlur(grey, (0, 0), noise)
    energy = np.abs(cv2.Laplacian(grey, cv2.CV_32F, ksize=3))
    return cv2.GaussianBlur(energy, (0, 0), sigma)

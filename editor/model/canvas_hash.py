"""Deterministic randomness for the filters that scatter (Diffuse, Wind, Tiles, Crystallize,
Pointillize): a hash of canvas coordinates, so a filter gives the same pixels whatever the
crop, band or selection it runs on; and the luma the filters compare pixels by."""
from __future__ import annotations

import numpy as np


def hash01(seed: int, *coords: np.ndarray) -> np.ndarray:
    """float32 in [0, 1): a hash of integer canvas coordinates (broadcast together), the same
    for the same seed and place whatever the crop (murmur3's finaliser, in 64-bit ints)."""
    mask = np.uint64(0xFFFFFFFF)
    h = np.uint64((int(seed) * 0x9E3779B1 + 0x7F4A7C15) & 0xFFFFFFFF)
    for c in coords:
        c = np.asarray(c, np.int64).astype(np.uint64) & mask
        h = ((h ^ c) * np.uint64(0x85EBCA6B)) & mask
        h = h ^ (h >> np.uint64(13))
        h = (h * np.uint64(0xC2B2AE35)) & mask
        h = h ^ (h >> np.uint64(16))
    return ((h >> np.uint64(8)).astype(np.float32) * np.float32(1 / (1 << 24)))


def luma(rgb: np.ndarray) -> np.ndarray:
    return rgb[..., 0] * np.float32(0.299) + rgb[..., 1] * np.float32(0.587) \
        + rgb[..., 2] * np.float32(0.114)

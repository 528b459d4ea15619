"""Deterministic randomness for the filters that scatter (Diffuse, Wind, Tiles, Crystallize,
Pointillize): a hash of canvas coordinates, so a filter gives the same pixels whatever the
crop, band or selection it runs on; value noise made of it (Fibers, the gallery's Glass and
Plaster); and the luma the filters compare pixels by."""
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


def value_noise(seed: int, where, cell_x: int, cell_y: float) -> np.ndarray:
    """float32 (h, w) 0..1: value noise on canvas box `where` from a lattice cell_x by cell_y
    pixels (its values a hash of lattice position and seed), smoothstep-interpolated."""
    xs = np.arange(where.x, where.x + where.w, dtype=np.float64) + 0.5
    ys = np.arange(where.y, where.y + where.h, dtype=np.float64) + 0.5
    fx, fy = xs / cell_x, ys / cell_y
    ix, iy = np.floor(fx).astype(np.int64), np.floor(fy).astype(np.int64)
    tx, ty = (fx - ix).astype(np.float32), (fy - iy).astype(np.float32)
    tx, ty = tx * tx * (3 - 2 * tx), ty * ty * (3 - 2 * ty)
    # The lattice around the box once (small), then read at each pixel's four corners.
    bx, by = (ix.min(), iy.min()) if ix.size and iy.size else (0, 0)
    lx = np.arange(bx, (ix.max() if ix.size else 0) + 2)
    ly = np.arange(by, (iy.max() if iy.size else 0) + 2)
    lattice = hash01(seed, ly[:, None], lx[None, :])
    cx, cy = (ix - bx)[None, :], (iy - by)[:, None]
    top = lattice[cy, cx] + (lattice[cy, cx + 1] - lattice[cy, cx]) * tx[None, :]
    bottom = lattice[cy + 1, cx] + (lattice[cy + 1, cx + 1] - lattice[cy + 1, cx]) * tx[None, :]
    return top + (bottom - top) * ty[:, None]

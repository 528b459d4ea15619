"""Layer > Smart Objects > Stack Mode: a smart object whose contents hold several layers (an
image stack: Convert to Smart Object on several layers, File > Scripts > Statistics…)
shows, per pixel and per channel, a statistic of those layers instead of their composite.

`stack_pixels(child, mode)` composites each visible top-level layer of the contents
document alone on the contents' canvas and reduces the N pictures with `reduce_stack`. As
Photoshop's stack modes, each statistic runs per channel over the non-transparent samples
only (a layer that does not cover a pixel takes no part there); the alpha is the largest
of the layers' alphas there. Photoshop's definitions (its Help page "Image stacks"):

- Mean, Median, Maximum, Minimum; Range = maximum - minimum; Summation = the sum, clipped
  to 255; Variance = sum((v - mean)^2) / (n - 1) (0 for one sample), clipped to 255;
  Standard Deviation = sqrt(Variance) (of the unclipped variance);
- Skewness = sum((v - mean)^3) / ((n - 1) sd^3), Kurtosis = sum((v - mean)^4) /
  ((n - 1) sd^4) (0 where sd is 0); Entropy = -sum(p log2 p), p = how often each value
  occurs among the n samples.

In 8 bits per channel these land as their raw value rounded and clipped to 0..255, as an
8-bit document shows them in Photoshop: Skewness, Kurtosis and Entropy are small numbers,
so their results are dark; Photoshop's own scaling of them is not documented and was not
copied (a choice noted in the README).

All vectorised numpy, in bands of rows so that a 12-megapixel stack of ten layers never
holds more than about 64 MB of float samples at once. No Qt.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numpy as np

from .errors import DocumentError

if TYPE_CHECKING:
    from .document import Document

# Photoshop's order in Layer > Smart Objects > Stack Mode (None first, then alphabetical).
MODES = {"none": "None", "entropy": "Entropy", "kurtosis": "Kurtosis", "maximum": "Maximum",
         "mean": "Mean", "median": "Median", "minimum": "Minimum", "range": "Range",
         "skewness": "Skewness", "std": "Standard Deviation", "summation": "Summation",
         "variance": "Variance"}

# Float samples per band (rows x width x 3 channels x layers): about 64 MB of float32.
_BAND_SAMPLES = 16_000_000


def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise DocumentError(f"Unknown stack mode '{mode}': choose one of "
                            f"{', '.join(MODES.values())}.")
    return mode


def stack_layers(child: "Document") -> list[np.ndarray]:
    """Each visible top-level layer (or group) of `child` composited alone on its canvas:
    straight RGBA uint8, bottom first."""
    from .render_nodes import composite_nodes

    return [composite_nodes([node], child.canvas) for node in child.root.children
            if node.visible]


def stack_pixels(child: "Document", mode: str) -> np.ndarray:
    """What an image stack of `child`'s top-level layers shows in `mode` ("none": their
    composite)."""
    from .render_nodes import composite_document

    if check_mode(mode) == "none":
        return composite_document(child)
    layers = stack_layers(child)
    if not layers:
        return np.zeros((child.height, child.width, 4), np.uint8)
    return reduce_stack(layers, mode)


def reduce_stack(layers: Sequence[np.ndarray], mode: str) -> np.ndarray:
    """The per-pixel, per-channel statistic `mode` of equally sized straight RGBA uint8
    pictures over their non-transparent samples; alpha: their largest."""
    check_mode(mode)
    h, w = layers[0].shape[:2]
    out = np.zeros((h, w, 4), np.uint8)
    rows = max(1, _BAND_SAMPLES // max(1, w * 3 * len(layers)))
    for top in range(0, h, rows):
        band = np.stack([p[top:top + rows] for p in layers])  # (n, rows, w, 4)
        alpha = band[..., 3]
        out[top:top + rows, :, 3] = alpha.max(axis=0)
        out[top:top + rows, :, :3] = _statistic(band[..., :3], alpha > 0, mode)
    out[out[..., 3] == 0] = 0  # (nothing covers it: transparent black)
    return out


def _statistic(values: np.ndarray, valid: np.ndarray, mode: str) -> np.ndarray:
    """`mode` over axis 0 of `values` (n, rows, w, 3) uint8 where `valid` (n, rows, w)."""
    whole = bool(valid.all())  # (the usual stack: every layer covers every pixel)
    valid3 = np.broadcast_to(valid[..., None], values.shape)
    if mode in ("maximum", "range"):
        high = values.max(axis=0) if whole else np.where(valid3, values, 0).max(axis=0)
        if mode == "maximum":
            return high
        low = values.min(axis=0) if whole else np.where(valid3, values, 255).min(axis=0)
        return np.where(valid.any(axis=0)[..., None], high - low, 0).astype(np.uint8)
    if mode == "minimum":
        low = values.min(axis=0) if whole else np.where(valid3, values, 255).min(axis=0)
        return np.where(valid.any(axis=0)[..., None], low, 0).astype(np.uint8)
    if mode == "median":
        if whole:
            return _to_uint8(np.median(values, axis=0))
        # (np.nanmedian is eight times slower): the uncovered samples sorted past the
        # covered ones, the median read at each pixel's own middle
        ordered = np.sort(np.where(valid3, values.astype(np.int16), 512), axis=0)
        count = valid3.sum(axis=0)[None]
        low = np.take_along_axis(ordered, np.maximum(count - 1, 0) // 2, axis=0)[0]
        high = np.take_along_axis(ordered, count // 2, axis=0)[0]
        return _to_uint8(np.where(count[0] > 0, (low + high) / 2, 0))
    if mode == "entropy":
        return _to_uint8(_entropy(values, valid3))
    v = values.astype(np.float32)
    count = valid.sum(axis=0, dtype=np.float32)[..., None]
    weight = None if whole else valid3.astype(np.float32)  # (none: every sample counts)
    total = v.sum(axis=0) if whole else (v * weight).sum(axis=0)
    if mode == "summation":
        return _to_uint8(total)
    safe = np.maximum(count, 1)
    mean = total / safe
    if mode == "mean":
        return _to_uint8(mean)
    dev = v - mean
    if weight is not None:
        dev *= weight
    square = dev * dev
    var = square.sum(axis=0) / np.maximum(count - 1, 1)
    if mode == "variance":
        return _to_uint8(var)
    sd = np.sqrt(var)
    if mode == "std":
        return _to_uint8(sd)
    power = 3 if mode == "skewness" else 4
    moment = (square * dev if power == 3 else square * square).sum(axis=0)
    with np.errstate(all="ignore"):
        result = moment / (np.maximum(count - 1, 1) * sd ** power)
    return _to_uint8(np.where(sd > 0, result, 0))


def _entropy(values: np.ndarray, valid3: np.ndarray) -> np.ndarray:
    """-sum(p log2 p) of the values each sample takes among the valid samples."""
    n = values.shape[0]
    count = valid3.sum(axis=0).astype(np.float32)
    result = np.zeros(values.shape[1:], np.float32)
    # For each sample, how many valid samples share its value; each distinct value is
    # counted once, at its first valid sample (n is small: n^2 comparisons are cheap).
    for i in range(n):
        same = np.zeros(values.shape[1:], np.float32)
        first = valid3[i].copy()
        for j in range(n):
            equal = (values[j] == values[i]) & valid3[j]
            same += equal
            if j < i:
                first &= ~equal
        with np.errstate(all="ignore"):
            p = np.where(first, same / np.maximum(count, 1), 1.0)
        result -= p * np.log2(p)
    return result


def _to_uint8(values: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(values), 0, 255).astype(np.uint8)


STATISTICS_NAME = "Statistics"


def statistics(paths: Sequence[str], mode: str, align: bool = False,
               progress=None) -> "Document":
    """File > Scripts > Statistics…: the files loaded into a stack (`photomerge.load_stack`,
    aligned with `align`), all its layers converted into one smart object
    (`smart_object.convert_nodes`) and its Stack Mode set to `mode`: a new document, made
    whole on the worker thread (nobody else sees it until it is done). Its history holds
    Auto-Align Layers (with `align`), Convert to Smart Object and the Stack Mode, as the
    steps Photoshop's script leaves."""
    from engine.progress import no_progress

    from . import photomerge, smart_object

    check_mode(mode)
    doc = photomerge.load_stack(paths, align, progress or no_progress)
    smart = smart_object.convert_nodes(doc, list(doc.root.children))
    smart_object.set_stack_mode(doc, smart, mode)
    return doc

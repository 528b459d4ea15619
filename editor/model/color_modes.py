"""Image > Mode: a document's colour mode ("rgb", "grayscale", "indexed" or "lab") and the
conversions between them (no Qt).

Pixels stay 8-bit straight RGBA per layer in every mode (the house rule): a Grayscale
document's layers hold R = G = B, an Indexed document holds one layer whose colours are
all its palette's. `doc.color_mode` and `doc.palette` say which; the PSD writer
(psd_write) stores the mode's channels (one grey channel; one index channel and the palette
in the colour mode data) and the reader gives the mode back. Each conversion is one undo
step (`SetColorMode` beside the pixel commands).

Lab Color keeps the layers (Photoshop asks to flatten only when adjustment, fill, type or
smart object layers or styles are there, as for Grayscale): each pixel layer's colours go
through 8-bit Lab (L 0-255 = 0-100, a and b offset by 128: what a Lab PSD stores) and back,
so the document holds exactly the colours its Lab PSD gives back. Photoshop's Lab is CIE
L*a*b* for the D50 white (the ICC connection space): sRGB's D65 colours are adapted to D50
with the Bradford transform, as colour management does, so sRGB white is L 100, a = b = 0.
A Lab channel targeted alone (the Channels panel's Lightness, a or b; Ctrl+3, 4, 5) limits
filters and adjustments (`only_channel`, in `filter_ops.run`) and strokes and fills (in
`PixelEdit.apply`) to it; the canvas shows the channels whose eyes are on
(`lab_channels_view`).

Grey is Rec. 601 luma, 0.299 R + 0.587 G + 0.114 B: what Photoshop's RGB -> Grayscale
gives without colour management (its Gray working space aside).

Indexed Color's palettes: Exact (the image's own colours, when there are at most 256),
Web (the 216 web-safe colours), Uniform (an even RGB cube, n levels a channel with n³ at
most Colors), and the local palettes, approximated: Adaptive = median cut in RGB (the
most common colours' boxes), Perceptual = k-means in CIE Lab (what the eye tells apart),
Selective = Perceptual with entries near a web-safe colour snapped onto it (Photoshop's
Selective favours web colours). Forced colours take palette slots first; Transparency
keeps one slot for pixels under half opaque (the others become opaque, matted on white).
Dither: None, Diffusion (Floyd-Steinberg, serpentine, the error scaled by Amount %),
Pattern (an 8x8 Bayer matrix) and Noise (seeded, so a preview and OK agree).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

import cv2
import numpy as np
from numba import njit

from .errors import DocumentError
from .history import Command
from .layers import AdjustmentLayer, FillLayer, Layer

if TYPE_CHECKING:
    from PIL import Image

    from .document import Document

MODES = ("rgb", "grayscale", "indexed", "lab")
MODE_LABELS = {"rgb": "RGB Color", "grayscale": "Grayscale", "indexed": "Indexed Color",
               "lab": "Lab Color"}
# Each mode's colour channels as the Channels panel lists them (the composite first).
CHANNEL_NAMES = {"lab": ("Lab", "Lightness", "a", "b")}
LAB_CHANNELS = ("Lightness", "a", "b")
PALETTES = ("exact", "web", "uniform", "perceptual", "selective", "adaptive")
FORCED = ("none", "black_white", "primaries", "web")
DITHERS = ("none", "diffusion", "pattern", "noise")

_WEB = np.array([(r, g, b) for r in range(0, 256, 51) for g in range(0, 256, 51)
                 for b in range(0, 256, 51)], np.uint8)
_FORCED = {
    "none": np.zeros((0, 3), np.uint8),
    "black_white": np.array([(0, 0, 0), (255, 255, 255)], np.uint8),
    "primaries": np.array([(0, 0, 0), (255, 255, 255), (255, 0, 0), (0, 255, 0),
                           (0, 0, 255), (0, 255, 255), (255, 0, 255), (255, 255, 0)], np.uint8),
    "web": _WEB,
}


# -- grey -------------------------------------------------------------------------------------

def grey_of(rgb: np.ndarray) -> np.ndarray:
    """Rec. 601 luma of uint8 (..., 3) colours, rounded: uint8 (...)."""
    rgb = np.asarray(rgb, np.uint32)
    return ((299 * rgb[..., 0] + 587 * rgb[..., 1] + 114 * rgb[..., 2] + 500) // 1000
            ).astype(np.uint8)


def to_grayscale(pixels: np.ndarray) -> np.ndarray:
    """An RGBA array with each colour replaced by its grey (alpha kept)."""
    out = pixels.copy()
    out[..., :3] = grey_of(pixels[..., :3])[..., None]
    return out


def colour_layers(doc: "Document") -> list:
    """What a mode change cannot convert as pixels: adjustment, fill, type and smart object
    layers, and layers with a style (they draw colour from settings). Photoshop asks to
    flatten before the change when there are any."""
    from .smart_object import SmartObjectLayer
    from .text_layer import TextLayer

    return [n for n in doc.nodes()
            if isinstance(n, (AdjustmentLayer, FillLayer, TextLayer, SmartObjectLayer))
            or (getattr(n, "effects", None) is not None and n.effects.drawn())]


def pixel_layers(doc: "Document") -> list[Layer]:
    """The plain pixel layers, whose pixels a mode change converts."""
    skip = {id(n) for n in colour_layers(doc)}
    return [n for n in doc.layers() if type(n) is Layer and id(n) not in skip]


class SetColorMode(Command):
    """Sets the document's colour mode and palette (the pixels change in commands beside it)."""

    def __init__(self, mode: str, palette: Optional[np.ndarray], name: str):
        self.name = name
        self._other = (mode, palette)

    def _swap(self, doc: "Document") -> None:
        current = (doc.color_mode, doc.palette)
        doc._set_color_mode(*self._other)
        self._other = current

    redo = _swap
    undo = _swap


def convert_to_grayscale(doc: "Document", flatten: bool = False) -> None:
    """Image > Mode > Grayscale: every pixel layer's colours become grey (after Flatten
    Image when `flatten`), in one undo step."""
    _convert_layers(doc, "grayscale", "Grayscale", to_grayscale, flatten)


def _convert_layers(doc: "Document", mode: str, name: str, convert, flatten: bool) -> None:
    """Every pixel layer's pixels through `convert` (after Flatten Image when `flatten`), then
    the document in `mode`: one undo step named `name`; nothing when already in `mode`."""
    from . import commands as cmds

    if doc.color_mode == mode:
        return
    with doc.history.macro(name):
        if flatten:
            doc.flatten()
        for layer in pixel_layers(doc):
            doc.history.push(cmds.SetPixels(layer, convert(layer.pixels), layer.x, layer.y,
                                            name))
        doc.history.push(SetColorMode(mode, None, name))


# -- Lab --------------------------------------------------------------------------------------

_D50 = np.array([0.96422, 1.0, 0.82521])
_D65 = np.array([0.95047, 1.0, 1.08883])
_BRADFORD = np.array([[0.8951, 0.2664, -0.1614], [-0.7502, 1.7135, 0.0367],
                      [0.0389, -0.0685, 1.0296]])
# XYZ (D65) -> XYZ (D50): the Bradford cone response scaled from one white to the other.
_TO_D50 = np.linalg.inv(_BRADFORD) @ np.diag((_BRADFORD @ _D50) / (_BRADFORD @ _D65)) \
    @ _BRADFORD
_TO_D65 = np.linalg.inv(_TO_D50)


# sRGB -> XYZ (D65; skimage's and the sRGB standard's matrix), then to D50 and divided by
# the D50 white: one matrix to Lab's normalised XYZ. The formulas are skimage's rgb2xyz /
# xyz2lab and back (measured over 200 000 random colours: Lab within 0.002; 8-bit sRGB
# within 1 level for the colours inside sRGB, outside it skimage clips Z alone first, we
# clip X, Y and Z at 0 and then R, G and B), run per pixel in numba kernels: skimage's
# float64 arrays took 8.6 s for a 3-megapixel Lab Color conversion on the shared 2-core
# machine (load ~7), these 0.8 s.
_SRGB_TO_XYZ = np.array([[0.412453, 0.357580, 0.180423], [0.212671, 0.715160, 0.072169],
                         [0.019334, 0.119193, 0.950227]])
_TO_LAB_XYZ = np.diag(1 / _D50) @ _TO_D50 @ _SRGB_TO_XYZ
_FROM_LAB_XYZ = np.linalg.inv(_TO_LAB_XYZ)
_LEVELS = np.arange(256, dtype=np.float64) / 255
_LINEAR = np.where(_LEVELS <= 0.04045, _LEVELS / 12.92, ((_LEVELS + 0.055) / 1.055) ** 2.4)


@njit(cache=True, nogil=True)
def _lab_kernel(rgb, linear, m):
    """uint8 (n, 3) sRGB -> float32 (n, 3) Lab (D50)."""
    out = np.empty(rgb.shape, np.float32)
    d3 = (6 / 29) ** 3
    f = np.empty(3)
    for i in range(rgb.shape[0]):
        r, g, b = linear[rgb[i, 0]], linear[rgb[i, 1]], linear[rgb[i, 2]]
        for k in range(3):
            t = m[k, 0] * r + m[k, 1] * g + m[k, 2] * b
            f[k] = t ** (1 / 3) if t > d3 else t / (3 * (6 / 29) ** 2) + 4 / 29
        out[i, 0] = 116 * f[1] - 16
        out[i, 1] = 500 * (f[0] - f[1])
        out[i, 2] = 200 * (f[1] - f[2])
    return out


@njit(cache=True, nogil=True)
def _rgb_kernel(lab, m):
    """float (n, 3) Lab (D50) -> uint8 (n, 3) sRGB, rounded, clipped into sRGB."""
    out = np.empty(lab.shape, np.uint8)
    t = np.empty(3)
    for i in range(lab.shape[0]):
        fy = (lab[i, 0] + 16) / 116
        fs = (fy + lab[i, 1] / 500, fy, fy - lab[i, 2] / 200)
        for k in range(3):
            # (below zero is beyond any light: clipped there, as skimage does)
            t[k] = max(fs[k] ** 3 if fs[k] > 6 / 29 else 3 * (6 / 29) ** 2 * (fs[k] - 4 / 29),
                       0.0)
        for k in range(3):
            v = min(max(m[k, 0] * t[0] + m[k, 1] * t[1] + m[k, 2] * t[2], 0.0), 1.0)
            v = 12.92 * v if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055
            out[i, k] = np.uint8(np.floor(v * 255 + 0.5))
    return out


def lab_of_rgb(rgb: np.ndarray) -> np.ndarray:
    """8-bit sRGB (..., 3) -> Photoshop's Lab (D50; L 0..100), float32."""
    rgb = np.asarray(rgb, np.uint8)
    return _lab_kernel(rgb.reshape(-1, 3), _LINEAR, _TO_LAB_XYZ).reshape(rgb.shape)


def rgb_of_lab(lab: np.ndarray) -> np.ndarray:
    """Lab (D50) -> 8-bit sRGB, rounded; colours outside sRGB clipped."""
    lab = np.asarray(lab, np.float32)
    return _rgb_kernel(lab.reshape(-1, 3), _FROM_LAB_XYZ).reshape(lab.shape)


def encode_lab8(lab: np.ndarray) -> np.ndarray:
    """Lab -> the PSD's 8-bit channels: L 0..100 as 0..255, a and b + 128 (uint8)."""
    lab = np.asarray(lab, np.float32)
    out = np.empty(lab.shape, np.uint8)
    out[..., 0] = np.clip(np.rint(lab[..., 0] * 2.55), 0, 255)
    out[..., 1:] = np.clip(np.rint(lab[..., 1:] + 128), 0, 255)
    return out


def decode_lab8(lab8: np.ndarray) -> np.ndarray:
    """The PSD's 8-bit Lab channels -> Lab (float32)."""
    lab = np.asarray(lab8, np.float32)
    return np.concatenate([lab[..., :1] / 2.55, lab[..., 1:] - 128], axis=-1)


def lab8_pixels(pixels: np.ndarray) -> np.ndarray:
    """RGBA -> L, a, b (8-bit, encoded as the PSD's) and alpha: what a Lab PSD stores."""
    out = pixels.copy()
    out[..., :3] = encode_lab8(lab_of_rgb(pixels[..., :3]))
    return out


def rgba_of_lab8(lab8: np.ndarray) -> np.ndarray:
    """L, a, b (8-bit encoded) and alpha -> RGBA (what a Lab PSD's channels show)."""
    out = lab8.copy()
    out[..., :3] = rgb_of_lab(decode_lab8(lab8[..., :3]))
    return out


def to_lab(pixels: np.ndarray) -> np.ndarray:
    """An RGBA array's colours as 8-bit Lab keeps them (through it and back; alpha kept)."""
    return rgba_of_lab8(lab8_pixels(pixels))


def only_channel(old: np.ndarray, new: np.ndarray, channel: str) -> np.ndarray:
    """An operation's result `new` (RGBA) kept in one Lab channel (`channel`, one of
    LAB_CHANNELS): the other two and alpha stay as in `old`, as in Photoshop with one
    channel targeted. Pixels that were transparent stay as they were."""
    k = LAB_CHANNELS.index(channel)
    lab = lab8_pixels(old)
    before = lab[..., k].copy()
    lab[..., k] = lab8_pixels(new)[..., k]
    out = rgba_of_lab8(lab)
    # Where the channel did not change, the pixel stays exactly (no second round trip).
    same = (lab[..., k] == before) | (old[..., 3] == 0)
    out[same] = old[same]
    return out


def lab_channels_view(rgb: np.ndarray, shown: tuple[bool, bool, bool]) -> np.ndarray:
    """What a Lab document shows of its colours `rgb` (uint8 (..., 3)) with the Channels
    panel's eyes on `shown` (Lightness, a, b), as uint8 (..., 3): one channel alone in grey
    (its 8-bit value: L 0-255, a and b with 128 for 0), as Photoshop shows it; two in
    colour, the hidden one at its neutral (L 50, a = b = 0; what Photoshop puts there was
    not checked); all three: the colours themselves."""
    on = [k for k in range(3) if shown[k]]
    if len(on) == 3:
        return np.array(rgb, np.uint8, copy=True)
    lab = encode_lab8(lab_of_rgb(rgb))
    if len(on) == 1:
        return np.repeat(lab[..., on[0]:on[0] + 1], 3, axis=-1)
    lab[..., [k for k in range(3) if not shown[k]]] = 128
    return rgb_of_lab(decode_lab8(lab))


def convert_to_lab(doc: "Document", flatten: bool = False) -> None:
    """Image > Mode > Lab Color: every pixel layer's colours as 8-bit Lab holds them (after
    Flatten Image when `flatten`; the layers are kept otherwise), in one undo step."""
    _convert_layers(doc, "lab", "Lab Color", to_lab, flatten)


def convert_to_rgb(doc: "Document") -> None:
    """Image > Mode > RGB Color: the pixels stay as they are (grey, the palette's colours
    and Lab's are RGB colours already); only the mode changes, in one undo step."""
    if doc.color_mode != "rgb":
        doc.history.push(SetColorMode("rgb", None, "RGB Color"))


# -- indexed ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class IndexedOptions:
    """Image > Mode > Indexed Color…'s settings."""

    palette: str = "selective"
    colors: int = 256
    forced: str = "black_white"
    transparency: bool = True
    dither: str = "diffusion"
    amount: int = 75  # % (Diffusion)

    def check(self) -> None:
        if self.palette not in PALETTES:
            raise DocumentError(f"Unknown palette '{self.palette}'.")
        if self.forced not in FORCED:
            raise DocumentError(f"Unknown forced colours '{self.forced}'.")
        if self.dither not in DITHERS:
            raise DocumentError(f"Unknown dither '{self.dither}'.")
        if not 2 <= self.colors <= 256:
            raise DocumentError(f"Colors must be from 2 to 256 (not {self.colors}).")
        if not 0 <= self.amount <= 100:
            raise DocumentError(f"Amount must be from 0 to 100% (not {self.amount}).")


def index_colors(pixels: np.ndarray, options: IndexedOptions) -> tuple[np.ndarray, np.ndarray]:
    """Quantizes an RGBA picture: (the RGBA picture in the palette's colours, the palette
    as uint8 (n, 3)). With Transparency and pixels under half opaque, the palette's last
    entry is the transparent one (its colour white) and those pixels are alpha 0."""
    options.check()
    alpha = pixels[..., 3]
    clear = alpha < 128 if options.transparency else np.zeros(alpha.shape, bool)
    # The colours, matted on white (Photoshop's Matte: White) where not fully opaque.
    rgb = np.ascontiguousarray(pixels[..., :3])
    if (alpha < 255).any():
        a = alpha.astype(np.float32)[..., None] / 255.0
        matted = np.rint(pixels[..., :3] * a + 255.0 * (1.0 - a)).astype(np.uint8)
        # (With Transparency the kept pixels become opaque as they are.)
        rgb = np.where(clear[..., None], matted, rgb) if options.transparency else matted
    # (Exact and Web ignore Colors, greyed in Photoshop's dialog: up to 256 entries.)
    colors = 256 if options.palette in ("exact", "web") else options.colors
    slots = colors - int(clear.any())
    if slots < 1:
        raise DocumentError("Transparency needs at least one more colour.")
    shown = rgb[~clear]
    palette = _palette(shown, slots, options)
    indices = _map(rgb, palette, options)
    out = np.empty_like(pixels)
    out[..., :3] = palette[indices]
    out[..., 3] = 255
    if clear.any():
        out[clear] = (255, 255, 255, 0)
        palette = np.vstack([palette, np.array([[255, 255, 255]], np.uint8)])
    return out, palette


def _palette(shown: np.ndarray, slots: int, options: IndexedOptions) -> np.ndarray:
    """The palette (at most `slots` colours): forced colours first, then the chosen kind's."""
    forced = _FORCED[options.forced][:slots]
    if options.palette == "exact":
        unique = _unique(shown)
        extra = _without(unique, forced)
        if len(forced) + len(extra) > slots:
            raise DocumentError(f"Exact needs an image of at most {slots} colours; this one "
                                f"has {len(unique)}: choose another palette.")
        return np.vstack([forced, extra]).astype(np.uint8)
    if options.palette == "web":
        return np.vstack([forced, _without(_WEB, forced)])[:max(slots, len(forced))]
    free = slots - len(forced)
    if free <= 0:
        return forced
    if options.palette == "uniform":
        levels = max(1, int(round(free ** (1 / 3) + 1e-9)))
        while levels ** 3 > free:
            levels -= 1
        steps = np.round(np.linspace(0, 255, levels)).astype(np.uint8) if levels > 1 \
            else np.array([128], np.uint8)
        cube = np.array([(r, g, b) for r in steps for g in steps for b in steps], np.uint8)
        return np.vstack([forced, _without(cube, forced)])
    colours = shown.reshape(-1, 3)
    unique = _unique(colours)
    # The local palettes learn from at most 40 000 pixels (seeded): a 3-megapixel photo's
    # palette then takes well under a second, and the sample keeps the colours' frequencies.
    if len(colours) > _SAMPLE:
        colours = colours[np.random.default_rng(0).choice(len(colours), _SAMPLE, replace=False)]
    if len(unique) <= free:  # no need to choose: the image's own colours
        local = unique
    elif options.palette == "adaptive":
        local = _median_cut(colours, free)
    else:
        local = _kmeans_lab(colours, free)
        if options.palette == "selective":
            local = _snap_to_web(local)
    return np.vstack([forced, _without(local, forced)]).astype(np.uint8)


_SAMPLE = 40_000


def _unique(colours: np.ndarray) -> np.ndarray:
    """The distinct colours of uint8 (..., 3) `colours`, as (n, 3) (a count per packed
    24-bit colour: faster than `np.unique(axis=0)` on millions of pixels)."""
    c = colours.reshape(-1, 3).astype(np.int32)
    seen = np.flatnonzero(np.bincount((c[:, 0] << 16) | (c[:, 1] << 8) | c[:, 2],
                                      minlength=1 << 24))
    return np.stack([seen >> 16, (seen >> 8) & 255, seen & 255], axis=1).astype(np.uint8)


def _without(colours: np.ndarray, taken: np.ndarray) -> np.ndarray:
    if not len(taken):
        return colours
    keys = {tuple(c) for c in taken.tolist()}
    keep = [c for c in colours.tolist() if tuple(c) not in keys]
    return np.array(keep, np.uint8).reshape(-1, 3)


def _median_cut(colours: np.ndarray, count: int) -> np.ndarray:
    """Median cut: the box with the widest channel range (weighted by its pixels) is split
    at its median until there are `count` boxes; each gives its mean colour."""
    def span(box: np.ndarray) -> float:
        return float(np.ptp(box, axis=0).max() * np.sqrt(len(box))) if len(box) > 1 else -1.0

    boxes = [colours.astype(np.int16)]
    spans = [span(boxes[0])]  # (kept beside the boxes: only the two new ones are measured)
    while len(boxes) < count:
        i = int(np.argmax(spans))
        if spans[i] <= 0:
            break
        box, _ = boxes.pop(i), spans.pop(i)
        channel = int(np.argmax(np.ptp(box, axis=0)))
        half = len(box) // 2
        box = box[np.argpartition(box[:, channel], half)]
        boxes += [box[:half], box[half:]]
        spans += [span(box[:half]), span(box[half:])]
    return np.array([np.rint(b.mean(axis=0)) for b in boxes], np.uint8)


def _kmeans_lab(colours: np.ndarray, count: int) -> np.ndarray:
    """k-means (OpenCV) in CIE Lab on the (sampled) pixels, started from median cut; the
    centres back in RGB."""
    sample = colours
    lab = cv2.cvtColor(sample.reshape(-1, 1, 3), cv2.COLOR_RGB2LAB).reshape(-1, 3)
    lab = lab.astype(np.float32)
    start = cv2.cvtColor(_median_cut(sample, count).reshape(-1, 1, 3),
                         cv2.COLOR_RGB2LAB).reshape(-1, 3).astype(np.float32)
    count = len(start)
    labels = _nearest(lab, start).reshape(-1, 1).astype(np.int32)
    cv2.setRNGSeed(0)
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 12, 0.5)
    _, _, centres = cv2.kmeans(lab, count, labels, criteria, 1, cv2.KMEANS_USE_INITIAL_LABELS)
    centres = np.clip(np.rint(centres), 0, 255).astype(np.uint8).reshape(-1, 1, 3)
    rgb = cv2.cvtColor(centres, cv2.COLOR_LAB2RGB).reshape(-1, 3)
    return np.unique(rgb, axis=0)


def _snap_to_web(palette: np.ndarray) -> np.ndarray:
    """Entries within 12 levels of a web-safe colour in every channel become that colour."""
    web = (np.rint(palette / 51.0) * 51).astype(np.int16)
    near = np.all(np.abs(web - palette.astype(np.int16)) <= 12, axis=1)
    out = np.where(near[:, None], web, palette).astype(np.uint8)
    return np.unique(out, axis=0)


def _nearest(values: np.ndarray, palette: np.ndarray) -> np.ndarray:
    return _nearest_kernel(np.ascontiguousarray(values, np.float32),
                           np.ascontiguousarray(palette, np.float32))


@njit(cache=True)
def _nearest_kernel(values, palette):
    out = np.empty(values.shape[0], np.int32)
    for i in range(values.shape[0]):
        best, which = 1e30, 0
        for k in range(palette.shape[0]):
            d = 0.0
            for c in range(values.shape[1]):
                t = values[i, c] - palette[k, c]
                d += t * t
            if d < best:
                best, which = d, k
        out[i] = which
    return out


_BAYER = np.array([[0, 32, 8, 40, 2, 34, 10, 42], [48, 16, 56, 24, 50, 18, 58, 26],
                   [12, 44, 4, 36, 14, 46, 6, 38], [60, 28, 52, 20, 62, 30, 54, 22],
                   [3, 35, 11, 43, 1, 33, 9, 41], [51, 19, 59, 27, 49, 17, 57, 25],
                   [15, 47, 7, 39, 13, 45, 5, 37], [63, 31, 55, 23, 61, 29, 53, 21]],
                  np.float32)


def _map(rgb: np.ndarray, palette: np.ndarray, options: IndexedOptions) -> np.ndarray:
    """Each pixel's palette index, dithered as chosen."""
    h, w = rgb.shape[:2]
    values = rgb.astype(np.float32)
    # The spread a dither adds: about one palette step (the colours' spacing).
    step = 255.0 / max(1.0, len(palette) ** (1 / 3) - 1)
    if options.dither == "diffusion" and options.amount > 0:
        return _diffuse(values, palette.astype(np.float32), options.amount / 100.0)
    if options.dither == "pattern":
        tile = np.tile(_BAYER / 64.0 - 0.5, (h // 8 + 1, w // 8 + 1))[:h, :w]
        values = values + (tile * step)[..., None]
    elif options.dither == "noise":
        noise = np.random.default_rng(0).uniform(-0.5, 0.5, (h, w, 1)).astype(np.float32)
        values = values + noise * step
    if options.dither == "none":  # each distinct colour looked up once
        c = rgb.reshape(-1, 3).astype(np.int32)
        packed = (c[:, 0] << 16) | (c[:, 1] << 8) | c[:, 2]
        keys, inverse = np.unique(packed, return_inverse=True)
        found = _nearest(np.stack([keys >> 16, (keys >> 8) & 255, keys & 255], axis=1), palette)
        return found[inverse].reshape(h, w)
    return _nearest(values.reshape(-1, 3), palette).reshape(h, w)


@njit(cache=True)
def _diffuse(values, palette, amount):
    """Floyd-Steinberg, serpentine; the error passed on is scaled by `amount` (0-1)."""
    h, w = values.shape[0], values.shape[1]
    out = np.empty((h, w), np.int32)
    for y in range(h):
        forward = y % 2 == 0
        for i in range(w):
            x = i if forward else w - 1 - i
            best, which = 1e30, 0
            for k in range(palette.shape[0]):
                d = 0.0
                for c in range(3):
                    v = min(255.0, max(0.0, values[y, x, c]))
                    t = v - palette[k, c]
                    d += t * t
                if d < best:
                    best, which = d, k
            out[y, x] = which
            dx = 1 if forward else -1
            for c in range(3):
                e = (values[y, x, c] - palette[which, c]) * amount
                if 0 <= x + dx < w:
                    values[y, x + dx, c] += e * 7.0 / 16.0
                if y + 1 < h:
                    if 0 <= x - dx < w:
                        values[y + 1, x - dx, c] += e * 3.0 / 16.0
                    values[y + 1, x, c] += e * 5.0 / 16.0
                    if 0 <= x + dx < w:
                        values[y + 1, x + dx, c] += e * 1.0 / 16.0
    return out


def convert_to_indexed(doc: "Document", options: IndexedOptions,
                       indexed: Optional[tuple[np.ndarray, np.ndarray]] = None) -> Layer:
    """Image > Mode > Indexed Color…: flattens the document (one layer, as Photoshop's
    Indexed Color documents are) and quantizes it, in one undo step. `indexed`: the
    (pixels, palette) a preview already made of the flattened picture."""
    from . import commands as cmds

    with doc.history.macro("Indexed Color"):
        if len(list(doc.nodes())) != 1 or not isinstance(doc.active, Layer) \
                or type(doc.active) is not Layer or doc.active.bounds() != doc.canvas:
            doc.flatten()
        layer = next(iter(doc.layers()))
        pixels, palette = indexed if indexed is not None else index_colors(layer.pixels, options)
        doc.history.push(cmds.SetPixels(layer, pixels, 0, 0, "Indexed Color"))
        doc.history.push(SetColorMode("indexed", palette, "Indexed Color"))
    return layer


def paletted(pixels: np.ndarray, palette) -> "Image.Image":
    """A Pillow "P" image of RGBA `pixels` in `palette`'s colours ((r, g, b), ...; the
    nearest entry where a colour is not one of them, e.g. after resizing); pixels under half
    opaque take a transparent entry (the palette's white transparent one when it has it,
    else one more entry), written as GIF's or PNG's transparency."""
    from PIL import Image

    table = np.asarray(palette, np.uint8).reshape(-1, 3)
    clear = pixels[..., 3] < 128
    h, w = clear.shape
    indices = _nearest(pixels[..., :3].reshape(-1, 3), table).reshape(h, w).astype(np.uint8)
    image_table = table
    transparent = None
    if clear.any():
        transparent = len(table) if len(table) < 256 else len(table) - 1
        if transparent == len(table):
            image_table = np.vstack([table, [[255, 255, 255]]]).astype(np.uint8)
        indices[clear] = transparent
    image = Image.fromarray(indices, "P")
    image.putpalette(image_table.tobytes())
    if transparent is not None:
        image.info["transparency"] = transparent
    return image

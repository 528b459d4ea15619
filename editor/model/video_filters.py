"""Filter > Other > HSB/HSL and Filter > Video > De-Interlace and NTSC Colors: filters that
re-code each pixel's channels (or rows) rather than look around it.

Each is an `Operation` as those of `extra_filters.py`, registered in `more_filters.FILTERS`
at the end of this module, so `filter_ops` runs, previews, records, repeats and fades them,
and puts them on smart objects, as the others. numpy only; alpha stays unless said.

- HSB/HSL (Photoshop's, as its documentation describes it): the pixels read in the Input
  Mode and written in the Output Mode's row order, the three values in the red, green and
  blue channels: hue 0..360 degrees as 0..255, saturation and brightness / lightness 0..1
  as 0..255 (RGB in, HSB out: pure red is (0, 255, 255), pure green (85, 255, 255)). The
  conversions are the usual hexcone ones (Foley and van Dam's HSV and HSL), rounded half
  up; HSB or HSL in reads the channels so coded back into RGB.
- De-Interlace (Photoshop's settings): the lines are counted from 1 at the canvas's top, as
  video counts its fields' lines (line 1 is the canvas's row 0): Eliminate Odd Fields
  replaces lines 1, 3, 5..., Even lines 2, 4, 6...; Create New Fields by Duplication copies
  the kept line of the same pair (1 <- 2, 3 <- 4 / 2 <- 1, 4 <- 3), by Interpolation takes
  the mean of the kept lines above and below (premultiplied, alpha too; one of them at the
  canvas's edge). The parity belongs to the canvas, so a selection or band sees the same.
- NTSC Colors (no dialog, as Photoshop's): GIMP's Hot plug-in's test and its "reduce
  saturation" repair (hot.c, after Alan Paeth's ikNTSC.c): NTSC's YIQ of the 8-bit values
  (taken as the gamma-corrected signal), 7.5 IRE setup; a pixel whose chroma amplitude
  sqrt(I^2 + Q^2) passes 50 IRE or whose composite signal Y + chroma passes 110 IRE has its
  colour moved towards the grey of its own luma (Y kept) just far enough to meet both.
  Every other pixel stays exactly as it was: greys, skin tones and most photo colours.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from . import more_filters as mf
from .distort_filters import _check
from .pixel_filters import Operation, _blend_premultiplied, _mix_colours, _premultiplied, _straight

# -- Other > HSB/HSL ------------------------------------------------------------------------

COLOUR_MODES = ("rgb", "hsb", "hsl")


def to_hsx(rgb: np.ndarray, mode: str) -> np.ndarray:
    """float (..., 3) hue 0..1 (of a turn), saturation, brightness or lightness 0..1, from
    straight RGB 0..1."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    hi, lo = rgb.max(-1), rgb.min(-1)
    c = hi - lo
    safe = np.where(c > 0, c, 1)
    h = np.where(hi == r, ((g - b) / safe) % 6,
                 np.where(hi == g, (b - r) / safe + 2, (r - g) / safe + 4)) / 6
    h = np.where(c > 0, h, 0)
    if mode == "hsb":
        s = np.where(hi > 0, c / np.where(hi > 0, hi, 1), 0)
        third = hi
    else:
        third = (hi + lo) / 2
        room = 1 - np.abs(2 * third - 1)
        s = np.where(room > 0, c / np.where(room > 0, room, 1), 0)
    return np.stack([h, np.clip(s, 0, 1), third], -1)


def from_hsx(hsx: np.ndarray, mode: str) -> np.ndarray:
    """Straight RGB 0..1 from `to_hsx`'s values (the hexcone's closed forms: channel n of
    HSB is v - v s clamp(min(k, 4 - k), 0, 1), k = (n + 6 h) mod 6 for n = 5, 3, 1; of HSL
    l - s min(l, 1 - l) clamp(min(k - 3, 9 - k), -1, 1), k = (n + 12 h) mod 12 for n = 0, 8,
    4)."""
    h, s, x = hsx[..., 0], hsx[..., 1], hsx[..., 2]
    out = np.empty(hsx.shape, hsx.dtype)
    if mode == "hsb":
        for c, n in enumerate((5, 3, 1)):
            k = (n + 6 * h) % 6
            out[..., c] = x - x * s * np.clip(np.minimum(k, 4 - k), 0, 1)
    else:
        a = s * np.minimum(x, 1 - x)
        for c, n in enumerate((0, 8, 4)):
            k = (n + 12 * h) % 12
            out[..., c] = x - a * np.clip(np.minimum(k - 3, 9 - k), -1, 1)
    return out


@dataclass(frozen=True)
class HSBHSL(Operation):
    label: ClassVar[str] = "HSB/HSL"
    input: str = "rgb"    # COLOUR_MODES
    output: str = "hsb"   # COLOUR_MODES (Photoshop's Row Order)

    def __post_init__(self):
        _check(self.input, COLOUR_MODES, "the input mode")
        _check(self.output, COLOUR_MODES, "the output mode")

    def is_identity(self) -> bool:
        return self.input == self.output

    def convert(self, values: np.ndarray) -> np.ndarray:
        """float 0..255 (..., 3) coded in `input` to float 0..255 coded in `output`."""
        v = values.astype(np.float32) * np.float32(1 / 255)
        rgb = v if self.input == "rgb" else from_hsx(v, self.input)
        out = rgb if self.output == "rgb" else to_hsx(np.clip(rgb, 0, 1), self.output)
        return out * np.float32(255)

    def process(self, src, inner, where, coverage):
        old = src[inner.slices()]
        out = self.convert(old[..., :3])
        return _mix_colours(old, out, coverage)  # (rounded half up there)


# -- Video > De-Interlace -------------------------------------------------------------------

FIELDS = ("odd", "even")
NEW_FIELDS = ("duplication", "interpolation")


@dataclass(frozen=True)
class DeInterlace(Operation):
    label: ClassVar[str] = "De-Interlace"
    eliminate: str = "odd"          # FIELDS
    create: str = "interpolation"   # NEW_FIELDS

    def __post_init__(self):
        _check(self.eliminate, FIELDS, "the field eliminated")
        _check(self.create, NEW_FIELDS, "how new fields are made")

    def reach(self) -> int:
        return 1

    def process(self, src, inner, where, coverage):
        old = src[inner.slices()]
        h = old.shape[0]
        rows = np.arange(inner.y, inner.y + h)       # in the crop
        line = np.arange(where.y, where.y + h) + 1   # on the canvas, from 1
        gone = (line % 2 == 1) if self.eliminate == "odd" else (line % 2 == 0)
        last = src.shape[0] - 1
        # Each replaced line's kept neighbours in the crop (at its edge, the other one).
        up = np.where(rows > 0, rows - 1, rows + 1).clip(0, last)
        down = np.where(rows < last, rows + 1, rows - 1).clip(0, last)
        cols = inner.slices()[1]
        if self.create == "duplication":
            pair = down if self.eliminate == "odd" else up
            new = np.where(gone[:, None, None], src[pair][:, cols], old)
        else:
            pre = _premultiplied(np.ascontiguousarray(src[:, cols]))
            mean = (pre[up] + pre[down]) * np.float32(0.5)
            new = np.where(gone[:, None, None], _straight(mean), old)
        return _blend_premultiplied(old, np.ascontiguousarray(new), coverage)


# -- Video > NTSC Colors --------------------------------------------------------------------

# NTSC's YIQ rows (hot.c's), its 7.5 IRE setup and the limits in IRE.
YIQ = np.array([[0.2989, 0.5866, 0.1144], [0.5959, -0.2741, -0.3218],
                [0.2113, -0.5227, 0.3113]])
SETUP_IRE, CHROMA_IRE, COMPOSITE_IRE = 7.5, 50.0, 110.0
CHROMA_LIMIT = CHROMA_IRE / (100 - SETUP_IRE)                    # in units of Y's 0..1
COMPOSITE_LIMIT = (COMPOSITE_IRE - SETUP_IRE) / (100 - SETUP_IRE)


def ntsc_safe(rgb: np.ndarray) -> np.ndarray:
    """float (..., 3) 0..255 brought within NTSC's limits (saturation reduced, luma kept);
    pixels already within them come back as they were."""
    v = rgb.astype(np.float32) * np.float32(1 / 255)
    yiq = v @ YIQ.T.astype(np.float32)
    y = yiq[..., 0]
    chroma = np.hypot(yiq[..., 1], yiq[..., 2])
    safe_chroma = np.maximum(chroma, 1e-12)
    scale = np.minimum(CHROMA_LIMIT / safe_chroma, (COMPOSITE_LIMIT - y) / safe_chroma)
    hot = (chroma > CHROMA_LIMIT) | (y + chroma > COMPOSITE_LIMIT)
    scale = np.clip(np.where(hot, scale, 1), 0, 1)
    out = y[..., None] + scale[..., None] * (v - y[..., None])
    return np.where(hot[..., None], out * 255, rgb)


@dataclass(frozen=True)
class NTSCColors(Operation):
    label: ClassVar[str] = "NTSC Colors"

    def process(self, src, inner, where, coverage):
        old = src[inner.slices()]
        return _mix_colours(old, ntsc_safe(old[..., :3]), coverage)


FILTERS: dict[str, type] = {"hsb_hsl": HSBHSL, "de_interlace": DeInterlace,
                            "ntsc_colors": NTSCColors}
mf.FILTERS.update(FILTERS)  # the menu's one registry (more_filters imports this module)

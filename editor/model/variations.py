"""Image > Adjustments > Variations: Photoshop's picture-by-picture colour correction.

Each thumbnail clicked adds one step to the Current Pick: More Red / Green / Blue and
their opposites More Cyan / Magenta / Yellow, Lighter / Darker, in the tonal range
chosen (Shadows, Midtones, Highlights), or More / Less Saturation. A step's size is the
Fine..Coarse slider's (STEPS: each notch about 1.5x the one before, the middle one the
default). Photoshop's own amounts are not published.

The Current Pick is a Color Balance with Preserve Luminosity off (its three ranges'
cyan-red, magenta-green and yellow-blue axes: More Red is + on the first, More Cyan -;
Lighter is + on all three axes of the range, Darker -) followed by Hue/Saturation's
master saturation: the two adjustment layers' own formulas (`pixel_filters.Adjust`'s
pass), so what is shown is what they draw. Applied to the layer's pixels through
`filter_ops` (inside the selection, one undo step) as the other adjustments are.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np

from .adjustments import ColorBalance, HueSaturation
from .pixel_filters import Adjust, Operation, mix8

RANGES = ("shadows", "midtones", "highlights", "saturation")
# The Fine..Coarse slider's notches (Color Balance / Hue/Saturation units per click).
STEPS = (2, 3, 5, 8, 12, 18, 27)
DEFAULT_STEP = 3  # the middle notch
# Each colour thumbnail's move on Color Balance's axes (cyan-red, magenta-green, yellow-blue).
COLOURS = {"red": (1, 0, 0), "cyan": (-1, 0, 0), "green": (0, 1, 0), "magenta": (0, -1, 0),
           "blue": (0, 0, 1), "yellow": (0, 0, -1), "lighter": (1, 1, 1),
           "darker": (-1, -1, -1)}
LIMIT = 100  # Color Balance's and Hue/Saturation's own range


@dataclass(frozen=True)
class Variations(Operation):
    label: ClassVar[str] = "Variations"
    shadows: tuple = (0, 0, 0)      # Color Balance's three axes, -100..100
    midtones: tuple = (0, 0, 0)
    highlights: tuple = (0, 0, 0)
    saturation: int = 0             # -100..100

    def is_identity(self) -> bool:
        return not any((*self.shadows, *self.midtones, *self.highlights, self.saturation))

    def balance(self) -> ColorBalance:
        return ColorBalance(self.shadows, self.midtones, self.highlights,
                            preserve_luminosity=False)

    def process(self, src, inner, where, coverage):
        old = src[inner.slices()]
        out = old
        if any((*self.shadows, *self.midtones, *self.highlights)):
            out = Adjust(self.balance()).process(out, _whole(out), where, None)
        if self.saturation:
            out = Adjust(HueSaturation(saturation=self.saturation)).process(
                out, _whole(out), where, None)
        result = old.copy()
        result[..., :3] = mix8(old[..., :3], out[..., :3], coverage)
        return result


def _whole(pixels: np.ndarray):
    from engine.box import Box

    return Box(0, 0, pixels.shape[1], pixels.shape[0])


def _clamp(v: int) -> int:
    return max(-LIMIT, min(LIMIT, int(v)))


def stepped(op: Variations, move: str, tonal_range: str, step: int = DEFAULT_STEP) -> Variations:
    """`op` with one more click on thumbnail `move` ("red" ... "darker" of COLOURS, or
    "more" / "less" for saturation) in `tonal_range` (RANGES), the slider at notch `step`
    (0 Fine .. 6 Coarse). Each value stays in -100..100."""
    amount = STEPS[max(0, min(len(STEPS) - 1, int(step)))]
    if tonal_range == "saturation":
        if move not in ("more", "less"):
            raise ValueError(f"Saturation is More or Less, not {move!r}")
        return replace(op, saturation=_clamp(op.saturation + (amount if move == "more"
                                                              else -amount)))
    if tonal_range not in RANGES or move not in COLOURS:
        raise ValueError(f"no Variations thumbnail {move!r} in {tonal_range!r}")
    axes = getattr(op, tonal_range)
    moved = tuple(_clamp(v + d * amount) for v, d in zip(axes, COLOURS[move]))
    return replace(op, **{tonal_range: moved})


def clipped(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Show Clipping: bool (H, W) where a channel of `after` reaches 0 or 255 that did
    not in `before` (both RGBA uint8): the colours the pick pushes out of range."""
    new_edge = ((after[..., :3] == 0) | (after[..., :3] == 255)) & \
        ~((before[..., :3] == 0) | (before[..., :3] == 255))
    return new_edge.any(axis=-1) & (after[..., 3] > 0)

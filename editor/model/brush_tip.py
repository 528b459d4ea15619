"""Photoshop's Brush Settings: a brush's tip shape (Angle, Roundness, Spacing, a sampled
tip: a greyscale image as the dab) and its dynamics (Size, Angle and Roundness Jitter,
Scattering with Count, Opacity and Flow Jitter), and the brush presets that keep them with
a size and hardness (brushes.json beside the settings, written by the UI).

A `BrushTip` does not paint: `BrushStroke` (brush_stroke.py) asks it where a stroke's dabs
fall around each spacing step (`BrushTip.place`) and `dabs.dab_mask` draws each one; the
plain round tip (`BrushTip.plain`) is left to the stroke's own fast path, so the round brush
costs what it did. The jitters draw from a generator seeded once per stroke: the same seed
repeats the same stroke.
"""
from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass, field, fields, replace
from typing import Optional

import cv2
import numpy as np

from . import preset_file
from .dabs import SPACING
from .errors import DocumentError

MIN_SPACING, MAX_SPACING = 0.01, 10.0   # 1 % .. 1000 % of the diameter, as Photoshop's
MAX_COUNT = 16
MAX_SAMPLE = 1000   # px, a sampled tip's longest side (Photoshop's limit is 5000)


@dataclass(frozen=True)
class BrushTip:
    """A brush's tip and dynamics; fractions are 0..1 (Photoshop's percentages / 100),
    `angle` in degrees counter-clockwise, `spacing` of the diameter, `scatter` of the
    diameter (0..10). `sample`: a sampled tip's coverage, uint8 (255 = paint), or None for
    the round tip."""
    angle: float = 0.0
    roundness: float = 1.0
    spacing: float = SPACING
    sample: Optional[np.ndarray] = field(default=None, compare=False, repr=False)
    size_jitter: float = 0.0
    angle_jitter: float = 0.0
    roundness_jitter: float = 0.0
    scatter: float = 0.0
    both_axes: bool = False
    count: int = 1
    opacity_jitter: float = 0.0
    flow_jitter: float = 0.0

    @property
    def plain(self) -> bool:
        """The round tip without dynamics: the stroke's fast path draws it."""
        return (self.sample is None and self.roundness >= 1.0 and self.size_jitter == 0
                and self.roundness_jitter == 0 and self.scatter == 0 and self.count == 1
                and self.opacity_jitter == 0 and self.flow_jitter == 0)

    def clamped(self) -> "BrushTip":
        return replace(self, angle=float(self.angle) % 360.0,
                       roundness=min(1.0, max(0.01, float(self.roundness))),
                       spacing=min(MAX_SPACING, max(MIN_SPACING, float(self.spacing))),
                       size_jitter=_unit(self.size_jitter), angle_jitter=_unit(self.angle_jitter),
                       roundness_jitter=_unit(self.roundness_jitter),
                       scatter=min(10.0, max(0.0, float(self.scatter))),
                       both_axes=bool(self.both_axes),
                       count=int(min(MAX_COUNT, max(1, int(self.count)))),
                       opacity_jitter=_unit(self.opacity_jitter),
                       flow_jitter=_unit(self.flow_jitter))

    def place(self, cx: float, cy: float, size: float, direction: tuple[float, float],
              rng: np.random.Generator) -> list[tuple[float, float, float, float, float, float]]:
        """The dabs laid at one spacing step at (cx, cy) of a stroke going `direction`
        (a unit vector): (x, y, diameter, angle, roundness, amount) for each of `count`.
        Photoshop's dynamics: Size Jitter shrinks a dab down to (1 - jitter) of the size,
        Angle Jitter turns it by up to ± jitter x 180°, Roundness Jitter flattens it down
        to (1 - jitter) of the roundness; Scatter moves it up to ± scatter diameters across
        the stroke (both ways with Both Axes); Opacity and Flow Jitter thin its paint
        (`amount`). Every dab draws the same numbers in the same order, so a seed repeats
        a stroke."""
        out = []
        tx, ty = direction
        for _ in range(self.count):
            u = rng.random(7)
            d = size * (1.0 - self.size_jitter * u[0])
            a = self.angle + self.angle_jitter * 180.0 * (2.0 * u[1] - 1.0)
            r = max(0.01, self.roundness * (1.0 - self.roundness_jitter * u[2]))
            x, y = cx, cy
            if self.scatter:
                across = self.scatter * size * (2.0 * u[3] - 1.0)
                x, y = x - ty * across, y + tx * across   # perpendicular to the stroke
                if self.both_axes:
                    along = self.scatter * size * (2.0 * u[4] - 1.0)
                    x, y = x + tx * along, y + ty * along
            amount = (1.0 - self.opacity_jitter * u[5]) * (1.0 - self.flow_jitter * u[6])
            out.append((x, y, max(1.0, d), a, r, amount))
        return out

    # -- saving --------------------------------------------------------------------------
    def to_dict(self) -> dict:
        d = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "sample"}
        if self.sample is not None:
            ok, png = cv2.imencode(".png", self.sample)
            d["sample"] = base64.b64encode(png.tobytes()).decode("ascii")
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "BrushTip":
        names = {f.name for f in fields(cls)} - {"sample"}
        tip = cls(**{k: v for k, v in d.items() if k in names})
        if d.get("sample"):
            png = np.frombuffer(base64.b64decode(d["sample"]), np.uint8)
            sample = cv2.imdecode(png, cv2.IMREAD_GRAYSCALE)
            if sample is None:
                raise DocumentError("A brush's sampled tip could not be read.")
            tip = replace(tip, sample=sample)
        return tip.clamped()


def _unit(v) -> float:
    return min(1.0, max(0.0, float(v)))


@dataclass(frozen=True)
class BrushPreset:
    """A named brush: size (px), hardness (0..1) and tip, as the presets list keeps it."""
    name: str
    size: int
    hardness: float
    tip: BrushTip = BrushTip()

    def to_dict(self) -> dict:
        return {"name": self.name, "size": int(self.size), "hardness": float(self.hardness),
                "tip": self.tip.to_dict()}

    @classmethod
    def from_dict(cls, d: dict) -> "BrushPreset":
        return cls(str(d["name"]), int(min(1000, max(1, int(d.get("size", 30))))),
                   _unit(d.get("hardness", 1.0)), BrushTip.from_dict(d.get("tip", {})))


# -- sampled tips ------------------------------------------------------------------------------
def sample_of_pixels(rgba: np.ndarray) -> np.ndarray:
    """Edit > Define Brush Preset: a sampled tip from straight RGBA pixels (what the canvas
    shows in the selection, its soft edge in the alpha): their grey, dark = paint, where
    transparent none, as Photoshop reads a brush's image; cut to what holds paint and brought
    down to MAX_SAMPLE px. An area without paint is refused in one line."""
    if rgba.size == 0:
        raise DocumentError("Select an area to define a brush from first.")
    rgb = rgba[..., :3].astype(np.float32)
    grey = rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114
    paint = (255.0 - grey) * (rgba[..., 3].astype(np.float32) / 255.0)
    sample = np.clip(np.rint(paint), 0, 255).astype(np.uint8)
    ys, xs = np.nonzero(sample > 2)
    if not len(ys):
        raise DocumentError("There is no paint to make a brush of there: the selected area "
                            "is white or empty (dark pixels paint).")
    sample = sample[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    longest = max(sample.shape)
    if longest > MAX_SAMPLE:
        k = MAX_SAMPLE / longest
        sample = cv2.resize(sample, (max(1, round(sample.shape[1] * k)),
                                     max(1, round(sample.shape[0] * k))),
                            interpolation=cv2.INTER_AREA)
    return sample


def _star(n: int = 128, points: int = 5) -> np.ndarray:
    img = np.zeros((n, n), np.uint8)
    ang = np.arange(2 * points) * math.pi / points - math.pi / 2
    rad = np.where(np.arange(2 * points) % 2 == 0, 0.48, 0.2) * n
    poly = np.column_stack([n / 2 + rad * np.cos(ang), n / 2 + 0.04 * n + rad * np.sin(ang)])
    cv2.fillPoly(img, [np.rint(poly * 16).astype(np.int32)], 255, cv2.LINE_AA, shift=4)
    return img


def _grass(n: int = 128) -> np.ndarray:
    """A blade of grass: tapering and bending as it rises from the base."""
    img = np.zeros((n, n // 2), np.uint8)
    t = np.linspace(0.0, 1.0, 40)
    x = n / 4 + (t ** 2) * n * 0.18
    y = n * (0.98 - 0.96 * t)
    half = (1.0 - t) * n * 0.06 + 0.5
    poly = np.concatenate([np.column_stack([x - half, y]), np.column_stack([x + half, y])[::-1]])
    cv2.fillPoly(img, [np.rint(poly * 16).astype(np.int32)], 255, cv2.LINE_AA, shift=4)
    return img


def _chalk(n: int = 96) -> np.ndarray:
    """A round dab of grainy chalk: a soft disc through fixed noise."""
    rng = np.random.default_rng(1234)
    yy, xx = np.mgrid[0:n, 0:n]
    d = np.hypot(xx + 0.5 - n / 2, yy + 0.5 - n / 2) / (n / 2)
    disc = np.clip((1.0 - d) * 4.0, 0.0, 1.0)
    grain = cv2.GaussianBlur(rng.random((n, n)).astype(np.float32), (0, 0), 1.2)
    grain = np.clip((grain - grain.mean()) / (grain.std() + 1e-6) * 0.5 + 0.55, 0.0, 1.0)
    return np.rint(disc * grain * 255).astype(np.uint8)


def default_presets() -> list[BrushPreset]:
    """The presets the list starts with: Photoshop's round ones and a few sampled shapes."""
    return [BrushPreset("Hard Round", 30, 1.0),
            BrushPreset("Soft Round", 60, 0.0),
            BrushPreset("Star", 50, 1.0, BrushTip(spacing=1.2, sample=_star())),
            BrushPreset("Grass Blade", 60, 1.0,
                        BrushTip(spacing=0.3, sample=_grass(), size_jitter=0.4,
                                 angle_jitter=0.1, scatter=0.6, count=2)),
            BrushPreset("Chalk", 40, 1.0, BrushTip(spacing=0.15, sample=_chalk(),
                                                   angle_jitter=1.0))]


def load(path: str) -> list[BrushPreset]:
    """The presets saved at `path` (brushes.json); a damaged file raises DocumentError."""
    data = preset_file.read_json(path)
    try:
        return [BrushPreset.from_dict(d) for d in data["presets"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise DocumentError(f"The brush presets file {path} could not be read ({exc}).") \
            from exc


def save(path: str, presets: list[BrushPreset]) -> None:
    """Writes the presets to `path` (atomically: a crash leaves the old one; SaveError)."""
    preset_file.write_json(path, {"version": 1, "presets": [p.to_dict() for p in presets]},
                           indent=None)


def tip_json(tip: BrushTip) -> str:
    """A tool's current tip as the settings keep it."""
    return json.dumps(tip.to_dict())


def tip_from_json(text: str) -> BrushTip:
    try:
        return BrushTip.from_dict(json.loads(text)) if text else BrushTip()
    except (ValueError, TypeError, DocumentError):
        return BrushTip()


__all__ = ["BrushTip", "BrushPreset", "default_presets", "load", "save", "sample_of_pixels",
           "tip_json", "tip_from_json"]

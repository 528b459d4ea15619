"""The Art History Brush's pixel work: stylised strokes in the History Brush's source.

Where the pointer passes, each dab spawns a few short strokes at random points of the
Area around it (a disc of that diameter). A stroke takes the colour the History Brush's
source (`history_brush.source_layer`: the snapshot chosen in the History panel's brush
column) has where it starts, and walks along the source's edges (across its local
luminance gradient, so it follows the shapes as a painter's stroke does), for the
Style's length, turning by the Style's curl at each step, with the Style's jitter.
Tolerance (0-100 %) keeps strokes to where the layer differs from the source by more
than that share of the full range (0: anywhere), as Photoshop's does.

The strokes are laid through one `brush_stroke.BrushStroke` (the brush's size and
hardness, Opacity, the selection, one undo step): each small dab adds its coverage to
the stroke's cover and its colour to a paint buffer the size of the edited array
(zeros mapped lazily: only what the stroke reaches costs memory), and the stroke lays
that paint as the Clone Stamp lays its copy (`clone.clone_dab`). The random draws come
from one generator per stroke (`seed`), so a stroke is reproducible. No Qt here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Optional

import cv2
import numpy as np

from engine.box import Box

from .brush_stroke import BrushStroke, restore
from .clone import clone_dab
from .dabs import dab_mask
from .layers import Layer
from .snapshots import State

STEP = 0.25  # a stroke's dabs, in brush diameters apart (the Brush's spacing)


@dataclass(frozen=True)
class Style:
    """How a Style's strokes go: `length` (brush diameters), `curl` (degrees turned a
    step), `jitter` (degrees of random turn, once a stroke), `count` (strokes a dab),
    `follow` (steer along the source's edges at every step, not only at the start)."""
    length: float
    curl: float
    jitter: float
    count: int
    follow: bool


# Photoshop's Style menu, the ones defined here (the default first).
STYLES = {"Tight Short": Style(2.0, 0.0, 8.0, 3, True),
          "Tight Medium": Style(4.0, 0.0, 8.0, 3, True),
          "Loose Medium": Style(4.0, 0.0, 40.0, 3, False),
          "Tight Curl": Style(4.0, 22.0, 5.0, 2, False),
          "Dab": Style(0.0, 0.0, 0.0, 5, False)}


class ArtHistoryStroke:
    """One Art History Brush stroke on `edit` (a `PixelEdit` of a layer whose array starts
    at canvas point `origin`, begun and ended by the caller) from `source`, a layer of
    snapshot state `state` (as `history_brush.source_layer` found it)."""

    def __init__(self, doc, edit, origin: tuple[int, int], state: State, source: Layer,
                 size: float, hardness: float, opacity: float, locked: bool, style: str,
                 area: float, tolerance: float, seed: Optional[int] = None):
        self.doc, self.edit, self.origin = doc, edit, origin
        self.state, self.source = state, source
        self.size, self.hardness = float(size), float(hardness)
        self.style = STYLES.get(style, STYLES["Tight Short"])
        self.area, self.tolerance = float(area), float(tolerance)
        self.rng = np.random.default_rng(seed)
        self.paint = np.zeros(edit.shape + (4,), np.uint8)  # the strokes' colours
        ox, oy = origin

        def lay(view: np.ndarray, before: np.ndarray, cover: np.ndarray, at: Box) -> None:
            restore(view, before, locked)
            clone_dab(view, self.paint[at.translate(-ox, -oy).slices()], cover, opacity)

        self.stroke = BrushStroke(doc, edit, origin, size, hardness, 1.0, lay)

    def dabs(self, centres: Iterable[tuple[float, float]]) -> Optional[Box]:
        """Spawns the strokes of a dab at each canvas point of `centres` and lays them; the
        box of the array that changed (None: none)."""
        small: list[tuple[float, float]] = []
        for cx, cy in centres:
            small += self._spawn(cx, cy)
        return self.stroke.dabs(small) if small else None

    def _spawn(self, cx: float, cy: float) -> list[tuple[float, float]]:
        """A dab's strokes: their dabs painted into the paint buffer, their centres."""
        style, d = self.style, max(1.0, self.size)
        reach = self.area / 2 + style.length * d + d
        box = Box(int(math.floor(cx - reach)), int(math.floor(cy - reach)),
                  int(2 * reach) + 2, int(2 * reach) + 2).clip(self.doc.width, self.doc.height)
        if box.is_empty():
            return []
        src = self.state.canvas_crop(self.source, box)
        lum = src[..., :3].astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
        # The edges of the shapes, not of the pixels' noise: smoothed at the brush's scale.
        lum = cv2.GaussianBlur(lum, (0, 0), max(1.0, d / 3))
        gx = cv2.Sobel(lum, cv2.CV_32F, 1, 0, ksize=3)
        gy = cv2.Sobel(lum, cv2.CV_32F, 0, 1, ksize=3)
        out: list[tuple[float, float]] = []
        for _ in range(style.count):
            r = self.area / 2 * math.sqrt(self.rng.random())
            t = self.rng.random() * 2 * math.pi
            x, y = cx + r * math.cos(t), cy + r * math.sin(t)
            colour = self._colour_at(src, box, x, y)
            if colour is None or not self._differs(colour, x, y):
                continue
            heading = self._along_edge(gx, gy, box, x, y, None)
            heading += math.radians(style.jitter) * (self.rng.random() * 2 - 1)
            points = [(x, y)]
            steps = int(round(style.length / STEP))
            for _step in range(steps):
                if style.follow:
                    heading = self._along_edge(gx, gy, box, x, y, heading)
                heading += math.radians(style.curl)
                x += STEP * d * math.cos(heading)
                y += STEP * d * math.sin(heading)
                if not (box.x <= x < box.x + box.w and box.y <= y < box.y + box.h):
                    break
                points.append((x, y))
            for px, py in points:
                self._paint_dab(px, py, colour)
            out += points
        return out

    def _colour_at(self, src: np.ndarray, box: Box, x: float, y: float):
        """The source's colour at canvas point (x, y) (None: outside, or transparent)."""
        ix, iy = int(math.floor(x)) - box.x, int(math.floor(y)) - box.y
        if not (0 <= ix < box.w and 0 <= iy < box.h) or src[iy, ix, 3] == 0:
            return None
        return src[iy, ix, :3].copy()

    def _differs(self, colour: np.ndarray, x: float, y: float) -> bool:
        """Tolerance: whether the layer (as it was before the stroke) at canvas point
        (x, y) differs from the source's `colour` by more than Tolerance allows."""
        if self.tolerance <= 0:
            return True
        ax, ay = int(math.floor(x)) - self.origin[0], int(math.floor(y)) - self.origin[1]
        h, w = self.edit.shape
        if not (0 <= ax < w and 0 <= ay < h):
            return True
        before = self.edit.original(Box(ax, ay, 1, 1))[0, 0]
        if before[3] == 0:
            return True
        diff = np.abs(before[:3].astype(int) - colour.astype(int)).max()
        return diff > self.tolerance / 100.0 * 255.0

    def _along_edge(self, gx: np.ndarray, gy: np.ndarray, box: Box, x: float, y: float,
                    heading: Optional[float]) -> float:
        """The direction (radians) along the source's edge at (x, y): across its gradient,
        the way nearest `heading` (None: either, drawn); a flat spot keeps `heading` (or
        draws one)."""
        ix = min(max(int(math.floor(x)) - box.x, 0), box.w - 1)
        iy = min(max(int(math.floor(y)) - box.y, 0), box.h - 1)
        vx, vy = float(gx[iy, ix]), float(gy[iy, ix])
        if math.hypot(vx, vy) < 1e-3:
            return heading if heading is not None else self.rng.random() * 2 * math.pi
        along = math.atan2(vy, vx) + math.pi / 2
        if heading is None:
            return along + (math.pi if self.rng.random() < 0.5 else 0.0)
        if math.cos(along - heading) < 0:
            along += math.pi
        return along

    def _paint_dab(self, x: float, y: float, colour: np.ndarray) -> None:
        """Puts `colour` into the paint buffer under a dab at canvas point (x, y), over
        the colours earlier strokes left there by the dab's coverage."""
        ox, oy = self.origin
        mask, box = dab_mask(x - ox, y - oy, self.size, self.hardness)
        h, w = self.paint.shape[:2]
        inter = box.clip(w, h)
        if inter.is_empty():
            return
        m = mask[inter.translate(-box.x, -box.y).slices()]
        region = self.paint[inter.slices()]
        fresh = region[..., 3] == 0
        k = np.where(fresh, 1.0, m)[..., None].astype(np.float32)
        mixed = region[..., :3].astype(np.float32) * (1 - k) + colour.astype(np.float32) * k
        touched = m > 0
        region[..., :3][touched] = np.clip(np.rint(mixed), 0, 255).astype(np.uint8)[touched]
        region[..., 3][touched] = 255

"""Filter > Liquify: a displacement field painted with a soft brush, applied as a filter.

`Mesh` is the field the Liquify dialog paints: for every cell of a grid over a canvas
box (the layer's pixels, reduced by `scale` when the layer is large), the offset in
canvas pixels from which the output there is read: out(p) = source(p + D(p)). A brush
dab changes D under a disc whose weight falls off softly from its centre (`falloff`:
Density sets how much of the radius is full strength):

- Forward Warp (W) pushes what lies under the brush along the drag: the output at p
  becomes what was shown at p - v w(p), so D'(p) = D(p - v w) - v w, v the brush's
  move; a long move is cut into steps of a quarter of the radius, so the push never
  folds the picture over itself.
- Reconstruct (R) brings D back towards zero: D' = D (1 - k w).
- Smooth (E) eases the field under the brush towards its own local average (a Gaussian
  of a third of the radius): D' = D + k w (G * D - D). Kinks and ripples left by warps
  even out while the broad push stays, which Reconstruct would take back.
- Push Left (O) pushes what lies under the brush sideways, to the left of the drag (up
  moves pixels left, down moves them right; Alt the other way, as in Photoshop): a
  Forward Warp whose move is the drag turned by -90 degrees.
- Pucker (S) and Bloat (B) read from further from / nearer to the brush's centre c,
  s(p) = -/+ k w (c - p): D'(p) = D(p + s) + s; what is under the brush shrinks / grows.
- Twirl Clockwise (C; counter-clockwise with `reverse`, Alt in the dialog) reads from p
  turned about c by -/+ TWIRL w radians: D'(p) = D(p + s) + s, s = R(-a w)(p - c) - (p - c).
- Freeze Mask (F) and Thaw Mask (D) paint `freeze` (0..1 a cell) instead of the field:
  every other tool's change to a cell is multiplied by 1 - freeze there (`_apply`), so a
  frozen cell keeps its offset. `mask_all`, `invert_all` and `clear_mask` are the
  dialog's Mask options. The mask is the dialog's alone: `frozen` hands on the field only.

Each is a composition with the field as it is, so the strokes add up as the picture
shown moves, not as the offsets would sum. `Liquify` is the filter (`pixel_filters`'
`Operation`): a frozen copy of the field, upsampled smoothly (bicubic) to the canvas
pixels of each band `filter_ops.run` hands it, the layer read there by `cv2.remap`
(`distort_filters.remap_rgba`: bilinear, on premultiplied colour, transparent beyond the
layer; an opaque layer in 8 bits, which is premultiplied already), mixed with the old pixels
by the selection's coverage. Its reach is the largest offset, so a band reads
all it needs and the layer grows where pixels are pushed beyond its edge. Qt-free.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, Optional

import numpy as np

from engine.box import Box

from .distort_filters import remap_rgba
from .pixel_filters import Operation, _blend_premultiplied, _premultiplied, _straight

premultiplied = _premultiplied  # (the dialog's view is kept premultiplied: `Mesh.warped`)

TOOLS = ("warp", "reconstruct", "smooth", "pucker", "bloat", "twirl", "push_left", "freeze",
         "thaw")
STEP = 0.25      # a warp's longest step, in brush radii (longer moves are cut)
SQUEEZE = 0.04   # Pucker / Bloat: the share of the way to the centre per dab at full strength
RESTORE = 0.25   # Reconstruct: the share of the offset taken back per dab at full strength
SMOOTH = 0.5     # Smooth: the share of the way to the local average per dab at full strength
TWIRL = 0.05    # Twirl: radians turned per dab at full strength (about 3 degrees)
CORE = 0.8       # Density 100: the brush at full strength out to this share of its radius


def falloff(r: np.ndarray, density: float) -> np.ndarray:
    """The brush's weight (0..1) at r radii from its centre: 1 out to the core (Density's
    share of CORE), then a smooth step down to 0 at the rim."""
    core = CORE * min(max(density, 0.0), 100.0) / 100.0
    t = np.clip((r - core) / (1.0 - core), 0.0, 1.0)
    return (1.0 - t * t * (3.0 - 2.0 * t)).astype(np.float32)


def _sample(field: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """`field` (h, w, 2) read at grid positions (u, v) (pixel centres), bilinear, its edge
    repeated beyond it."""
    import cv2

    return cv2.remap(field, u.astype(np.float32), v.astype(np.float32), cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_REPLICATE)


class Mesh:
    """The field the dialog paints: a grid over canvas box `box`, `size` cells (w, h)."""

    def __init__(self, box: Box, size: Optional[tuple[int, int]] = None):
        self.box = box
        gw, gh = size if size is not None else (box.w, box.h)
        self.sx, self.sy = gw / box.w, gh / box.h  # grid cells per canvas pixel
        self.field = np.zeros((gh, gw, 2), np.float32)  # offsets in canvas pixels
        self.freeze = np.zeros((gh, gw), np.float32)  # 1: a cell no tool may change

    # -- where things are -------------------------------------------------------------------

    def to_grid(self, x: float, y: float) -> tuple[float, float]:
        """Canvas point (continuous: pixel j spans j..j+1) -> grid pixel-centre position."""
        return (x - self.box.x) * self.sx - 0.5, (y - self.box.y) * self.sy - 0.5

    def _window(self, cx: float, cy: float, radius: float):
        """The grid cells a dab of `radius` canvas pixels at canvas (cx, cy) touches: their
        slices, grid positions and distance from the centre in radii (or None)."""
        gx, gy = self.to_grid(cx, cy)
        rx, ry = radius * self.sx, radius * self.sy
        h, w = self.field.shape[:2]
        x0, x1 = max(0, int(math.floor(gx - rx))), min(w, int(math.ceil(gx + rx)) + 1)
        y0, y1 = max(0, int(math.floor(gy - ry))), min(h, int(math.ceil(gy + ry)) + 1)
        if x0 >= x1 or y0 >= y1:
            return None
        u, v = np.meshgrid(np.arange(x0, x1, dtype=np.float32),
                           np.arange(y0, y1, dtype=np.float32))
        # Distance in canvas pixels (the grid may be reduced differently along x and y).
        r = np.hypot((u - gx) / self.sx, (v - gy) / self.sy) / max(radius, 1e-3)
        return (slice(y0, y1), slice(x0, x1)), u, v, r

    # -- painting ---------------------------------------------------------------------------

    def stroke(self, tool: str, start: tuple[float, float], end: tuple[float, float],
               size: float, pressure: float, density: float, reverse: bool = False) -> None:
        """The brush (diameter `size` canvas pixels, Pressure and Density 0..100) moved from
        `start` to `end` (canvas points): dabs every STEP radii along the way (the first at
        `start` for a warp or Push Left, which push by the move; at `end` otherwise).
        `reverse` turns Twirl counter-clockwise and Push Left to the right."""
        radius = max(size / 2.0, 0.5)
        dx, dy = end[0] - start[0], end[1] - start[1]
        steps = max(1, int(math.ceil(math.hypot(dx, dy) / (STEP * radius))))
        for i in range(steps):
            if tool in ("warp", "push_left"):
                at = (start[0] + dx * i / steps, start[1] + dy * i / steps)
                move = (dx / steps, dy / steps)
                if tool == "push_left":  # the drag turned a quarter left (y grows down)
                    side = -1.0 if reverse else 1.0
                    move = (side * move[1], -side * move[0])
                self.warp(at, move, radius, pressure, density)
            else:
                at = (start[0] + dx * (i + 1) / steps, start[1] + dy * (i + 1) / steps)
                self.dab(tool, at, size, pressure, density, reverse)

    def warp(self, at, move, radius: float, pressure: float, density: float) -> None:
        """Forward Warp: what lies under the brush at `at` pushed by `move` (canvas px)."""
        window = self._window(at[0], at[1], radius)
        if window is None:
            return
        where, u, v, r = window
        w = falloff(r, density) * np.float32(pressure / 100.0)
        mx, my = np.float32(move[0]), np.float32(move[1])
        old = _sample(self.field, u - mx * self.sx * w, v - my * self.sy * w)
        old[..., 0] -= mx * w
        old[..., 1] -= my * w
        self._apply(where, old)

    def _apply(self, where, new: np.ndarray) -> None:
        """The field's cells at `where` set to `new`, held back where the mask freezes them
        (the change scaled by 1 - freeze: a half-frozen cell moves half as far)."""
        free = 1.0 - self.freeze[where]
        if free.min() >= 1.0:
            self.field[where] = new
        else:
            old = self.field[where]
            self.field[where] = old + (new - old) * free[..., None]

    def dab(self, tool: str, at, size: float, strength: float, density: float,
            reverse: bool = False) -> None:
        """One dab of Reconstruct, Pucker, Bloat, Twirl (counter-clockwise when `reverse`),
        Freeze or Thaw Mask at canvas point `at` (`strength` 0..100)."""
        radius = max(size / 2.0, 0.5)
        window = self._window(at[0], at[1], radius)
        if window is None:
            return
        where, u, v, r = window
        w = falloff(r, density) * np.float32(strength / 100.0)
        if tool == "freeze":  # the mask rises towards the brush's weight, never falls
            self.freeze[where] = np.maximum(self.freeze[where], w)
            return
        if tool == "thaw":
            self.freeze[where] *= 1.0 - w
            return
        if tool == "reconstruct":
            self._apply(where, self.field[where] * (1.0 - RESTORE * w)[..., None])
            return
        if tool == "smooth":
            mean = self._local_mean(where, radius)
            old = self.field[where]
            self._apply(where, old + (mean - old) * (SMOOTH * w)[..., None])
            return
        gx, gy = self.to_grid(*at)
        if tool == "twirl":
            # Canvas offsets from the centre, turned by -a (clockwise on screen, y down:
            # the output reads from where the picture was before it turned).
            a = TWIRL * w * (-1.0 if reverse else 1.0)
            qx, qy = (u - gx) / self.sx, (v - gy) / self.sy
            cos, sin = np.cos(a), np.sin(a)
            su = (qx * cos + qy * sin - qx) * self.sx
            sv = (-qx * sin + qy * cos - qy) * self.sy
        elif tool in ("pucker", "bloat"):
            k = SQUEEZE * w * (1.0 if tool == "bloat" else -1.0)
            su, sv = k * (gx - u), k * (gy - v)  # grid cells towards (Bloat) the centre
        else:
            raise ValueError(f"Liquify's tools are {', '.join(TOOLS)}, not {tool!r}")
        new = _sample(self.field, u + su, v + sv)
        new[..., 0] += su / self.sx
        new[..., 1] += sv / self.sy
        self._apply(where, new)

    def _local_mean(self, where, radius: float) -> np.ndarray:
        """The field's Gaussian average (sigma a third of `radius`, in each axis's cells) at
        the cells of `where`, read from a window grown by three sigmas so the dab's rim
        averages over what lies beyond it too (the edge of the grid repeated)."""
        import cv2

        sigma_x, sigma_y = max(radius * self.sx / 3.0, 0.5), max(radius * self.sy / 3.0, 0.5)
        px, py = int(math.ceil(3 * sigma_x)), int(math.ceil(3 * sigma_y))
        h, w = self.field.shape[:2]
        ys, xs = where
        y0, y1 = max(0, ys.start - py), min(h, ys.stop + py)
        x0, x1 = max(0, xs.start - px), min(w, xs.stop + px)
        grown = cv2.GaussianBlur(self.field[y0:y1, x0:x1], (0, 0), sigma_x, sigmaY=sigma_y,
                                 borderType=cv2.BORDER_REPLICATE)
        return grown[ys.start - y0:ys.stop - y0, xs.start - x0:xs.stop - x0]

    # -- the freeze mask (Mask: None / Mask All / Invert All) -------------------------------

    def clear_mask(self) -> None:
        self.freeze[...] = 0.0

    def mask_all(self) -> None:
        self.freeze[...] = 1.0

    def invert_all(self) -> None:
        np.subtract(1.0, self.freeze, out=self.freeze)

    def restore_all(self) -> None:
        """Every warp taken back (frozen cells too, as Photoshop's Restore All does)."""
        self.field[...] = 0.0

    def is_identity(self) -> bool:
        return not self.field.any()

    # -- what it shows and applies ------------------------------------------------------------

    def warped(self, pre: np.ndarray) -> np.ndarray:
        """`pre` (float32 premultiplied RGBA of the grid's size, `premultiplied(the box
        reduced)`) as the field moves it, straight uint8: the dialog's live view."""
        import cv2

        h, w = self.field.shape[:2]
        u, v = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
        u += self.field[..., 0] * np.float32(self.sx)
        v += self.field[..., 1] * np.float32(self.sy)
        out = cv2.remap(pre, u, v, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                        borderValue=(0, 0, 0, 0))
        return _straight(out)

    def frozen(self) -> "Liquify":
        """The filter of the field as it is now (a copy: painting on goes on apart)."""
        return Liquify(FrozenMesh(self.box, self.sx, self.sy, self.field.copy()))


class FrozenMesh:
    """A field no longer painted (the filter's). Compared by identity: two filters are the
    same only when they share one (the live preview and Last Filter compare operations)."""

    def __init__(self, box: Box, sx: float, sy: float, field: np.ndarray):
        self.box, self.sx, self.sy, self.field = box, sx, sy, field
        self.field.setflags(write=False)
        self.largest = float(np.abs(field).max()) if field.size else 0.0

    def offsets(self, where: Box) -> np.ndarray:
        """(h, w, 2) float32 offsets in canvas pixels for the canvas pixels of `where`: the
        grid upsampled bicubically (smooth where the grid is reduced), zero beyond its box."""
        import cv2

        inside = where.intersect(self.box)
        if self.sx == 1.0 and self.sy == 1.0:  # a full-size grid: its own cells
            out = np.zeros((where.h, where.w, 2), np.float32)
            if not inside.is_empty():
                out[inside.translate(-where.x, -where.y).slices()] = \
                    self.field[inside.translate(-self.box.x, -self.box.y).slices()]
            return out
        x = (np.arange(where.x, where.x1, dtype=np.float32) + 0.5 - self.box.x) * self.sx - 0.5
        y = (np.arange(where.y, where.y1, dtype=np.float32) + 0.5 - self.box.y) * self.sy - 0.5
        at = np.empty((where.h, where.w, 2), np.float32)  # grid positions (cv2's one map)
        at[..., 0] = x[None, :]
        at[..., 1] = y[:, None]
        out = cv2.remap(np.asarray(self.field), at, None, cv2.INTER_CUBIC,
                        borderMode=cv2.BORDER_REPLICATE)
        if (inside.w, inside.h) != (where.w, where.h):
            keep = np.zeros(out.shape[:2], bool)
            if not inside.is_empty():
                keep[inside.translate(-where.x, -where.y).slices()] = True
            out[~keep] = 0.0
        return out


@dataclass(frozen=True)
class Liquify(Operation):
    """Filter > Liquify: the layer read through a painted field (`Mesh.frozen`)."""

    label: ClassVar[str] = "Liquify"
    grows: ClassVar[bool] = True  # pixels pushed beyond the layer's edge grow it
    mesh: FrozenMesh = None

    def reach(self) -> int:
        # Bicubic upsampling may overshoot the grid's largest offset a little.
        return int(math.ceil(self.mesh.largest * 1.1)) + 2

    def is_identity(self) -> bool:
        return self.mesh.largest == 0.0

    def process(self, src, inner, where, coverage):
        d = self.mesh.offsets(where)  # -> where each output pixel reads, in `src`
        d[..., 0] += np.arange(inner.x, inner.x1, dtype=np.float32)[None, :]
        d[..., 1] += np.arange(inner.y, inner.y1, dtype=np.float32)[:, None]
        # Nothing beyond the crop: it holds the layer and the canvas, beyond is transparent.
        out = remap_rgba(src, d, "transparent", cubic=False)
        return _blend_premultiplied(src[inner.slices()], out, coverage)

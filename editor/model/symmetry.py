"""Paint Symmetry (Photoshop's butterfly button on the Brush, Pencil and Eraser options
bars): where the symmetric copies of a dab fall, and how its tip turns there.

A `Symmetry` is a kind (vertical, horizontal, dual axis, diagonal, radial, mandala), a
centre on the canvas (the axis position, or the radial centre) and, for radial and
mandala, a segment count. `copies` maps one dab (its centre and tip angle) to all of its
copies: rotations turn the tip with them; reflections flip it (`flipped`) and mirror its
angle, as a reflected shape is. `BrushStroke` lays every copy into the one stroke cover,
so the stroke's opacity caps the union of the copies as it caps the dabs of one stroke.
No Qt here: the tools (editor/ui/tools/symmetry_ui.py) show and move it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

# The kinds, in the menu's order, with the menu's words.
KINDS = {"off": "Off", "vertical": "Vertical", "horizontal": "Horizontal",
         "dual": "Dual Axis", "diagonal": "Diagonal", "radial": "Radial",
         "mandala": "Mandala"}
MIN_SEGMENTS, MAX_SEGMENTS = 2, 12


def _exact(v: float) -> float:
    # cos(90°) is 6e-17 in floating point: round it to 0 so that a quarter turn maps a pixel
    # grid onto itself exactly (Radial 4's copies are pixel-exact turns of each other).
    r = round(v, 12)
    return 0.0 if r == 0 else r


@dataclass(frozen=True)
class Transform:
    """One copy: canvas offset (dx, dy) from the centre -> (a*dx + b*dy, c*dx + d*dy); its
    tip angle (degrees counter-clockwise on screen) -> `turn` + angle, or with `flipped`
    `turn` - angle, the tip mirrored across its long axis."""
    a: float
    b: float
    c: float
    d: float
    turn: float
    flipped: bool

    def angle(self, angle: float) -> float:
        return (self.turn - angle if self.flipped else self.turn + angle) % 360.0


def rotation(degrees: float) -> Transform:
    """A turn by `degrees` counter-clockwise on screen (y points down on the canvas)."""
    t = math.radians(degrees)
    c, s = _exact(math.cos(t)), _exact(math.sin(t))
    return Transform(c, s, -s, c, degrees % 360.0, False)


def reflection(degrees: float) -> Transform:
    """The mirror across the line through the centre at `degrees` counter-clockwise from
    the horizontal on screen (90: a vertical axis)."""
    t = math.radians(2 * degrees)
    c, s = _exact(math.cos(t)), _exact(math.sin(t))
    # On screen (y up) a reflection is [[c, s], [s, -c]]; with y down the off-diagonal
    # terms change sign.
    return Transform(c, -s, -s, -c, (2 * degrees) % 360.0, True)


IDENTITY = rotation(0.0)


@lru_cache(maxsize=64)
def _transforms(k: str, n: int) -> tuple[Transform, ...]:
    """`Symmetry.transforms` for kind `k` and `n` segments (made once: every dab asks)."""
    if k == "vertical":
        return (IDENTITY, reflection(90))
    if k == "horizontal":
        return (IDENTITY, reflection(0))
    if k == "dual":
        return (IDENTITY, reflection(90), reflection(0), rotation(180))
    if k == "diagonal":
        return (IDENTITY, reflection(45))
    if k == "radial":
        return tuple(rotation(360.0 * i / n) for i in range(n))
    if k == "mandala":
        # The dihedral group: n turns and n mirrors, the first across the vertical axis.
        return tuple(rotation(360.0 * i / n) for i in range(n)) + \
            tuple(reflection(90 + 180.0 * i / n) for i in range(n))
    return (IDENTITY,)


@dataclass(frozen=True)
class Symmetry:
    """Paint Symmetry: `kind` (a key of KINDS), centre (cx, cy) in canvas pixels,
    `segments` for radial and mandala."""
    kind: str = "off"
    cx: float = 0.0
    cy: float = 0.0
    segments: int = 6

    @property
    def on(self) -> bool:
        return self.kind != "off"

    def transforms(self) -> tuple[Transform, ...]:
        """The copies a dab makes, the dab itself first."""
        return _transforms(self.kind, max(MIN_SEGMENTS, min(MAX_SEGMENTS, int(self.segments))))

    def copies(self, x: float, y: float, angle: float = 0.0
               ) -> list[tuple[float, float, float, bool]]:
        """Each copy of a dab at canvas (x, y) with tip angle `angle`: (x, y, angle,
        flipped), the dab itself first."""
        dx, dy = x - self.cx, y - self.cy
        return [(self.cx + t.a * dx + t.b * dy, self.cy + t.c * dx + t.d * dy,
                 t.angle(angle), t.flipped) for t in self.transforms()]

    def moved_to(self, cx: float, cy: float) -> "Symmetry":
        return Symmetry(self.kind, float(cx), float(cy), self.segments)

    def axes(self, width: int, height: int) -> list[tuple[float, float, float, float]]:
        """The lines the overlay draws, each (x0, y0, x1, y1) in canvas pixels, long enough
        to cross a `width` x `height` canvas: the mirror axes, or the radial spokes."""
        reach = 2.0 * math.hypot(width, height)
        cx, cy = self.cx, self.cy

        def line(deg: float, both: bool = True):
            t = math.radians(deg)
            ux, uy = math.cos(t) * reach, -math.sin(t) * reach
            return (cx - ux if both else cx, cy - uy if both else cy, cx + ux, cy + uy)

        k, n = self.kind, max(MIN_SEGMENTS, min(MAX_SEGMENTS, int(self.segments)))
        if k == "vertical":
            return [line(90)]
        if k == "horizontal":
            return [line(0)]
        if k == "dual":
            return [line(90), line(0)]
        if k == "diagonal":
            return [line(45)]
        if k in ("radial", "mandala"):
            # spokes between the segments, from the centre outwards
            return [line(90 + 360.0 * i / n, both=False) for i in range(n)]
        return []

"""Filter > Render > Flame, Picture Frame and Tree: pictures drawn onto the active pixel
layer, as Photoshop's (which renders them into the layer and wants a pixel layer; they are
usually run on a new empty layer).

All three are `Operation`s of `pixel_filters.py`, so `filter_ops` runs, records and repeats
them as the other filters (one undo step, Last Filter, actions). They are drawn with
OpenCV's anti-aliased polygons and lines (the model stays Qt-free, as Lens Flare's and
Fibers'), each part an alpha mask laid over the layer in its colour (`_Canvas.over`), and are
deterministic for their seed (`numpy.random.default_rng`). Photoshop's own drawing is not
published: these are our shapes under its names and settings.

- Flame: flames along `path` (polylines in canvas pixels, the chosen or Work Path's,
  flattened by the dialog): One flame along path (the path is the flame's spine), Multiple
  flames along path (standing on the path's normal), ...path directed (leaning along the
  path), ...various length (random lengths), ...with angle (all at Angle). Each flame is
  three nested tongues (red, orange, a pale core; or the Custom Color and lighter mixes of
  it) swaying by Turbulent, jagged by Jag, Flame Lines tongues each. Style: Normal, Violent
  (twice the sway and ragged lengths), Flat (little sway, even lengths). Shape: Parallel,
  To the center / Spread out (leaning towards / away from the path's middle), Oval (round
  tongues), Pointed (sharp ones). Quality, Flame Bottom Alignment and Randomize Shapes are
  kept (Last Filter, actions) but do not change the drawing.
- Picture Frame: a decorated band round the canvas `frame`, Margin in from its edge, Size
  wide: Simple, Stripes, Waves, Ribbon, Vines (leaves and flowers on a wavy stem).
- Tree: a tree standing at the bottom centre of `frame` (or on each of `path`'s points
  spaced a tree's width apart): Oak, Maple, Pine, Palm, Cherry Blossom, from recursive
  branches (Branches Height and Thickness) with leaves (Leaves Amount and Size).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, Optional

import numpy as np

from .distort_filters import WHOLE
from .pixel_filters import Operation, _blend_premultiplied

SUB = 4  # cv2's fixed-point fraction bits: polygon points to 1/16 px


class _Canvas:
    """Premultiplied float RGBA on canvas box `where`, parts laid over it one by one."""

    def __init__(self, where):
        self.where = where
        self.rgb = np.zeros((where.h, where.w, 3), np.float32)
        self.alpha = np.zeros((where.h, where.w), np.float32)

    def mask(self) -> np.ndarray:
        return np.zeros((self.where.h, self.where.w), np.uint8)

    def points(self, xy: np.ndarray) -> np.ndarray:
        """Canvas (n, 2) points as cv2's fixed-point int32 in this box (cv2's pixel centres
        are whole numbers; canvas pixel i spans i..i+1)."""
        local = np.asarray(xy, np.float64) - (self.where.x + 0.5, self.where.y + 0.5)
        return np.round(local * (1 << SUB)).astype(np.int32)

    def polygons(self, polys, colour, opacity=1.0, blur=0.0) -> None:
        import cv2

        m = self.mask()
        pts = [self.points(p) for p in polys if len(p) >= 3]
        if pts:
            cv2.fillPoly(m, pts, 255, cv2.LINE_AA, SUB)
        self.over(m, colour, opacity, blur)

    def lines(self, lines, colour, width, opacity=1.0) -> None:
        import cv2

        m = self.mask()
        for line, w in zip(lines, np.broadcast_to(width, (len(lines),))):
            cv2.polylines(m, [self.points(line)], False, 255, max(1, int(round(w))),
                          cv2.LINE_AA, SUB)
        self.over(m, colour, opacity)

    def discs(self, centres, radii, colour, opacity=1.0) -> None:
        import cv2

        m = self.mask()
        for (x, y), r in zip(self.points(centres), np.broadcast_to(radii, (len(centres),))):
            cv2.circle(m, (int(x), int(y)), max(1, int(round(r * (1 << SUB)))), 255, -1,
                       cv2.LINE_AA, SUB)
        self.over(m, colour, opacity)

    def over(self, mask: np.ndarray, colour, opacity=1.0, blur=0.0) -> None:
        """`colour` laid over what is drawn, through `mask` (uint8) times `opacity`."""
        import cv2

        a = mask.astype(np.float32) * np.float32(opacity / 255)
        if blur > 0.3:
            a = cv2.GaussianBlur(a, (0, 0), blur)
        keep = 1 - a
        self.rgb *= keep[..., None]
        self.rgb += a[..., None] * (np.asarray(colour, np.float32) / 255)
        self.alpha *= keep
        self.alpha += a

    def onto(self, old: np.ndarray, coverage, opacity: float = 1.0) -> np.ndarray:
        """The drawing laid over straight uint8 RGBA `old` (Normal mode)."""
        a = self.alpha * np.float32(opacity)
        a_old = old[..., 3].astype(np.float32) / 255
        alpha = a + a_old * (1 - a)
        pre = self.rgb * np.float32(opacity) * 255 + old[..., :3] * (a_old * (1 - a))[..., None]
        new = np.empty(old.shape, np.uint8)
        new[..., :3] = np.clip(pre / np.maximum(alpha, 1e-6)[..., None] + 0.5, 0, 255)
        new[..., 3] = np.clip(alpha * 255 + 0.5, 0, 255)
        return _blend_premultiplied(old, new, coverage)


def chosen_lines(doc) -> tuple:
    """The chosen path's (or else the Work Path's) subpaths as polylines: tuples of (x, y)
    canvas points, rounded to 1/100 px (plain settings: actions record them)."""
    from . import path_edit, paths
    from .vector_mask import flatten

    vector = paths.target_vector(doc)
    if vector is None and paths.work_path(doc) is not None:
        vector = paths.work_path(doc).vector
    if vector is None:
        return ()
    return tuple(tuple(map(tuple, np.round(flatten(s.knots, s.closed), 2).tolist()))
                 for s in path_edit.current_subpaths(vector) if len(s.knots) >= 2)


def _resample(line: np.ndarray, step: float) -> tuple[np.ndarray, np.ndarray]:
    """Points every `step` px along polyline `line` (n, 2), and the unit tangents there."""
    seg = np.diff(line, axis=0)
    lengths = np.hypot(seg[:, 0], seg[:, 1])
    keep = lengths > 1e-9
    seg, lengths = seg[keep], lengths[keep]
    if not len(seg):
        return np.empty((0, 2)), np.empty((0, 2))
    starts = np.concatenate([[0], np.cumsum(lengths)])
    at = np.arange(0, starts[-1] + 1e-9, max(step, 0.5))
    i = np.clip(np.searchsorted(starts, at, "right") - 1, 0, len(seg) - 1)
    base = line[:-1][keep]
    points = base[i] + seg[i] * ((at - starts[i]) / lengths[i])[:, None]
    return points, seg[i] / lengths[i][:, None]


class _Whole(Operation):
    """Drawn for the whole canvas `frame` (x, y, w, h), whatever box it runs on."""

    grows: ClassVar[bool] = True   # it paints transparent pixels
    paints: ClassVar[bool] = True  # an empty layer too (`filter_ops.prepare`)

    def reach(self) -> int:
        return WHOLE

    def banded(self) -> bool:
        return False

    def _frame(self, where):
        return self.frame if self.frame is not None else where.as_tuple()

    def for_document(self, doc) -> "_Whole":
        """This operation drawn for `doc`: its canvas as the frame, and (Flame, Tree) the
        path chosen in the Paths panel, else the Work Path, flattened to polylines."""
        from dataclasses import fields, replace

        changes = {"frame": doc.canvas.as_tuple()}
        if "path" in {f.name for f in fields(self)}:
            changes["path"] = chosen_lines(doc)
        return replace(self, **changes)

    def process(self, src, inner, where, coverage):
        canvas = _Canvas(where)
        self.draw(canvas, where)
        return canvas.onto(src[inner.slices()], coverage, getattr(self, "opacity", 100) / 100)


# -- Flame -----------------------------------------------------------------------------------

FLAME_TYPES = ("one", "multiple", "directed", "various", "angle_one", "angle_multiple")
FLAME_STYLES = ("normal", "violent", "flat")
FLAME_SHAPES = ("parallel", "center", "spread", "oval", "pointed")
FLAME_COLOURS = ((230, 40, 0), (255, 140, 10), (255, 235, 160))  # outer, middle, core


def _lighter(colour, t: float) -> tuple:
    return tuple(c + (255 - c) * t for c in colour)


@dataclass(frozen=True)
class Flame(_Whole):
    label: ClassVar[str] = "Flame"
    flame_type: str = "multiple"
    length: int = 120            # 1..1000 px
    width: int = 40              # 1..500 px
    angle: int = 0               # -180..180°: the flames' lean (0: standing up off the path)
    interval: int = 40           # 1..500 px between flames
    custom_colour: bool = False
    colour: tuple = (255, 80, 0)
    turbulent: int = 25          # 0..100
    jag: int = 10                # 0..100
    opacity: int = 100           # 1..100 %
    lines: int = 1               # 1..10 tongues a flame
    style: str = "normal"
    shape: str = "parallel"
    quality: str = "medium"      # kept, not drawn
    bottom_alignment: int = 0    # kept, not drawn
    randomize_shapes: bool = False  # kept, not drawn
    seed: int = 0
    path: tuple = ()             # polylines: tuples of (x, y) canvas points
    frame: Optional[tuple] = None

    def __post_init__(self):
        for name, value, allowed in (("flame_type", self.flame_type, FLAME_TYPES),
                                     ("style", self.style, FLAME_STYLES),
                                     ("shape", self.shape, FLAME_SHAPES)):
            if value not in allowed:
                raise ValueError(f"{name} is one of {', '.join(allowed)}, not {value!r}")

    def for_document(self, doc) -> "Flame":
        from .errors import DocumentError

        op = super().for_document(doc)
        if not op.path:
            raise DocumentError("Flame draws along a path: draw one with the Pen (the Work "
                                "Path) or choose one in the Paths panel first.")
        return op

    def _profile(self, t: np.ndarray) -> np.ndarray:
        """Half-width along a tongue (t 0 base .. 1 tip), as a share of its half-width."""
        t = np.clip(t, 0, 1)
        rise = np.clip(t / 0.18, 0, 1) ** 0.5  # a rounded foot
        if self.shape == "oval":
            return np.sqrt(np.clip(1 - (2 * t - 0.9) ** 2, 0, 1))
        if self.shape == "pointed":
            return rise * (1 - t) ** 1.6
        return rise * (1 - t) ** 0.85

    def _tongue(self, base, up, length, width, rng) -> list[np.ndarray]:
        """The three nested outlines of one tongue from `base` along unit `up`."""
        sway = {"normal": 1.0, "violent": 2.2, "flat": 0.3}[self.style] * self.turbulent / 100
        side = np.array([-up[1], up[0]])
        t = np.linspace(0, 1, 48)[:, None]
        phase, freq = rng.uniform(0, 2 * math.pi), rng.uniform(1.2, 2.2)
        bend = sway * length * 0.18 * t ** 1.5 * np.sin(freq * math.pi * t + phase)
        spine = base + up * (length * t) + side * bend
        jag = self.jag / 100 * width * 0.12 * rng.standard_normal((len(t), 1)) * t
        outlines = []
        for share in (1.0, 0.62, 0.32):
            half = width / 2 * share * self._profile(t / max(share ** 0.5, 1e-3))
            half = np.where(t / share ** 0.5 <= 1, half, 0) + jag * share
            left, right = spine + side * half, spine - side * half
            outlines.append(np.concatenate([left, right[::-1]]))
        return outlines

    def draw(self, canvas: _Canvas, where) -> None:
        rng = np.random.default_rng(self.seed)
        lines = [np.asarray(p, np.float64) for p in self.path if len(p) >= 2]
        if not lines:
            return
        middle = np.concatenate(lines).mean(axis=0)
        lean = math.radians(self.angle)
        layers: list[list[np.ndarray]] = [[], [], []]
        for line in lines:
            if self.flame_type in ("one", "angle_one"):
                self._along(line, rng, layers)
                continue
            points, tangents = _resample(line, self.interval)
            for p, tan in zip(points, tangents):
                normal = np.array([tan[1], -tan[0]])  # left of the path's run (up on a
                if normal[1] > 0:                      # left-to-right line): up the canvas
                    normal = -normal
                if self.flame_type == "angle_multiple":
                    up = np.array([math.sin(lean), -math.cos(lean)])
                else:
                    up = normal
                    if self.flame_type == "directed":
                        up = normal + tan * 0.8
                    c, s = math.cos(lean), math.sin(lean)
                    up = np.array([c * up[0] - s * up[1], s * up[0] + c * up[1]])
                if self.shape in ("center", "spread"):
                    towards = middle - p
                    towards = towards / max(np.hypot(*towards), 1e-9)
                    up = up + towards * (0.6 if self.shape == "center" else -0.6)
                up = up / max(np.hypot(*up), 1e-9)
                spread = {"normal": 0.15, "violent": 0.45, "flat": 0.0}[self.style]
                length = self.length * (1 + spread * rng.uniform(-1, 1))
                if self.flame_type == "various":
                    length = self.length * rng.uniform(0.3, 1.3)
                for k in range(max(1, self.lines)):
                    offset = tan * (k - (self.lines - 1) / 2) * self.width * 0.35
                    share = 1 - 0.25 * abs(k - (self.lines - 1) / 2) / max(self.lines, 1)
                    for i, o in enumerate(self._tongue(p + offset, up, length * share,
                                                       self.width, rng)):
                        layers[i].append(o)
        base = self.colour if self.custom_colour else None
        glow = FLAME_COLOURS[0] if base is None else base
        canvas.polygons(layers[0], glow, 0.45, blur=self.width * 0.35)  # the air around lit
        for i, polys in enumerate(layers):
            colour = FLAME_COLOURS[i] if base is None else _lighter(base, (0, 0.4, 0.8)[i])
            canvas.polygons(polys, colour, (0.85, 0.9, 0.95)[i], blur=self.width * 0.04)

    def _along(self, line, rng, layers) -> None:
        """One flame along the path: the path is its spine, widest at the start."""
        points, tangents = _resample(line, 2.0)
        if len(points) < 2:
            return
        t = np.linspace(0, 1, len(points))[:, None]
        normal = np.stack([tangents[:, 1], -tangents[:, 0]], axis=1)
        sway = {"normal": 1.0, "violent": 2.2, "flat": 0.3}[self.style] * self.turbulent / 100
        phase = rng.uniform(0, 2 * math.pi)
        spine = points + normal * (sway * self.width * 0.5 * t
                                   * np.sin(6 * math.pi * t + phase))
        for i, share in enumerate((1.0, 0.62, 0.32)):
            half = self.width / 2 * share * self._profile(t)
            layers[i].append(np.concatenate([spine + normal * half, (spine - normal * half)[::-1]]))


# -- Picture Frame ---------------------------------------------------------------------------

FRAMES = ("simple", "stripes", "waves", "ribbon", "vines")


@dataclass(frozen=True)
class PictureFrame(_Whole):
    label: ClassVar[str] = "Picture Frame"
    frame_kind: str = "vines"
    margin: int = 10            # px in from the canvas edge
    size: int = 40              # px: the band's width
    arrangement: int = 50       # 0..100: how dense the pattern runs
    colour: tuple = (60, 110, 40)       # the main colour (a vine's, a stripe's)
    second_colour: tuple = (230, 80, 110)  # the other (flowers', the ribbon's shade)
    seed: int = 0
    frame: Optional[tuple] = None

    def __post_init__(self):
        if self.frame_kind not in FRAMES:
            raise ValueError(f"the frame is one of {', '.join(FRAMES)}, not {self.frame_kind!r}")

    def _ring(self, fx, fy, fw, fh, inset) -> np.ndarray:
        """The closed rectangle `inset` px inside the frame: its corners, the first again."""
        x0, y0, x1, y1 = fx + inset, fy + inset, fx + fw - inset, fy + fh - inset
        return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]], np.float64)

    def draw(self, canvas: _Canvas, where) -> None:
        rng = np.random.default_rng(self.seed)
        fx, fy, fw, fh = self._frame(where)
        m, s = float(self.margin), float(max(1, self.size))
        outer = self._ring(fx, fy, fw, fh, m)
        inner = self._ring(fx, fy, fw, fh, m + s)
        mid = self._ring(fx, fy, fw, fh, m + s / 2)
        band = [np.concatenate([outer, inner[::-1]])]
        period = s * (2.5 - 2 * self.arrangement / 100)  # px a repeat of the pattern
        if self.frame_kind == "simple":
            canvas.polygons(band, self.colour)
            canvas.lines([self._ring(fx, fy, fw, fh, m + s * 0.3)], self.second_colour,
                         max(1.0, s * 0.08))
        elif self.frame_kind == "stripes":
            import cv2

            canvas.polygons(band, self.colour)
            stripes = canvas.mask()
            x = np.arange(where.x, where.x + where.w)[None, :]
            y = np.arange(where.y, where.y + where.h)[:, None]
            stripes[((x + y) % max(2, int(period))) < period / 2] = 255
            inside = canvas.mask()
            cv2.fillPoly(inside, [canvas.points(band[0])], 255, cv2.LINE_AA, SUB)
            canvas.over(np.minimum(stripes, inside), self.second_colour)
        elif self.frame_kind == "waves":
            points, tangents = _resample(mid, 1.5)
            t = np.arange(len(points)) * 1.5
            normal = np.stack([tangents[:, 1], -tangents[:, 0]], axis=1)
            for k, colour in enumerate((self.colour, self.second_colour, self.colour)):
                wave = points + normal * (s * 0.35 * np.sin(2 * math.pi * t / period
                                                           + k * 2.1))[:, None]
                canvas.lines([wave], colour, max(1.0, s * 0.12))
        elif self.frame_kind == "ribbon":
            canvas.polygons(band, self.colour)
            points, tangents = _resample(mid, period / 2)
            normal = np.stack([tangents[:, 1], -tangents[:, 0]], axis=1)
            folds = []
            for k, (p, tan, n) in enumerate(zip(points[:-1], tangents, normal)):
                if k % 2:
                    continue
                a, b = p, p + tan * period / 2
                # a twist: the fold's edges slant, as a ribbon's turning face
                folds.append(np.array([a + n * s / 2, b + n * s / 2 - tan * s * 0.3,
                                       b - n * s / 2, a - n * s / 2 + tan * s * 0.3]))
            canvas.polygons(folds, self.second_colour, 0.55)
            canvas.lines([outer, inner], self.second_colour, max(1.0, s * 0.06))
        else:  # vines: a wavy stem, leaves on alternate sides, flowers now and then
            points, tangents = _resample(mid, 1.5)
            t = np.arange(len(points)) * 1.5
            normal = np.stack([tangents[:, 1], -tangents[:, 0]], axis=1)
            wave = np.sin(2 * math.pi * t / period)
            stem = points + normal * (s * 0.25 * wave)[:, None]
            canvas.lines([stem], self.colour, max(1.0, s * 0.07))
            leaves, flowers = [], []
            step = max(1, int(period / 2 / 1.5))
            for k, i in enumerate(range(0, len(stem), step)):
                side = 1 if k % 2 else -1
                p, tan, n = stem[i], tangents[i], normal[i] * side
                length = s * rng.uniform(0.3, 0.45)
                tip = p + (n * 0.8 + tan * 0.6) * length
                along = (tip - p) / max(np.hypot(*(tip - p)), 1e-9)
                across = np.array([-along[1], along[0]])
                u = np.linspace(0, 1, 16)[:, None]
                edge = p + (tip - p) * u
                bulge = across * (length * 0.28 * np.sin(math.pi * u))
                leaves.append(np.concatenate([edge + bulge, (edge - bulge)[::-1]]))
                if rng.uniform() < 0.3:
                    flowers.append(p - n * s * 0.2)
            canvas.polygons(leaves, _lighter(self.colour, 0.15))
            if flowers:
                petals = [f + s * 0.12 * np.array([math.cos(a), math.sin(a)])
                          for f in flowers for a in np.linspace(0, 2 * math.pi, 5, False)]
                canvas.discs(np.array(petals), s * 0.1, self.second_colour)
                canvas.discs(np.array(flowers), s * 0.06, (250, 220, 60))


# -- Tree ------------------------------------------------------------------------------------

TREES = ("oak", "maple", "pine", "palm", "cherry")
# Per tree: trunk and leaf colours, how far the branches spread (radians), how many a fork
# gives, how deep they go, and the leaves' shape ("disc", "needle", "frond").
TREE_KINDS = {
    "oak": ((90, 62, 35), (60, 120, 40), 0.55, 3, 6, "disc"),
    "maple": ((95, 60, 40), (210, 80, 30), 0.5, 2, 7, "disc"),
    "pine": ((80, 55, 35), (30, 85, 45), 0.0, 0, 0, "needle"),
    "palm": ((130, 100, 60), (60, 140, 50), 0.0, 0, 0, "frond"),
    "cherry": ((85, 55, 50), (250, 185, 205), 0.6, 2, 7, "disc"),
}


@dataclass(frozen=True)
class Tree(_Whole):
    label: ClassVar[str] = "Tree"
    tree: str = "oak"
    leaves_amount: int = 50      # 0..100
    leaves_size: int = 100       # 0..200 %
    branches_height: int = 100   # 50..300 %: the tree's height (100: 0.7 of the canvas)
    branches_thickness: int = 100  # 50..300 %
    default_leaves: bool = True  # off: no leaves (the bare branches)
    seed: int = 0
    path: tuple = ()
    frame: Optional[tuple] = None

    def __post_init__(self):
        if self.tree not in TREES:
            raise ValueError(f"the tree is one of {', '.join(TREES)}, not {self.tree!r}")

    def draw(self, canvas: _Canvas, where) -> None:
        rng = np.random.default_rng(self.seed)
        fx, fy, fw, fh = self._frame(where)
        height = 0.7 * fh * self.branches_height / 100
        lines = [np.asarray(p, np.float64) for p in self.path if len(p) >= 2]
        if lines:
            bases = np.concatenate([_resample(line, height * 0.6)[0] for line in lines])
        else:
            bases = np.array([[fx + fw / 2, fy + fh]])  # (the bottom edge)
        branches, leaves = [], []  # (polygon), (centre, radius) or polygons
        for base in bases:
            limbs, leafs = [], []
            self._one(base, height, rng, limbs, leafs)
            # Branches grow by chance: the tree scaled about its foot to stand `height` tall.
            top = min(p[:, 1].min() for p in limbs + leafs)
            f = height / max(base[1] - top, 1e-9)
            branches += [base + (p - base) * f for p in limbs]
            leaves += [base + (p - base) * f for p in leafs]
        bark, foliage = TREE_KINDS[self.tree][:2]
        canvas.polygons(branches, bark)
        if self.default_leaves and leaves:
            # A darker whole, then each leaf or clump's upper part lit (shrunk towards it).
            canvas.polygons(leaves, tuple(c * 0.7 for c in foliage), 0.97)
            lit = [c + (p - c) * 0.8 - (0, 0.07 * np.ptp(p[:, 1])) for p in leaves
                   for c in [p.mean(axis=0)]]
            canvas.polygons(lit, foliage, 0.9)

    def _limb(self, a, b, w0, w1) -> np.ndarray:
        d = (b - a) / max(np.hypot(*(b - a)), 1e-9)
        n = np.array([-d[1], d[0]])
        return np.array([a + n * w0 / 2, b + n * w1 / 2, b - n * w1 / 2, a - n * w0 / 2])

    def _leaf(self, at, radius, rng, kind) -> np.ndarray:
        if kind == "disc":  # a lumpy round clump
            k = np.linspace(0, 2 * math.pi, 14, False)
            r = radius * (0.8 + 0.2 * rng.uniform(size=k.size))
            return at + np.stack([np.cos(k) * r, np.sin(k) * r], axis=1)
        return at

    def _one(self, base, height, rng, branches, leaves) -> None:
        kind = TREE_KINDS[self.tree]
        thick = height * 0.06 * self.branches_thickness / 100
        leaf = height * 0.06 * self.leaves_size / 100
        amount = self.leaves_amount / 100
        if kind[5] == "needle":  # a straight trunk, tiers of drooping boughs, narrower up
            top = base + (0, -height)
            branches.append(self._limb(base, top, thick, thick * 0.2))
            tiers = 7
            for i in range(tiers):
                y = 0.25 + 0.75 * i / tiers
                half = height * 0.32 * (1 - y) + leaf * 0.5
                p = base + (0, -height * y)
                drop = height * (0.16 + 0.05 * amount)
                leaves.append(np.array([p + (0, -drop), p + (half, drop * 0.3),
                                        p + (-half, drop * 0.3)]))
            leaves.append(np.array([top + (0, -height * 0.05), top + (leaf, height * 0.12),
                                    top + (-leaf, height * 0.12)]))
            return
        if kind[5] == "frond":  # a leaning curved trunk, fronds drooping from its top
            lean = rng.uniform(-0.25, 0.25) * height
            t = np.linspace(0, 1, 12)[:, None]
            trunk = base + np.hstack([lean * t ** 2, -height * t])
            for a, b in zip(trunk[:-1], trunk[1:]):
                branches.append(self._limb(a, b, thick * 0.8, thick * 0.7))
            top = trunk[-1]
            count = 5 + int(6 * amount)
            for k in range(count):
                ang = math.pi * (k / max(count - 1, 1)) + rng.uniform(-0.1, 0.1)
                reach = height * 0.35 * self.leaves_size / 100
                u = np.linspace(0, 1, 20)[:, None]
                # out along the angle, then down (gravity), as a palm's frond droops
                spine = top + np.hstack([-math.cos(ang) * reach * u,
                                         -math.sin(ang) * reach * u * 0.6 + reach * 0.6 * u ** 2])
                d = np.gradient(spine, axis=0)
                n = np.stack([-d[:, 1], d[:, 0]], axis=1) / np.maximum(
                    np.hypot(d[:, 0], d[:, 1]), 1e-9)[:, None]
                half = leaf * 0.5 * np.sin(math.pi * u) ** 0.7
                leaves.append(np.concatenate([spine + n * half, (spine - n * half)[::-1]]))
            return
        spread, forks, depth = kind[2], kind[3], kind[4]

        def grow(a, angle, length, width, level):
            b = a + length * np.array([math.sin(angle), -math.cos(angle)])
            branches.append(self._limb(a, b, width, width * 0.7))
            # Clumps on the outer two levels of twigs (Leaves Amount: how many stay).
            if level >= depth - 1 and rng.uniform() < 0.3 + 0.7 * amount:
                for _ in range(1 + int(1.5 * amount)):
                    jitter = rng.normal(0, leaf * 0.7, 2)
                    leaves.append(self._leaf(b + jitter, leaf * rng.uniform(0.9, 1.4), rng,
                                             kind[5]))
            if level >= depth or length < 3:
                return
            n = forks + (rng.uniform() < 0.3)
            for k in range(n):
                turn = spread * ((k - (n - 1) / 2) * 1.2 + rng.uniform(-0.3, 0.3))
                # (pulled back towards upright: a crown, not an umbrella)
                grow(b, float(np.clip(angle * 0.75 + turn, -1.4, 1.4)),
                     length * rng.uniform(0.62, 0.8), width * 0.68, level + 1)

        trunk = height * 0.32
        grow(base, rng.uniform(-0.05, 0.05), trunk, thick, 0)


RENDER_PICTURES: dict[str, type] = {"flame": Flame, "picture_frame": PictureFrame,
                                    "tree": Tree}

"""Type on a path (Photoshop's path type): the geometry a text layer's baseline follows.

A text layer on a path keeps its own copy of the path it was started on (`TypePath`: one
subpath's cubic knots, relative to the layer's anchor, so that moving the layer moves the
path with it), as Photoshop's path type keeps its own. The path is flattened once
(`vector_mask.flatten`, the polyline the fill and stroke use) and measured by arc length
(`Track`): the text's flat layout (text_layer.layout, point text's) is carried onto it
by `Track.place`: a flat x becomes the distance along the path from the text's origin,
a flat y the distance along the path's normal (below the baseline on the right of the
path's direction, as Photoshop puts type on the outside of a clockwise circle).

Where the text starts (`TextSettings.path_start`, pixels along the path: Photoshop's
start marker, set where the Type tool clicked) and where it ends (`path_end`: Photoshop's
end marker, as its files set it; by default the path's end, its last anchor, and for a
closed path the start again, a full turn on) bound it: left aligned text starts at the
start marker, right aligned text ends at the end, centred text is centred between the
two (`span`). Glyphs whose middle falls outside those bounds are not drawn: Photoshop's
overflow.

Qt-free (numpy only): drawing the glyphs is text_layer.py's.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .vector_mask import flatten


@dataclass(frozen=True)
class TypePath:
    """A text layer's own path: knots ((preceding, anchor, leaving) control points, each
    (x, y), flattened to six floats per knot) relative to the layer's anchor, and whether
    the subpath is closed. Immutable and hashable (it is part of `TextSettings`)."""

    knots: tuple
    closed: bool = False

    def __post_init__(self):
        knots = tuple(tuple(round(float(v), 4) for v in knot) for knot in self.knots)
        if len(knots) < 2 or any(len(k) != 6 or not all(math.isfinite(v) for v in k)
                                 for k in knots):
            raise ValueError("a type path needs two knots or more of six numbers each")
        object.__setattr__(self, "knots", knots)
        object.__setattr__(self, "closed", bool(self.closed))

    @classmethod
    def from_knots(cls, knots: np.ndarray, closed: bool, origin=(0.0, 0.0)) -> "TypePath":
        """A type path from a subpath's (n, 3, 2) canvas knots, made relative to `origin`."""
        rel = np.asarray(knots, np.float64) - np.asarray(origin, np.float64)
        return cls(tuple(tuple(k.reshape(6)) for k in rel), closed)

    def array(self) -> np.ndarray:
        return np.array(self.knots, np.float64).reshape(-1, 3, 2)

    def scaled(self, sx: float, sy: float) -> "TypePath":
        return TypePath.from_knots(self.array() * (sx, sy), self.closed)

    def as_dict(self) -> dict:
        return {"knots": [list(k) for k in self.knots], "closed": self.closed}

    @classmethod
    def from_dict(cls, data) -> "TypePath":
        if isinstance(data, TypePath):
            return data
        return cls(tuple(tuple(k) for k in data["knots"]), bool(data.get("closed", False)))


class Track:
    """A type path measured by arc length: points and directions at any distance along it,
    and the distance of the point nearest to a given one."""

    def __init__(self, knots: np.ndarray, closed: bool):
        points = flatten(knots, closed)
        if closed and np.hypot(*(points[-1] - points[0])) > 1e-9:
            points = np.vstack([points, points[:1]])
        step = np.hypot(*np.diff(points, axis=0).T)
        keep = np.concatenate([[True], step > 1e-9])  # (repeated points have no direction)
        self.points = points[keep]
        self.cum = np.concatenate([[0.0], np.cumsum(step[step > 1e-9])])
        self.length = float(self.cum[-1])
        self.closed = bool(closed)

    def at(self, s) -> tuple[np.ndarray, np.ndarray]:
        """Points (N, 2) and directions (N, radians, y down) at distances `s` along the
        path: a closed path wraps round; an open one goes on straight past its ends."""
        s = np.atleast_1d(np.asarray(s, np.float64))
        if self.length <= 0:
            return np.repeat(self.points[:1], len(s), 0), np.zeros(len(s))
        t = np.mod(s, self.length) if self.closed else np.clip(s, 0.0, self.length)
        seg = np.clip(np.searchsorted(self.cum, t, side="right") - 1, 0, len(self.cum) - 2)
        a, b = self.points[seg], self.points[seg + 1]
        u = ((t - self.cum[seg]) / (self.cum[seg + 1] - self.cum[seg]))[:, None]
        points = a + (b - a) * u
        # The direction across a pixel either side (a polyline's corners smoothed: each
        # glyph turned as the curve under it runs, not as one tiny segment does).
        h = 1.0
        ahead = self._raw(t + h)
        behind = self._raw(t - h)
        d = ahead - behind
        angle = np.arctan2(d[:, 1], d[:, 0])
        if not self.closed:  # past an open path's ends: straight on
            past = (s - t)[:, None]
            points = points + past * np.stack([np.cos(angle), np.sin(angle)], 1)
        return points, angle

    def _raw(self, t: np.ndarray) -> np.ndarray:
        t = np.mod(t, self.length) if self.closed else np.clip(t, 0.0, self.length)
        return np.stack([np.interp(t, self.cum, self.points[:, 0]),
                         np.interp(t, self.cum, self.points[:, 1])], 1)

    def place(self, origin: float, points) -> np.ndarray:
        """Flat text points (N, 2) about the anchor carried onto the path: x along it from
        distance `origin`, y along the normal (down in flat text: right of the path)."""
        points = np.asarray(points, np.float64).reshape(-1, 2)
        base, angle = self.at(origin + points[:, 0])
        normal = np.stack([-np.sin(angle), np.cos(angle)], 1)
        return base + normal * points[:, 1:2]

    def project(self, point) -> float:
        """The distance along the path of its point nearest `point`."""
        p = np.asarray(point, np.float64)
        a, b = self.points[:-1], self.points[1:]
        d = b - a
        den = np.maximum((d ** 2).sum(1), 1e-12)
        u = np.clip(((p - a) * d).sum(1) / den, 0.0, 1.0)
        near = a + d * u[:, None]
        i = int(((near - p) ** 2).sum(1).argmin())
        return float(self.cum[i] + u[i] * np.sqrt(den[i]))


@lru_cache(maxsize=16)  # (drawn, the caret and a click ask for the same path again and again)
def track(path: TypePath) -> Track:
    return Track(path.array(), path.closed)


def span(path: TypePath, start: float, align: str, end=None) -> tuple[float, float, float]:
    """(origin, first, last): the distance along the path that the flat text's x = 0 goes
    to for alignment `align` (point text's: the anchor at a line's start, middle or end),
    and the bounds glyphs are drawn within: the start marker and the end marker `end`
    (distances along the path; None: the path's end, a closed path's a turn on)."""
    length = track(path).length
    first = min(max(0.0, start), length)
    last = first + length if path.closed else length
    if end is not None:
        last = max(first, min(last, float(end) + (length if path.closed and end < first
                                                  else 0.0)))
    origin = {"center": (first + last) / 2, "right": last}.get(align, first)
    return origin, first, last


# The document paths last measured, by their knots: the Type tool asks at every move of
# the pointer (its cursor) whether it is over one, and a traced path has thousands.
_MEASURED: dict = {}


def distance_to(knots: np.ndarray, closed: bool, point) -> tuple[float, float]:
    """How far canvas `point` lies from a subpath ((n, 3, 2) canvas knots), and the
    distance along the subpath of its nearest point (where a click on it starts text)."""
    knots = np.asarray(knots, np.float64)
    key = (knots.tobytes(), bool(closed))
    measured = _MEASURED.get(key)
    if measured is None:
        measured = Track(knots, closed)
        if len(_MEASURED) >= 16:
            _MEASURED.pop(next(iter(_MEASURED)))
        _MEASURED[key] = measured
    s = measured.project(point)
    near, _ = measured.at(s)
    return float(np.hypot(*(near[0] - np.asarray(point, np.float64)))), s

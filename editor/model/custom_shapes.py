"""Custom shapes (Photoshop's Custom Shape tool and its Shapes library): named outlines of
one or more Bezier subpaths kept in a unit box (0..1 on both axes, y down), stretched to the
box a drag draws. The built-in shapes are drawn here (our own drawings); Edit > Define
Custom Shape makes one from a path (`from_vector`); the user's live in a JSON file beside
the settings (`load_library` / `save_library`). A custom-shape layer is a shape layer like
the others (a Solid Color fill with a vector mask): nothing of the library goes into a
document."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import path_edit, preset_file
from .errors import DocumentError
from .path_edit import KAPPA, corner_knot
from .vector_mask import Subpath, VectorMask

# Samples per Bezier segment when measuring a path's bounds: a cubic's extreme between
# samples this close strays from the sampled one by far less than a pixel at any size
# a canvas takes.
_BOUND_SAMPLES = 64


@dataclass(frozen=True)
class CustomShape:
    """A named outline: `subpaths` with knots (n, 3, 2) in the unit box, the curves'
    bounds exactly 0..1 on both axes (`normalized`), and its proportions."""

    name: str
    subpaths: tuple
    aspect: float = 1.0  # width over height as it was defined (Shift keeps it)

    def fitted(self, x0: float, y0: float, x1: float, y1: float) -> list[Subpath]:
        """The subpaths stretched onto the box (x0, y0, x1, y1), canvas pixels."""
        scale = np.array([x1 - x0, y1 - y0], np.float64)
        origin = np.array([x0, y0], np.float64)
        return [Subpath(s.knots * scale + origin, s.closed, s.operation, s.non_zero)
                for s in self.subpaths]

    def to_dict(self) -> dict:
        return {"name": self.name, "aspect": self.aspect,
                "subpaths": [{"closed": s.closed, "operation": s.operation,
                              **({"non_zero": True} if s.non_zero else {}),
                              "knots": np.round(s.knots, 6).tolist()} for s in self.subpaths]}


def curve_bounds(subpaths) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) of the drawn curves (not their handles), sampled."""
    points = []
    t = np.linspace(0.0, 1.0, _BOUND_SAMPLES + 1)
    for sub in subpaths:
        knots = np.asarray(sub.knots, np.float64)
        points.append(knots[:, path_edit.ANCHOR])
        for i in range(path_edit.segment_count(knots, sub.closed)):
            points.append(path_edit.bezier_points(path_edit.segment_controls(knots, i), t))
    if not points:
        raise DocumentError("The path has no anchor points.")
    every = np.concatenate(points)
    (x0, y0), (x1, y1) = every.min(axis=0), every.max(axis=0)
    return float(x0), float(y0), float(x1), float(y1)


def normalized(name: str, subpaths, aspect=None) -> CustomShape:
    """A shape named `name` from `subpaths` anywhere (any units): moved and scaled so that
    its curves' bounds are the unit box; it remembers its width over height."""
    # (a subpath's fill rule kept: a .csh's shapes may be filled by the non-zero rule)
    subpaths = [Subpath(np.asarray(s.knots, np.float64).reshape(-1, 3, 2), bool(s.closed),
                        int(s.operation), bool(getattr(s, "non_zero", False)))
                for s in subpaths if len(s.knots)]
    x0, y0, x1, y1 = curve_bounds(subpaths)
    w, h = x1 - x0, y1 - y0
    if w <= path_edit.TINY or h <= path_edit.TINY:
        raise DocumentError("The path must have some width and height to make a shape.")
    scale, origin = np.array([w, h]), np.array([x0, y0])
    return CustomShape(name, tuple(Subpath((s.knots - origin) / scale, s.closed, s.operation,
                                           s.non_zero)
                                   for s in subpaths), float(aspect) if aspect else w / h)


def from_vector(name: str, vector: VectorMask) -> CustomShape:
    """Edit > Define Custom Shape: the path's subpaths (where they are drawn now) as a
    shape named `name`."""
    name = (name or "").strip()
    if not name:
        raise DocumentError("Give the shape a name.")
    if vector is None or not vector.subpaths:
        raise DocumentError("Choose a path in the Paths panel, or a shape layer, to define a "
                            "custom shape.")
    return normalized(name, path_edit.current_subpaths(vector))


def from_dict(data: dict) -> CustomShape:
    return normalized(str(data["name"]),
                      [Subpath(np.asarray(s["knots"], np.float64), bool(s.get("closed", True)),
                               int(s.get("operation", 1)), bool(s.get("non_zero", False)))
                       for s in data["subpaths"]],
                      data.get("aspect"))


def load(path: str) -> list[CustomShape]:
    """The user's shapes from `path`; a missing or damaged file raises DocumentError."""
    data = preset_file.read_json(path)
    try:
        return [from_dict(d) for d in data["shapes"]]
    except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise DocumentError(f"The custom shapes file is damaged ({exc}).") from None


def load_library(path: str) -> list[CustomShape]:
    """The user's shapes from `path` (none when it is missing or unreadable: the library
    must never stop the editor starting)."""
    try:
        return load(path)
    except DocumentError:
        return []


def save_library(path: str, shapes) -> None:
    """Writes the user's shapes to `path` (atomically: a crash mid-write keeps the old
    library; SaveError)."""
    preset_file.write_json(path, {"shapes": [s.to_dict() for s in shapes]}, indent=None)


# -- the built-in shapes (drawn on a 0..1 box; `normalized` fits them exactly) ---------------
def _knots(*triples) -> np.ndarray:
    """Knots from (preceding, anchor, leaving) triples; a bare (x, y) is a corner."""
    out = []
    for t in triples:
        out.append(corner_knot(*t) if np.ndim(t) == 1 else np.array(t, np.float64))
    return np.stack(out)


def _closed(*triples) -> Subpath:
    return Subpath(_knots(*triples), True, 1)


def _ellipse(cx, cy, rx, ry) -> Subpath:
    return Subpath(path_edit.ellipse_knots(cx - rx, cy - ry, cx + rx, cy + ry), True, 1)


def _heart() -> list[Subpath]:
    # Two lobes meeting in a notch at the top and a point at the bottom; each lobe's top
    # and outer side are smooth anchors whose handles run along the box's edges.
    return [_closed(((0.47, 0.08), (0.5, 0.25), (0.53, 0.08)),
                    ((0.62, 0.0), (0.76, 0.0), (0.9, 0.0)),
                    ((1.0, 0.12), (1.0, 0.3), (1.0, 0.5)),
                    ((0.78, 0.72), (0.5, 1.0), (0.22, 0.72)),
                    ((0.0, 0.5), (0.0, 0.3), (0.0, 0.12)),
                    ((0.1, 0.0), (0.24, 0.0), (0.38, 0.0)))]


def _star(points: int = 5, inner: float = 0.382) -> list[Subpath]:
    angles = -np.pi / 2 + np.pi * np.arange(2 * points) / points
    radii = np.where(np.arange(2 * points) % 2 == 0, 1.0, inner)
    return [_closed(*zip(radii * np.cos(angles), radii * np.sin(angles)))]


def _speech_bubble() -> list[Subpath]:
    r, k = 0.15, KAPPA * 0.15
    bottom = 0.75
    return [_closed(((r - k, 0), (r, 0), (r, 0)), ((1 - r, 0), (1 - r, 0), (1 - r + k, 0)),
                    ((1, r - k), (1, r), (1, r)),
                    ((1, bottom - r), (1, bottom - r), (1, bottom - r + k)),
                    ((1 - r + k, bottom), (1 - r, bottom), (1 - r, bottom)),
                    (0.45, bottom), (0.2, 1.0), (0.3, bottom),
                    ((r, bottom), (r, bottom), (r - k, bottom)),
                    ((0, bottom - r + k), (0, bottom - r), (0, bottom - r)),
                    ((0, r), (0, r), (0, r - k)))]


def _paw() -> list[Subpath]:
    # A pad and four toes: separate subpaths combined (Photoshop's Combine Shapes).
    pad = _closed(((0.32, 0.5), (0.5, 0.5), (0.68, 0.5)),
                  ((0.82, 0.68), (0.82, 0.82), (0.82, 0.98)),
                  ((0.62, 1.0), (0.5, 0.94), (0.38, 1.0)),
                  ((0.18, 0.98), (0.18, 0.82), (0.18, 0.68)))
    return [pad, _ellipse(0.1, 0.42, 0.1, 0.13), _ellipse(0.33, 0.17, 0.11, 0.15),
            _ellipse(0.67, 0.17, 0.11, 0.15), _ellipse(0.9, 0.42, 0.1, 0.13)]


def _polygon(*points) -> list[Subpath]:
    return [_closed(*points)]


BUILTIN: tuple[CustomShape, ...] = tuple(normalized(name, subpaths) for name, subpaths in (
    ("Heart", _heart()),
    ("Star", _star()),
    ("Arrow", _polygon((0, 0.3), (0.55, 0.3), (0.55, 0), (1, 0.5), (0.55, 1), (0.55, 0.7),
                       (0, 0.7))),
    ("Speech Bubble", _speech_bubble()),
    ("Check Mark", _polygon((0, 0.55), (0.15, 0.4), (0.38, 0.62), (0.85, 0.08), (1, 0.22),
                            (0.38, 0.92))),
    ("Cross", _polygon((0.2, 0), (0.5, 0.3), (0.8, 0), (1, 0.2), (0.7, 0.5), (1, 0.8),
                       (0.8, 1), (0.5, 0.7), (0.2, 1), (0, 0.8), (0.3, 0.5), (0, 0.2))),
    ("Lightning Bolt", _polygon((0.5, 0), (0.1, 0.56), (0.42, 0.56), (0.28, 1), (0.9, 0.4),
                                (0.56, 0.4), (0.8, 0))),
    ("Paw", _paw()),
))

"""Curve Fit (the Freeform Pen's): a freehand stroke turned into few Bezier anchors, the
curve within `tolerance` pixels of the points drawn. Philip J. Schneider's algorithm
("An Algorithm for Automatically Fitting Digitized Curves", Graphics Gems, 1990): one
cubic fitted by least squares over the points' chord-length parameters, refined by
Newton steps, else the points split where the fit strays most, the two halves joined
smoothly there. Anchors come out as the paths' knots: (n, 3, 2) preceding handle,
anchor, leaving handle (`path_edit`)."""
from __future__ import annotations

import numpy as np


def fit_knots(points: np.ndarray, tolerance: float = 2.0, closed: bool = False) -> np.ndarray:
    """The knots of Bezier segments through `points` ((n, 2) canvas coordinates, in the
    order drawn) that stay within `tolerance` px of them; `closed`: the last point joins
    the first (its knot smooth there too)."""
    pts = _distinct(np.asarray(points, np.float64).reshape(-1, 2))
    if closed and len(pts) > 2 and np.hypot(*(pts[-1] - pts[0])) > 1e-9:
        pts = np.vstack([pts, pts[:1]])
    if len(pts) < 2:
        return np.repeat(pts[:, None, :], 3, axis=1)
    if closed and len(pts) > 3:
        tangent = _unit(pts[1] - pts[-2])  # one tangent through the start: smooth there
        left, right = tangent, -tangent
    else:
        left, right = _unit(pts[1] - pts[0]), _unit(pts[-2] - pts[-1])
    curves = _fit(pts, left, right, max(float(tolerance), 0.05))
    knots = np.empty((len(curves) + 1, 3, 2))
    for i, curve in enumerate(curves):
        knots[i, 1], knots[i, 2] = curve[0], curve[1]
        knots[i + 1, 0], knots[i + 1, 1] = curve[2], curve[3]
    knots[0, 0], knots[-1, 2] = knots[0, 1], knots[-1, 1]
    if closed and len(knots) > 2:  # the last anchor is the first one again
        knots[0, 0] = knots[-1, 0]
        knots = knots[:-1]
    return knots


def _distinct(pts: np.ndarray) -> np.ndarray:
    if len(pts) < 2:
        return pts
    keep = np.concatenate([[True], np.hypot(*np.diff(pts, axis=0).T) > 1e-9])
    return pts[keep]


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.hypot(*v))
    return v / n if n > 1e-12 else np.array([1.0, 0.0])


def _fit(pts: np.ndarray, left: np.ndarray, right: np.ndarray, error: float) -> list[np.ndarray]:
    if len(pts) == 2:
        d = np.hypot(*(pts[1] - pts[0])) / 3.0
        return [np.array([pts[0], pts[0] + left * d, pts[1] + right * d, pts[1]])]
    u = _chord_lengths(pts)
    curve = _generate(pts, u, left, right)
    worst, split = _max_error(pts, curve, u)
    if worst < error:
        return [curve]
    if worst < 4 * error:  # close: a few Newton steps on the parameters may do
        for _ in range(20):
            u = _reparameterize(curve, pts, u)
            curve = _generate(pts, u, left, right)
            worst, split = _max_error(pts, curve, u)
            if worst < error:
                return [curve]
    centre = _unit(pts[split - 1] - pts[split + 1])
    return _fit(pts[:split + 1], left, centre, error) + _fit(pts[split:], -centre, right, error)


def _chord_lengths(pts: np.ndarray) -> np.ndarray:
    d = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(pts, axis=0).T))])
    return d / d[-1]


def _bezier(curve: np.ndarray, t: np.ndarray) -> np.ndarray:
    t = t[:, None]
    s = 1.0 - t
    return s ** 3 * curve[0] + 3 * s * s * t * curve[1] + 3 * s * t * t * curve[2] + t ** 3 * curve[3]


def _generate(pts: np.ndarray, u: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The cubic from pts[0] to pts[-1] leaving along `left`, arriving along `right`,
    whose handle lengths fit the points best (least squares)."""
    first, last = pts[0], pts[-1]
    s = 1.0 - u
    a1 = (3 * s * s * u)[:, None] * left
    a2 = (3 * s * u * u)[:, None] * right
    c00, c01, c11 = (a1 * a1).sum(), (a1 * a2).sum(), (a2 * a2).sum()
    rest = pts - _bezier(np.array([first, first, last, last]), u)
    x0, x1 = (a1 * rest).sum(), (a2 * rest).sum()
    det = c00 * c11 - c01 * c01
    length = np.hypot(*(last - first))
    if abs(det) > 1e-12:
        alpha_l, alpha_r = (x0 * c11 - x1 * c01) / det, (c00 * x1 - c01 * x0) / det
    else:
        alpha_l = alpha_r = 0.0
    if alpha_l < 1e-6 * length or alpha_r < 1e-6 * length:  # (degenerate: a third each)
        alpha_l = alpha_r = length / 3.0
    return np.array([first, first + left * alpha_l, last + right * alpha_r, last])


def _max_error(pts: np.ndarray, curve: np.ndarray, u: np.ndarray) -> tuple[float, int]:
    d = np.hypot(*(_bezier(curve, u) - pts).T)
    d[0] = d[-1] = 0.0
    split = int(np.argmax(d))
    return float(d[split]), min(max(split, 1), len(pts) - 2)


def _reparameterize(curve: np.ndarray, pts: np.ndarray, u: np.ndarray) -> np.ndarray:
    """One Newton step per point towards the parameter of the curve's nearest point."""
    t = u[:, None]
    s = 1.0 - t
    q = _bezier(curve, u)
    d1 = 3 * (s * s * (curve[1] - curve[0]) + 2 * s * t * (curve[2] - curve[1]) + t * t * (curve[3] - curve[2]))
    d2 = 6 * (s * (curve[2] - 2 * curve[1] + curve[0]) + t * (curve[3] - 2 * curve[2] + curve[1]))
    diff = q - pts
    numerator = (diff * d1).sum(axis=1)
    denominator = (d1 * d1).sum(axis=1) + (diff * d2).sum(axis=1)
    step = np.where(np.abs(denominator) > 1e-12, numerator / np.where(denominator == 0, 1, denominator), 0.0)
    return np.clip(u - step, 0.0, 1.0)
